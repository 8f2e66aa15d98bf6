package io.agentpolicy.operator.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.BaselinePlan;
import io.agentpolicy.engine.Conflict;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.operator.baseline.BaselineConfigMap;
import io.agentpolicy.operator.cache.LeanCaches;
import io.agentpolicy.operator.cache.Namespaces;
import io.agentpolicy.operator.cache.PolicyChanges;
import io.agentpolicy.operator.cache.PolicyValidation;
import io.agentpolicy.operator.config.ReconcileHorizon;
import io.agentpolicy.operator.config.ReconcileRetry;
import io.agentpolicy.operator.maps.DriftOwner;
import io.agentpolicy.operator.maps.RenderedMap;
import io.agentpolicy.operator.maps.RenderedMaps;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.operator.reporting.EventRecorder;
import io.agentpolicy.operator.reporting.StatusWrites;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.rate.RateLimited;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;

/**
 * Reports what a PermissionPolicy governs and whether it is in force: validity, matched and rendered
 * namespaces, conflicts with other policies, the emergency override. It never writes maps; the
 * namespace-baseline controller does.
 */
@GradualRetry(maxAttempts = ReconcileRetry.UNLIMITED, initialInterval = ReconcileRetry.INITIAL_MILLIS, intervalMultiplier = ReconcileRetry.MULTIPLIER,
        maxInterval = ReconcileRetry.MAX_MILLIS)
// Not generation-aware: a status written by anyone else, or a write of the operator's stored late (held by the API
// server through an etcd outage), is computed again and put right.
@ControllerConfiguration(name = PermissionPolicyReconciler.NAME, generationAwareEventProcessing = false,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = ReconcileHorizon.MINUTES, timeUnit = TimeUnit.MINUTES))
// A status looks at every namespace the policy matches, and while maps are being written each map event asks for it
// again: at most one a second per policy keeps the counts current without re-reading 1,000 namespaces per map.
@RateLimited(maxReconciliations = 1, within = 1, unit = TimeUnit.SECONDS)
public class PermissionPolicyReconciler implements Reconciler<PermissionPolicy> {
    public static final String NAME = "permission-policy";
    /** How soon a status that counts namespaces still to render looks again. */
    static final Duration STILL_RENDERING = Duration.ofSeconds(2);

    @Inject
    PolicyValidation validation;

    @Inject
    BaselineConfigMap baseline;

    @Inject
    PolicyEngine engine;

    @Inject
    EventRecorder events;

    @Inject
    RenderedMaps maps;

    @Inject
    Clock clock;

    private InformerEventSource<PermissionPolicy, PermissionPolicy> peers;
    private InformerEventSource<Namespace, PermissionPolicy> namespaces;

    @Override
    public List<EventSource<?, PermissionPolicy>> prepareEventSources(EventSourceContext<PermissionPolicy> context) {
        // A policy's status compares its maps with what all policies together render, so a change to one policy
        // concerns every other. The status reads the policies from this informer: it has the change by the time its
        // event arrives (the primary cache, a separate informer, may not yet, and would not send the event to the
        // other policies).
        peers = new InformerEventSource<>(InformerEventSourceConfiguration.from(PermissionPolicy.class, PermissionPolicy.class)
                .withName("policy-peers")
                .withOnUpdateFilter(PolicyChanges::matter)
                .withSecondaryToPrimaryMapper(changed -> context.getPrimaryCache().list().map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .withOnDeleteFilter((deleted, finalStateUnknown) -> {
                    maps.forgetOwner(deleted);
                    return true;
                })
                .build(), context);
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, PermissionPolicy.class)
                .withName("policy-namespaces")
                .withItemStore(LeanCaches.namespaces())
                .withSecondaryToPrimaryMapper(ns -> policiesConcerning(ns, context))
                .build(), context);
        BaselineMapChanges mapChanges = new BaselineMapChanges();
        maps.onChange(mapChanges::changed);
        return List.of(peers, namespaces, mapChanges);
    }

    @Override
    public UpdateControl<PermissionPolicy> reconcile(PermissionPolicy policy, Context<PermissionPolicy> context) {
        Instant now = clock.instant();
        PolicyStatusCalculator.Result result = PolicyStatusCalculator.calculate(policy, validation.validate(policy),
                observeMatchedNamespaces(policy, now), maps.driftRecord(DriftOwner.of(policy)), now);
        StatusWrites.write(policy, result.status(), context);
        result.events().forEach(event -> events.record(policy, event.reason(), event.message()));

        UpdateControl<PermissionPolicy> control = UpdateControl.noUpdate();
        Optional<Duration> next = result.nextChange().map(at -> ReconcileHorizon.until(now, at));
        if (Conditions.isTrue(result.status().getConditions(), Conditions.RECONCILING)) {
            // While maps are still being written the status looks again, also if a map's notification was lost (a
            // throttled API server); once every map is rendered nothing is scheduled.
            next = Optional.of(next.filter(d -> d.compareTo(STILL_RENDERING) < 0).orElse(STILL_RENDERING));
        }
        next.ifPresent(control::rescheduleAfter);
        return control;
    }

    /** Each namespace the policy matches, with what its baseline map should be and is. */
    private List<PolicyStatusCalculator.MatchedNamespace> observeMatchedNamespaces(PermissionPolicy policy, Instant now) {
        List<PermissionPolicy> all = peersWith(policy);
        List<PermissionPolicy> justThis = List.of(policy);
        List<PolicyStatusCalculator.MatchedNamespace> matched = new ArrayList<>();
        namespaces.list(ns -> !engine.forBaseline(justThis, Namespaces.info(ns)).isEmpty()).forEach(namespace -> {
            String name = namespace.getMetadata().getName();
            ConfigMap actual = maps.get(name, baseline.name()).orElse(null);
            if (baseline.plan(namespace, all, actual) instanceof BaselinePlan.Render render) {
                BaselineConfigMap.Desired desired = baseline.desired(namespace, render, now);
                matched.add(new PolicyStatusCalculator.MatchedNamespace(name,
                        desired.merged().conflicts().stream().map(Conflict::message).toList(),
                        maps.state(actual, desired.target(), now)));
            } else {
                matched.add(new PolicyStatusCalculator.MatchedNamespace(name, List.of(), null));
            }
        });
        return matched;
    }

    /** Every policy as the peers informer has it, with this policy as the reconcile sees it. */
    private List<PermissionPolicy> peersWith(PermissionPolicy policy) {
        String name = policy.getMetadata().getName();
        return Stream.concat(Stream.of(policy), peers.list(peer -> !name.equals(peer.getMetadata().getName()))).toList();
    }

    /** Policies that match the namespace now, plus those named on its map (they may have stopped matching). */
    private Set<ResourceID> policiesConcerning(Namespace namespace, EventSourceContext<PermissionPolicy> context) {
        Set<ResourceID> concerned = new HashSet<>();
        engine.forBaseline(peers.list().toList(), Namespaces.info(namespace))
                .forEach(p -> concerned.add(ResourceID.fromResource(p)));
        maps.get(namespace.getMetadata().getName(), baseline.name()).ifPresent(map -> concerned.addAll(contributingPolicies(map)));
        return concerned;
    }

    private static Set<ResourceID> contributingPolicies(ConfigMap map) {
        return RenderedMap.contributingPolicies(map).stream().map(ResourceID::new).collect(Collectors.toSet());
    }
}
