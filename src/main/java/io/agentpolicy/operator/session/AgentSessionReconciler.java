package io.agentpolicy.operator.session;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.AgentSessionStatus;
import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.api.ExceptionState;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.PodCompliance;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.RenderedSettings;
import io.agentpolicy.engine.SessionLifetime;
import io.agentpolicy.engine.StandingNames;
import io.agentpolicy.engine.TrackRecord;
import io.agentpolicy.operator.cache.LeanCaches;
import io.agentpolicy.operator.cache.Namespaces;
import io.agentpolicy.operator.cache.PolicyChanges;
import io.agentpolicy.operator.cache.PolicyValidation;
import io.agentpolicy.operator.config.ReconcileHorizon;
import io.agentpolicy.operator.config.ReconcileRetry;
import io.agentpolicy.operator.maps.DriftOwner;
import io.agentpolicy.operator.maps.RenderedMap;
import io.agentpolicy.operator.maps.RenderedMaps;
import io.agentpolicy.operator.reporting.EventRecorder.Reason;
import io.agentpolicy.operator.reporting.EventRecorder;
import io.agentpolicy.operator.reporting.JsonTrees;
import io.agentpolicy.operator.reporting.StatusWrites;
import io.agentpolicy.operator.track.TrackRecords;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
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
 * Decides AgentSessions and keeps each running session's map and status current. A session is decided again
 * whenever a policy that governs (or governed) it changes, its namespace is relabelled, an override lapses, it
 * expires or reaches its maximum lifetime, one of its pods or its map changes, or someone else writes its status.
 */
// Not generation-aware: a status written by anyone else (it has no generation of its own) is decided again and put back.
@GradualRetry(maxAttempts = ReconcileRetry.UNLIMITED, initialInterval = ReconcileRetry.INITIAL_MILLIS, intervalMultiplier = ReconcileRetry.MULTIPLIER,
        maxInterval = ReconcileRetry.MAX_MILLIS)
@ControllerConfiguration(name = AgentSessionReconciler.NAME, generationAwareEventProcessing = false,
        informer = @Informer(itemStore = LeanCaches.AgentSessionStore.class),
        maxReconciliationInterval = @MaxReconciliationInterval(interval = ReconcileHorizon.MINUTES, timeUnit = TimeUnit.MINUTES))
public class AgentSessionReconciler implements Reconciler<AgentSession> {
    public static final String NAME = "agent-session";
    static final String BY_POLICY = "byPolicy";
    static final String BY_SESSION = "bySession";

    @Inject
    PolicyEngine engine;

    @Inject
    PolicyValidation validation;

    @Inject
    SessionLifetime lifetime;

    @Inject
    SessionConfigMap sessionMap;

    @Inject
    RenderedMaps maps;

    @Inject
    AuditTrail audit;

    @Inject
    EventRecorder events;

    @Inject
    Clock clock;

    private InformerEventSource<PermissionPolicy, AgentSession> policies;
    private InformerEventSource<Namespace, AgentSession> namespaces;
    private InformerEventSource<ConfigMap, AgentSession> configMaps;
    private InformerEventSource<Pod, AgentSession> pods;
    private InformerEventSource<AgentSessionApproval, AgentSession> approvals;
    private InformerEventSource<AgentIncident, AgentSession> incidents;
    private InformerEventSource<EngineerStanding, AgentSession> standings;

    @Override
    public List<EventSource<?, AgentSession>> prepareEventSources(EventSourceContext<AgentSession> context) {
        context.getPrimaryCache().addIndexers(Map.of(BY_POLICY, session -> session.getStatus() == null
                || session.getStatus().getPolicies() == null ? List.of() : session.getStatus().getPolicies(),
                TrackRecords.BY_ENGINEER, session -> TrackRecords.engineerKey(engineerOf(session))));
        // Policies and namespaces are cluster-scoped: watched whole even when sessions are watched in a few
        // namespaces only (inheriting the controller's namespaces would split them into per-namespace caches).
        policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(PermissionPolicy.class, AgentSession.class)
                .withName("session-policies")
                .withOnUpdateFilter(PolicyChanges::matter)
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(policy -> sessionsConcerning(policy, context))
                .build(), context);
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, AgentSession.class)
                .withName("session-namespaces")
                .withWatchAllNamespaces()
                .withItemStore(LeanCaches.namespaces())
                .withSecondaryToPrimaryMapper(ns -> idsOf(context.getPrimaryCache().list(ns.getMetadata().getName())))
                .build(), context);
        configMaps = new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, AgentSession.class)
                .withName("session-config-maps")
                .withLabelSelector(RenderedMap.SESSION_SELECTOR)
                .withItemStore(LeanCaches.renderedConfigMaps())
                .withSecondaryToPrimaryMapper(AgentSessionReconciler::sessionOf)
                .withOnUpdateFilter((changed, before) -> {
                    maps.witnessed(before, changed);
                    return true;
                })
                .build(), context);
        maps.watchedBy(configMaps);
        pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, AgentSession.class)
                .withName("session-pods")
                .withLabelSelector(ApiConstants.SESSION_LABEL)
                .withItemStore(LeanCaches.agentPods())
                .withSecondaryToPrimaryMapper(AgentSessionReconciler::sessionOf)
                .build(), context);
        // Listing a namespace scans the whole cache; the index finds a session's pods directly.
        pods.addIndexers(Map.of(BY_SESSION, pod -> sessionOf(pod).stream().map(AgentSessionReconciler::indexKey).toList()));
        approvals = new InformerEventSource<>(InformerEventSourceConfiguration.from(AgentSessionApproval.class, AgentSession.class)
                .withName("session-approvals")
                .withItemStore(new LeanCaches.ApprovalStore())
                .withSecondaryToPrimaryMapper(approval -> Set.of(answered(approval)))
                .build(), context);
        approvals.addIndexers(Map.of(BY_SESSION, approval -> List.of(indexKey(answered(approval)))));
        // An engineer's incidents (everywhere: some triggers count across namespaces) and their standing (the sessions
        // that ended) decide every session of theirs again.
        incidents = new InformerEventSource<>(InformerEventSourceConfiguration.from(AgentIncident.class, AgentSession.class)
                .withName("session-incidents")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(incident -> sessionsOf(incident.getSpec() == null ? null : incident.getSpec().getEngineer(), context))
                .build(), context);
        incidents.addIndexers(Map.of(TrackRecords.BY_ENGINEER,
                incident -> TrackRecords.engineerKey(incident.getSpec() == null ? null : incident.getSpec().getEngineer())));
        standings = new InformerEventSource<>(InformerEventSourceConfiguration.from(EngineerStanding.class, AgentSession.class)
                .withName("session-standings")
                .withOnUpdateFilter(this::changesDecisions)
                .withSecondaryToPrimaryMapper(standing -> sessionsOf(standing.getStatus() == null ? null : standing.getStatus().getEngineer(), context))
                .build(), context);
        return List.of(policies, namespaces, configMaps, pods, approvals, incidents, standings);
    }

    @Override
    public UpdateControl<AgentSession> reconcile(AgentSession session, Context<AgentSession> context) {
        Instant now = clock.instant();
        String namespaceName = session.getMetadata().getNamespace();
        String name = session.getMetadata().getName();
        AgentSessionStatus previous = session.getStatus() == null ? new AgentSessionStatus() : session.getStatus();
        ConfigMap actualMap = configMaps.get(new ResourceID(SessionConfigMap.nameOf(name), namespaceName)).orElse(null);
        List<Pod> sessionPods = pods.byIndex(BY_SESSION, indexKey(ResourceID.fromResource(session)));
        // A session created right after its namespace may arrive before the namespace's own watch event.
        Namespace namespace = namespaces.get(new ResourceID(namespaceName))
                .orElseGet(() -> context.getClient().namespaces().withName(namespaceName).get());
        List<PermissionPolicy> all = policies.list(p -> true).toList();

        List<String> invalid = namespace == null ? List.of() : invalidGoverning(all, namespace, previous);
        AgentSessionStatus status;
        if (namespace == null || !invalid.isEmpty()) {
            // Keep the last decision and map while a governing policy is invalid: never act on a broken spec.
            status = SessionStatusCalculator.frozen(session, previous, invalid, now);
        } else {
            List<AgentSessionApproval> answers = approvals.byIndex(BY_SESSION, indexKey(ResourceID.fromResource(session)));
            Decision decision = lifetime.bound(engine.decide(all, Namespaces.info(namespace), session, answers, history(session, context), now),
                    Rfc3339.parse(session.getMetadata().getCreationTimestamp()), now);
            RenderedSettings rendered = decision.phase().runs() ? sessionMap.render(decision) : null;
            ConfigMap desired = rendered == null ? null : sessionMap.desired(session, decision, rendered);
            DriftOwner owner = DriftOwner.of(session);
            RenderedMaps.State map = null;
            if (desired != null) {
                RenderedMaps.Target target = new RenderedMaps.Target(desired, decision.merged().enforcement(), List.of(owner), decision.tier());
                maps.converge(actualMap, target, previous.getConfigMap() != null, configMaps, now);
                map = maps.state(configMaps.get(ResourceID.fromResource(desired)).orElse(null), target, now);
            } else {
                maps.remove(actualMap);
            }
            PodCompliance compliance = PodComplianceCheck.check(sessionPods,
                    desired == null ? null : desired.getMetadata().getName(), decision.effectiveMode());
            status = SessionStatusCalculator.decided(session, previous, decision, rendered, compliance, map == null ? null : map.drift(),
                    maps.driftRecord(owner), now);
            if (StatusWrites.write(session, status, context)) {
                recordChanges(session, previous, status, decision, now);
            }
            UpdateControl<AgentSession> control = UpdateControl.noUpdate();
            if (decision.nextTransition() != null) {
                // Expiry, override and exception lapses are scheduled for their instant, not polled.
                control.rescheduleAfter(ReconcileHorizon.until(now, decision.nextTransition()));
            }
            return control;
        }
        StatusWrites.write(session, status, context);
        return UpdateControl.noUpdate();
    }

    /**
     * The engineer's track record: their incidents and the sessions their standing records as ended. The standing is
     * created on first sight of the engineer (an empty one; the standing controller fills it in).
     */
    private TrackRecord.History history(AgentSession session, Context<AgentSession> context) {
        String engineer = engineerOf(session);
        if (engineer == null) {
            return TrackRecord.History.NONE;
        }
        Optional<EngineerStanding> standing = standings.get(new ResourceID(StandingNames.of(engineer)));
        if (standing.isEmpty()) {
            TrackRecords.ensureStanding(context.getClient(), engineer);
        }
        return TrackRecords.history(incidents.byIndex(TrackRecords.BY_ENGINEER, engineer),
                standing.map(EngineerStanding::getStatus).orElse(null));
    }

    /**
     * A session's decision reads the sessions its engineer ended, and those count only where an incident does. A
     * standing changes with every session its engineer starts or ends; without this, each change asked every session
     * of the engineer again (300 reconciles per change for an engineer with 300 sessions).
     */
    private boolean changesDecisions(EngineerStanding next, EngineerStanding before) {
        String engineer = next.getStatus() == null ? null : next.getStatus().getEngineer();
        return engineer != null && !incidents.byIndex(TrackRecords.BY_ENGINEER, engineer).isEmpty()
                && !TrackRecords.history(List.of(), before.getStatus()).equals(TrackRecords.history(List.of(), next.getStatus()));
    }

    private static String engineerOf(AgentSession session) {
        return session.getSpec() == null ? null : session.getSpec().getEngineer();
    }

    private static Set<ResourceID> sessionsOf(String engineer, EventSourceContext<AgentSession> context) {
        return engineer == null ? Set.of() : idsOf(context.getPrimaryCache().byIndex(TrackRecords.BY_ENGINEER, engineer).stream());
    }

    private List<String> invalidGoverning(List<PermissionPolicy> all, Namespace namespace, AgentSessionStatus previous) {
        List<PermissionPolicy> governing = engine.forSession(all, Namespaces.info(namespace));
        List<String> previously = previous.getPolicies() == null ? List.of() : previous.getPolicies();
        return all.stream()
                .filter(p -> governing.contains(p) || previously.contains(p.getMetadata().getName()))
                .filter(p -> !validation.isValid(p))
                .map(p -> p.getMetadata().getName()).sorted().toList();
    }

    /** Events and the audit line for a new decision or a changed one; nothing when the outcome is the same. */
    private void recordChanges(AgentSession session, AgentSessionStatus previous, AgentSessionStatus next, Decision decision,
            Instant now) {
        String outcome = next.getPhase() + "/" + next.getEffectiveMode() + "/" + next.getReason();
        String previousOutcome = previous.getPhase() + "/" + previous.getEffectiveMode() + "/" + previous.getReason();
        if (!outcome.equals(previousOutcome)) {
            audit.record(session, decision, now);
            ExceptionState state = next.getException() == null ? null : next.getException().getState();
            ExceptionState before = previous.getException() == null ? null : previous.getException().getState();
            Reason exceptionEvent = state == before ? null : switch (state) {
                case PENDING -> Reason.ExceptionRequested;
                case APPROVED -> Reason.ExceptionApproved;
                case REJECTED -> Reason.ExceptionRejected;
                default -> null;
            };
            if (state != before && state != null) {
                audit.exceptionChanged(session, decision);
            }
            if (exceptionEvent != null) {
                events.record(session, exceptionEvent, next.getReason());
            }
            if (next.getPhase() != SessionPhase.PENDING_APPROVAL) { // ExceptionRequested says it for a pending one
                events.record(session, Reason.valueOf(next.getPhase().value()), next.getReason());
            }
        }
        PodCompliance pods = next.getPods();
        if (pods != null && pods.getNonCompliant() > 0 && !JsonTrees.same(previous.getPods(), pods)) {
            events.record(session, Reason.PodNonCompliant, pods.getNonCompliant() + " non-compliant pod(s): "
                    + pods.getViolations().get(0).getPod() + " " + pods.getViolations().get(0).getProblem());
        }
    }

    /** Sessions governed by the policy now (by namespace) and those it governed at their last decision. */
    private Set<ResourceID> sessionsConcerning(PermissionPolicy policy, EventSourceContext<AgentSession> context) {
        Set<ResourceID> concerned = new HashSet<>(idsOf(context.getPrimaryCache().byIndex(BY_POLICY, policy.getMetadata().getName()).stream()));
        List<PermissionPolicy> justThis = List.of(policy);
        Map<String, Boolean> governedNamespaces = new HashMap<>();
        context.getPrimaryCache().list().forEach(session -> {
            String ns = session.getMetadata().getNamespace();
            boolean governed = governedNamespaces.computeIfAbsent(ns, n -> namespaces != null && namespaces.get(new ResourceID(n))
                    .map(namespace -> !engine.forSession(justThis, Namespaces.info(namespace)).isEmpty()).orElse(false));
            if (governed) {
                concerned.add(ResourceID.fromResource(session));
            }
        });
        return concerned;
    }

    /** The session an approval answers: spec.session in the approval's namespace. */
    private static ResourceID answered(AgentSessionApproval approval) {
        String session = approval.getSpec() == null || approval.getSpec().getSession() == null ? "" : approval.getSpec().getSession();
        return new ResourceID(session, approval.getMetadata().getNamespace());
    }

    private static String indexKey(ResourceID session) {
        return session.getNamespace().orElse("") + "/" + session.getName();
    }

    private static Set<ResourceID> sessionOf(HasMetadata labelled) {
        String session = labelled.getMetadata().getLabels() == null ? null
                : labelled.getMetadata().getLabels().get(ApiConstants.SESSION_LABEL);
        return session == null ? Set.of() : Set.of(new ResourceID(session, labelled.getMetadata().getNamespace()));
    }

    private static Set<ResourceID> idsOf(Stream<AgentSession> sessions) {
        return sessions.map(ResourceID::fromResource).collect(Collectors.toSet());
    }
}
