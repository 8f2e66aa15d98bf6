package io.agentpolicy.operator.track;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.api.EngineerStandingStatus;
import io.agentpolicy.api.NamespaceStanding;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.StandingNames;
import io.agentpolicy.operator.cache.LeanCaches;
import io.agentpolicy.operator.cache.Namespaces;
import io.agentpolicy.operator.config.ReconcileHorizon;
import io.agentpolicy.operator.config.ReconcileRetry;
import io.agentpolicy.operator.reporting.EventRecorder.Reason;
import io.agentpolicy.operator.reporting.EventRecorder;
import io.agentpolicy.operator.reporting.StatusWrites;
import io.fabric8.kubernetes.api.model.Namespace;
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
 * Keeps each EngineerStanding current: the engineer's sessions recorded as they run and end, the level per namespace
 * their incidents and clean sessions give, Events Escalated/DeEscalated, and a reconcile scheduled at the instant
 * an escalation lifts by quiet time (no polling).
 */
// Not generation-aware: a standing has no spec, and a status written by anyone else is put back.
@GradualRetry(maxAttempts = ReconcileRetry.UNLIMITED, initialInterval = ReconcileRetry.INITIAL_MILLIS, intervalMultiplier = ReconcileRetry.MULTIPLIER,
        maxInterval = ReconcileRetry.MAX_MILLIS)
@ControllerConfiguration(name = EngineerStandingReconciler.NAME, generationAwareEventProcessing = false,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = ReconcileHorizon.MINUTES, timeUnit = TimeUnit.MINUTES))
public class EngineerStandingReconciler implements Reconciler<EngineerStanding> {
    public static final String NAME = "engineer-standing";

    @Inject
    PolicyEngine engine;

    @Inject
    EventRecorder events;

    @Inject
    TrackAudit audit;

    @Inject
    Clock clock;

    private InformerEventSource<AgentSession, EngineerStanding> sessions;
    private InformerEventSource<AgentIncident, EngineerStanding> incidents;
    private InformerEventSource<PermissionPolicy, EngineerStanding> policies;
    private InformerEventSource<Namespace, EngineerStanding> namespaces;

    @Override
    public List<EventSource<?, EngineerStanding>> prepareEventSources(EventSourceContext<EngineerStanding> context) {
        sessions = new InformerEventSource<>(InformerEventSourceConfiguration.from(AgentSession.class, EngineerStanding.class)
                .withName("standing-sessions")
                .withWatchAllNamespaces()
                .withItemStore(new LeanCaches.AgentSessionStore())
                .withSecondaryToPrimaryMapper(s -> standingOf(s.getSpec() == null ? null : s.getSpec().getEngineer()))
                .build(), context);
        sessions.addIndexers(Map.of(TrackRecords.BY_ENGINEER,
                s -> TrackRecords.engineerKey(s.getSpec() == null ? null : s.getSpec().getEngineer())));
        incidents = new InformerEventSource<>(InformerEventSourceConfiguration.from(AgentIncident.class, EngineerStanding.class)
                .withName("standing-incidents")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(i -> standingOf(i.getSpec() == null ? null : i.getSpec().getEngineer()))
                .build(), context);
        incidents.addIndexers(Map.of(TrackRecords.BY_ENGINEER,
                i -> TrackRecords.engineerKey(i.getSpec() == null ? null : i.getSpec().getEngineer())));
        // A policy's escalation rules concern every engineer; policies change rarely.
        policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(PermissionPolicy.class, EngineerStanding.class)
                .withName("standing-policies")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(p -> context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build(), context);
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, EngineerStanding.class)
                .withName("standing-namespaces")
                .withWatchAllNamespaces()
                .withItemStore(LeanCaches.namespaces())
                .withSecondaryToPrimaryMapper(ns -> Set.of())
                .build(), context);
        return List.of(sessions, incidents, policies, namespaces);
    }

    @Override
    public UpdateControl<EngineerStanding> reconcile(EngineerStanding standing, Context<EngineerStanding> context) {
        EngineerStandingStatus previous = standing.getStatus() == null ? new EngineerStandingStatus() : standing.getStatus();
        String engineer = engineerOf(standing);
        if (engineer == null) {
            return UpdateControl.noUpdate(); // not one of the operator's: it names no engineer
        }
        Instant now = clock.instant();
        EngineerStandingStatus status = StandingStatusBuilder.build(engineer, previous,
                sessions.byIndex(TrackRecords.BY_ENGINEER, engineer), incidents.byIndex(TrackRecords.BY_ENGINEER, engineer),
                policies.list(p -> true).toList(),
                name -> namespaces.get(new ResourceID(name)).map(Namespaces::info).orElse(null), engine, now);
        if (StatusWrites.write(standing, status, context)) {
            recordChanges(standing, engineer, previous, status, now);
        }
        UpdateControl<EngineerStanding> control = UpdateControl.noUpdate();
        Instant lift = StandingStatusBuilder.nextLift(status);
        if (lift != null) {
            control.rescheduleAfter(ReconcileHorizon.until(now, lift));
        }
        return control;
    }

    /** Events, audit lines and counters for each namespace where the engineer got escalated or lifted. */
    private void recordChanges(EngineerStanding standing, String engineer, EngineerStandingStatus previous,
            EngineerStandingStatus next, Instant now) {
        Map<String, Boolean> before = new HashMap<>();
        if (previous.getNamespaces() != null) {
            previous.getNamespaces().forEach(s -> before.put(s.getNamespace(), Boolean.TRUE.equals(s.getEscalated())));
        }
        if (next.getNamespaces() == null) {
            return;
        }
        for (NamespaceStanding s : next.getNamespaces()) {
            boolean escalated = Boolean.TRUE.equals(s.getEscalated());
            if (escalated != before.getOrDefault(s.getNamespace(), false)) {
                events.record(standing, escalated ? Reason.Escalated : Reason.DeEscalated, engineer + ": " + s.getReason());
                audit.standingChanged(engineer, s, escalated, now);
            }
        }
    }

    private static String engineerOf(EngineerStanding standing) {
        Map<String, String> annotations = standing.getMetadata().getAnnotations();
        String engineer = annotations == null ? null : annotations.get(TrackRecords.ENGINEER_ANNOTATION);
        // The annotation must name the engineer this standing is for: it cannot be pointed at someone else's.
        return engineer != null && StandingNames.of(engineer).equals(standing.getMetadata().getName()) ? engineer : null;
    }

    private static Set<ResourceID> standingOf(String engineer) {
        return engineer == null ? Set.of() : Set.of(new ResourceID(StandingNames.of(engineer)));
    }
}
