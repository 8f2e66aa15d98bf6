package io.agentpolicy.operator.track;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentIncidentSpec;
import io.agentpolicy.api.AgentIncidentStatus;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.engine.IncidentCheck;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.StandingNames;
import io.agentpolicy.operator.cache.Namespaces;
import io.agentpolicy.operator.config.OperatorConfig;
import io.agentpolicy.operator.config.ReconcileHorizon;
import io.agentpolicy.operator.config.ReconcileRetry;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.operator.reporting.EventRecorder.Reason;
import io.agentpolicy.operator.reporting.EventRecorder;
import io.agentpolicy.operator.reporting.JsonTrees;
import io.agentpolicy.operator.reporting.StatusWrites;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;

/**
 * Checks each AgentIncident once per spec: what the schema cannot (an occurredAt after the incident was recorded, a
 * session of another engineer) makes it Stalled/InvalidSpec naming the field, and it counts on nobody's record; a
 * valid one is Ready, counts from then on, and its engineer gets an EngineerStanding if they had none.
 */
@GradualRetry(maxAttempts = ReconcileRetry.UNLIMITED, initialInterval = ReconcileRetry.INITIAL_MILLIS, intervalMultiplier = ReconcileRetry.MULTIPLIER,
        maxInterval = ReconcileRetry.MAX_MILLIS)
// Not generation-aware: a status written by anyone else is computed again and put right.
@ControllerConfiguration(name = AgentIncidentReconciler.NAME, generationAwareEventProcessing = false,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = ReconcileHorizon.MINUTES, timeUnit = TimeUnit.MINUTES))
public class AgentIncidentReconciler implements Reconciler<AgentIncident> {
    public static final String NAME = "agent-incident";

    @Inject
    Clock clock;

    @Inject
    PolicyEngine engine;

    @Inject
    OperatorConfig config;

    @Inject
    EventRecorder events;

    @Inject
    TrackAudit audit;

    @Override
    public UpdateControl<AgentIncident> reconcile(AgentIncident incident, Context<AgentIncident> context) {
        Instant now = clock.instant();
        KubernetesClient client = context.getClient();
        AgentIncidentSpec spec = incident.getSpec();
        AgentIncidentStatus previous = incident.getStatus() == null ? new AgentIncidentStatus() : incident.getStatus();
        AgentSession session = spec.getSession() == null ? null
                : client.resources(AgentSession.class).inNamespace(incident.getMetadata().getNamespace()).withName(spec.getSession()).get();
        String problem = IncidentCheck.problem(spec, Rfc3339.parse(incident.getMetadata().getCreationTimestamp()),
                session == null || session.getSpec() == null ? null : session.getSpec().getEngineer());
        String standing = StandingNames.of(spec.getEngineer());

        AgentIncidentStatus status = new AgentIncidentStatus();
        status.setObservedGeneration(incident.getMetadata().getGeneration());
        status.setStanding(problem == null ? standing : null);
        Conditions conditions = new Conditions(previous.getConditions(), incident.getMetadata().getGeneration(), now);
        conditions.set(Conditions.READY, problem == null, problem == null ? "Counted" : "InvalidSpec",
                problem == null ? "counts on the record of " + spec.getEngineer() + " (EngineerStanding " + standing + ")" : problem);
        conditions.set(Conditions.STALLED, problem != null, problem == null ? "Valid" : "InvalidSpec",
                problem == null ? "the incident is valid" : problem);
        status.setConditions(conditions.build());
        if (JsonTrees.same(previous, status)) {
            return UpdateControl.noUpdate();
        }
        if (problem == null) {
            TrackRecords.ensureStanding(client, spec.getEngineer());
        }
        StatusWrites.write(incident, status, context);
        if (problem != null) {
            events.record(incident, Reason.InvalidSpec, problem);
        } else if (!Conditions.isTrue(previous.getConditions(), Conditions.READY)) {
            audit.incidentCounted(incident, tierOf(client, incident.getMetadata().getNamespace()), now);
        }
        return UpdateControl.noUpdate();
    }

    private String tierOf(KubernetesClient client, String namespaceName) {
        Namespace namespace = client.namespaces().withName(namespaceName).get();
        String tier = namespace == null ? null : engine.tierOf(Namespaces.info(namespace));
        return tier == null ? config.unclassifiedTier() : tier;
    }
}
