package io.agentpolicy.operator.openreports;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.operator.cache.Bounded;
import io.agentpolicy.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Writes each namespace's OpenReports Report, only when its content changed: the content last written (or found
 * at start, by one list of the operator's Reports) is remembered per namespace, so a reconcile that changes nothing
 * makes no request at all. Reports are off when {@code agentpolicy.reports.enabled} is false or the Report CRD is
 * not installed; the switch is logged once per change and exported as agentpolicy_reports_active.
 */
@ApplicationScoped
public class ReportWriter {
    public static final String CRD_NAME = "reports.openreports.io";
    public static final String REPORT_NAME = "agent-policy";
    static final ResourceDefinitionContext REPORTS = new ResourceDefinitionContext.Builder().withGroup("openreports.io")
            .withVersion("v1alpha1").withKind("Report").withPlural("reports").withNamespaced(true).build();
    private static final Logger LOG = Logger.getLogger(ReportWriter.class);
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    @Inject
    KubernetesClient client;

    @Inject
    OperatorConfig config;

    /** By namespace, the canonical JSON of the content its Report holds; absent: the namespace has no Report of ours. */
    private final Map<String, String> written = Bounded.map(Bounded.PER_MAP);
    /** Whether the Report CRD is installed; null until the first reconcile says. */
    private Boolean crdInstalled;
    private boolean seeded;

    @Inject
    void exportState(MeterRegistry registry) {
        registry.gauge("agentpolicy.reports.active", this, writer -> writer.active() ? 1 : 0);
    }

    public boolean enabled() {
        return config.reports().enabled();
    }

    /** True while Reports are written: enabled, and the CRD is installed. */
    public synchronized boolean active() {
        return enabled() && Boolean.TRUE.equals(crdInstalled);
    }

    /** The CRD appeared or went away: logged once per change; on return, every namespace is to be written anew. */
    public synchronized void crdInstalled(boolean installed) {
        if (Objects.equals(crdInstalled, installed) || !enabled()) {
            crdInstalled = installed;
            return;
        }
        crdInstalled = installed;
        written.clear();
        seeded = false;
        if (installed) {
            LOG.infof("OpenReports CRD %s found: writing a Report per governed namespace", CRD_NAME);
        } else {
            LOG.warnf("OpenReports CRD %s is not installed: no Reports are written (install it to turn them on)", CRD_NAME);
        }
    }

    /** Creates or updates the namespace's Report when its content differs from what it holds. */
    public void write(String namespace, Map<String, Object> content) {
        if (!active()) {
            return;
        }
        seedOnce();
        String canonical = canonical(content);
        if (canonical.equals(written.get(namespace))) {
            return;
        }
        GenericKubernetesResource report = new GenericKubernetesResource();
        report.setApiVersion("openreports.io/v1alpha1");
        report.setKind("Report");
        report.setMetadata(new ObjectMetaBuilder().withName(REPORT_NAME).withNamespace(namespace)
                .addToLabels(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE).build());
        report.setAdditionalProperties(new LinkedHashMap<>(content));
        client.genericKubernetesResources(REPORTS).inNamespace(namespace).resource(report)
                .fieldManager(ApiConstants.MANAGED_BY_VALUE).forceConflicts().serverSideApply();
        written.put(namespace, canonical);
    }

    /** Deletes the namespace's Report, if it has one: nothing governs the namespace and no session runs there. */
    public void remove(String namespace) {
        if (!active()) {
            return;
        }
        seedOnce();
        if (written.remove(namespace) != null) {
            client.genericKubernetesResources(REPORTS).inNamespace(namespace).withName(REPORT_NAME).delete();
        }
    }

    /** One list of the operator's Reports, so that a restart rewrites none that is current. */
    private synchronized void seedOnce() {
        if (seeded) {
            return;
        }
        client.genericKubernetesResources(REPORTS).inAnyNamespace()
                .withLabel(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE).list().getItems().stream()
                .filter(report -> REPORT_NAME.equals(report.getMetadata().getName()))
                .forEach(report -> written.put(report.getMetadata().getNamespace(), canonical(contentOf(report))));
        seeded = true;
    }

    private static Map<String, Object> contentOf(GenericKubernetesResource report) {
        Map<String, Object> content = new LinkedHashMap<>(report.getAdditionalProperties());
        content.remove("status");
        return content;
    }

    static String canonical(Map<String, Object> content) {
        try {
            return CANONICAL.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report is plain maps, lists and strings", e);
        }
    }
}
