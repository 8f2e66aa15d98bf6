package io.agentpolicy.operator.reporting;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.agentpolicy.engine.Sha256;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Emits the operator's Kubernetes Events (shared/docs/api.md, "Events"), deduplicated the way Kubernetes does it: an
 * Event's name comes from its object, reason and message, so a repeat bumps the count and lastTimestamp of the
 * existing Event (also after a restart) instead of adding one. Repeats within {@link #REPEAT_AFTER} are not
 * written at all, so a flapping condition cannot flood the API server; that memory is bounded and forgets.
 */
@ApplicationScoped
public class EventRecorder {
    public static final String COMPONENT = "agent-policy-operator";
    static final Duration REPEAT_AFTER = Duration.ofMinutes(5);
    static final int MAX_REMEMBERED = 10_000;
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
        PodNonCompliant(true),
        /** A session asks to go beyond its caps and waits for approvals. */
        ExceptionRequested(false),
        /** Every approval is in: the session runs beyond its caps until the exception lapses. */
        ExceptionApproved(false),
        /** An eligible approver rejected the exception; the session is decided without it. */
        ExceptionRejected(true),
        /** An engineer's incidents escalated their agents one level lower in a namespace (on the EngineerStanding). */
        Escalated(true),
        /** Clean sessions or a quiet period lifted an engineer's escalation in a namespace. */
        DeEscalated(false),
        /** A generated admission policy or binding was deleted or changed by hand and has been put back. */
        AdmissionPolicyRestored(true);

        private final boolean warning;

        Reason(boolean warning) {
            this.warning = warning;
        }

        public String type() {
            return warning ? "Warning" : "Normal";
        }
    }

    /** The API server's answer to creating an Event whose name exists. */
    private static final int ALREADY_EXISTS = 409;

    /** Names of the Events written lately: a repeat within REPEAT_AFTER is not written again. */
    private final Cache<String, Boolean> recentlyWritten = Caffeine.newBuilder()
            .maximumSize(MAX_REMEMBERED).expireAfterWrite(REPEAT_AFTER).build();

    @Inject
    KubernetesClient client;

    @Inject
    Clock clock;

    public void record(HasMetadata involved, Reason reason, String message) {
        String name = nameOf(involved, reason, message);
        if (recentlyWritten.asMap().putIfAbsent(name, Boolean.TRUE) != null) {
            return;
        }
        // Events of cluster-scoped objects live in the default namespace, as Kubernetes' own do.
        String namespace = involved instanceof Namespaced ? involved.getMetadata().getNamespace() : "default";
        String now = clock.instant().toString();
        try {
            // Create first: most Events are new (a cold start writes one per session), and a repeat costs one refused create.
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withName(name).endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(involved.getApiVersion()).withKind(involved.getKind())
                    .withName(involved.getMetadata().getName()).withNamespace(involved.getMetadata().getNamespace())
                    .withUid(involved.getMetadata().getUid()).withResourceVersion(involved.getMetadata().getResourceVersion())
                    .endInvolvedObject()
                    .withReason(reason.name()).withMessage(message).withType(reason.type())
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT).withCount(1)
                    .withFirstTimestamp(now).withLastTimestamp(now)
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == ALREADY_EXISTS) {
                bump(namespace, name, now, involved, reason);
                return;
            }
            lost(name, involved, reason, e);
        }
    }

    /** The same Event again (also from before a restart): its count and lastTimestamp move, as client-go's do. */
    private void bump(String namespace, String name, String now, HasMetadata involved, Reason reason) {
        try {
            Event existing = client.v1().events().inNamespace(namespace).withName(name).get();
            int count = existing == null || existing.getCount() == null ? 1 : existing.getCount();
            client.v1().events().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"count\":" + (count + 1) + ",\"lastTimestamp\":\"" + now + "\"}");
        } catch (KubernetesClientException e) {
            lost(name, involved, reason, e);
        }
    }

    /** An event is a courtesy: losing one must never fail a reconcile. The next occurrence tries again. */
    private void lost(String name, HasMetadata involved, Reason reason, KubernetesClientException e) {
        recentlyWritten.invalidate(name);
        LOG.warnf("could not record event %s on %s: %s", reason, involved.getMetadata().getName(), e.getMessage());
    }

    /** "&lt;object&gt;.&lt;16 hex digits&gt;": one Event per object, reason and message, as client-go's aggregator keys them. */
    static String nameOf(HasMetadata involved, Reason reason, String message) {
        String digest = Sha256.hex(involved.getMetadata().getUid() + "\n" + reason + "\n" + message).substring(0, 16);
        String name = involved.getMetadata().getName();
        // An object name is at most 253 characters, and so is the Event's.
        return name.substring(0, Math.min(name.length(), 253 - 17)) + "." + digest;
    }
}
