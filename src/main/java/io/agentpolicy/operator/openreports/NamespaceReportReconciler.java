package io.agentpolicy.operator.openreports;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.DriftEntry;
import io.agentpolicy.api.DriftStatus;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.operator.cache.LeanCaches;
import io.agentpolicy.operator.cache.Namespaces;
import io.agentpolicy.operator.cache.PolicyChanges;
import io.agentpolicy.operator.config.OperatorConfig;
import io.agentpolicy.operator.config.ReconcileHorizon;
import io.agentpolicy.operator.config.ReconcileRetry;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.operator.reporting.JsonTrees;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;

/**
 * Publishes each governed namespace's OpenReports Report from the statuses the other controllers wrote (sessions'
 * decisions, pods and drift; the policies' drift record of the baseline map), and keeps the session gauges. A
 * namespace that no policy governs and where no session was decided has no Report.
 */
@GradualRetry(maxAttempts = ReconcileRetry.UNLIMITED, initialInterval = ReconcileRetry.INITIAL_MILLIS, intervalMultiplier = ReconcileRetry.MULTIPLIER,
        maxInterval = ReconcileRetry.MAX_MILLIS)
@ControllerConfiguration(name = NamespaceReportReconciler.NAME, generationAwareEventProcessing = false,
        informer = @Informer(itemStore = LeanCaches.NamespaceStore.class),
        maxReconciliationInterval = @MaxReconciliationInterval(interval = ReconcileHorizon.MINUTES, timeUnit = TimeUnit.MINUTES))
public class NamespaceReportReconciler implements Reconciler<Namespace> {
    public static final String NAME = "namespace-report";

    @Inject
    ReportWriter writer;

    @Inject
    SessionGauges gauges;

    @Inject
    PolicyEngine engine;

    @Inject
    OperatorConfig config;

    private InformerEventSource<AgentSession, Namespace> sessions;
    private InformerEventSource<PermissionPolicy, Namespace> policies;
    private InformerEventSource<CustomResourceDefinition, Namespace> reportCrd;

    @Override
    public List<EventSource<?, Namespace>> prepareEventSources(EventSourceContext<Namespace> context) {
        sessions = new InformerEventSource<>(InformerEventSourceConfiguration.from(AgentSession.class, Namespace.class)
                .withName("report-sessions")
                .withItemStore(new LeanCaches.AgentSessionStore())
                .withSecondaryToPrimaryMapper(session -> Set.of(new ResourceID(session.getMetadata().getNamespace())))
                .build(), context);
        gauges.readFrom(() -> sessions.list(s -> true));
        policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(PermissionPolicy.class, Namespace.class)
                .withName("report-policies")
                // A report reads a policy's spec and its drift record, not the rest of its status (counts change with
                // every relabel, and each change would ask every namespace the policy matches again).
                .withOnUpdateFilter((changed, before) -> PolicyChanges.matter(changed, before)
                        || !JsonTrees.same(driftOf(before), driftOf(changed)))
                .withSecondaryToPrimaryMapper(policy -> concerned(policy, context))
                .build(), context);
        // Turns Reports on (and writes every namespace's) as soon as the CRD is installed, off when it is removed.
        reportCrd = new InformerEventSource<>(InformerEventSourceConfiguration.from(CustomResourceDefinition.class, Namespace.class)
                .withName("report-crd")
                .withItemStore(new LeanCaches.CrdNameStore())
                .withGenericFilter(crd -> ReportWriter.CRD_NAME.equals(crd.getMetadata().getName()))
                .withSecondaryToPrimaryMapper(crd -> context.getPrimaryCache().list().map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build(), context);
        return List.of(sessions, policies, reportCrd);
    }

    @Override
    public UpdateControl<Namespace> reconcile(Namespace namespace, Context<Namespace> context) {
        String name = namespace.getMetadata().getName();
        List<AgentSession> inNamespace = sessions.list(name, s -> true).toList();
        inNamespace.forEach(gauges::observe);
        if (!writer.enabled()) {
            return UpdateControl.noUpdate();
        }
        writer.crdInstalled(reportCrd.get(new ResourceID(ReportWriter.CRD_NAME)).isPresent());
        if (!writer.active()) {
            return UpdateControl.noUpdate();
        }
        List<PermissionPolicy> governing = engine.forBaseline(policies.list(p -> true).toList(), Namespaces.info(namespace));
        boolean decided = inNamespace.stream().anyMatch(s -> s.getStatus() != null && s.getStatus().getPhase() != null);
        if (governing.isEmpty() && !decided) {
            writer.remove(name);
            return UpdateControl.noUpdate();
        }
        NamespaceReport.Baseline baseline = governing.isEmpty() ? null
                : new NamespaceReport.Baseline(config.configMapName(), uncorrectedDrift(name, governing));
        writer.write(name, NamespaceReport.content(name, inNamespace, baseline));
        return UpdateControl.noUpdate();
    }

    /** The baseline map's drift that the governing policies record as not restored, newest first. */
    private List<DriftEntry> uncorrectedDrift(String namespace, List<PermissionPolicy> governing) {
        return governing.stream()
                .filter(p -> p.getStatus() != null && Conditions.isTrue(p.getStatus().getConditions(), Conditions.DRIFTED))
                .filter(p -> p.getStatus().getDrift() != null && p.getStatus().getDrift().getEntries() != null)
                .flatMap(p -> p.getStatus().getDrift().getEntries().stream())
                .filter(e -> namespace.equals(e.getNamespace()) && config.configMapName().equals(e.getConfigMap())
                        && !Boolean.TRUE.equals(e.getCorrected()))
                .sorted((a, b) -> String.valueOf(b.getDetectedAt()).compareTo(String.valueOf(a.getDetectedAt())))
                .toList();
    }

    private static DriftStatus driftOf(PermissionPolicy policy) {
        return policy.getStatus() == null ? null : policy.getStatus().getDrift();
    }

    /** Namespaces the policy matches now, and those its drift record names. */
    private Set<ResourceID> concerned(PermissionPolicy policy, EventSourceContext<Namespace> context) {
        Set<ResourceID> concerned = new HashSet<>();
        List<PermissionPolicy> justThis = List.of(policy);
        context.getPrimaryCache().list()
                .filter(ns -> !engine.forBaseline(justThis, Namespaces.info(ns)).isEmpty())
                .forEach(ns -> concerned.add(ResourceID.fromResource(ns)));
        if (policy.getStatus() != null && policy.getStatus().getDrift() != null && policy.getStatus().getDrift().getEntries() != null) {
            policy.getStatus().getDrift().getEntries().forEach(e -> concerned.add(new ResourceID(e.getNamespace())));
        }
        return concerned;
    }
}
