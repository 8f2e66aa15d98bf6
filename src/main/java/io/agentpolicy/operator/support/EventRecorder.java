package io.agentpolicy.operator.support;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Emits the operator's Kubernetes Events (docs api.md, "Events"). Identical events for the same object are
 * emitted once per {@link #REPEAT_AFTER}, so a flapping condition cannot flood the API server.
 */
@ApplicationScoped
public class EventRecorder {
    public static final String COMPONENT = "agent-policy-operator";
    static final Duration REPEAT_AFTER = Duration.ofMinutes(5);
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    /** The event reasons of the contract, each with its Kubernetes event type. */
    public enum Reason {
        Admitted(false),
        Downgraded(true),
        Denied(true),
        Expired(false),
        DriftDetected(true),
        DriftCorrected(false),
        InvalidSpec(true),
        OverrideActivated(true),
        OverrideExpired(false),
        PodNonCompliant(true);

        private final boolean warning;

        Reason(boolean warning) {
            this.warning = warning;
        }

        public String type() {
            return warning ? "Warning" : "Normal";
        }
    }

    private final Map<String, Instant> lastEmitted = new ConcurrentHashMap<>();

    @Inject
    KubernetesClient client;

    public void record(HasMetadata involved, Reason reason, String message) {
        Instant now = Instant.now();
        String key = involved.getMetadata().getUid() + "/" + reason + "/" + message;
        Instant previous = lastEmitted.get(key);
        if (previous != null && previous.plus(REPEAT_AFTER).isAfter(now)) {
            return;
        }
        lastEmitted.put(key, now);
        // Events of cluster-scoped objects live in the default namespace, as Kubernetes' own do.
        String namespace = involved instanceof Namespaced ? involved.getMetadata().getNamespace() : "default";
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(involved.getMetadata().getName() + ".").endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(involved.getApiVersion()).withKind(involved.getKind())
                    .withName(involved.getMetadata().getName()).withNamespace(involved.getMetadata().getNamespace())
                    .withUid(involved.getMetadata().getUid()).withResourceVersion(involved.getMetadata().getResourceVersion())
                    .endInvolvedObject()
                    .withReason(reason.name()).withMessage(message).withType(reason.type())
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT).withCount(1)
                    .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString())
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy: losing one must never fail a reconcile.
            LOG.warnf("could not record event %s on %s: %s", reason, involved.getMetadata().getName(), e.getMessage());
        }
    }
}
