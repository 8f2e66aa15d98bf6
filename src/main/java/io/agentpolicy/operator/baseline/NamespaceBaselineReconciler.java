package io.agentpolicy.operator.baseline;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.BaselinePlan;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.operator.cache.LeanCaches;
import io.agentpolicy.operator.cache.Namespaces;
import io.agentpolicy.operator.cache.PolicyChanges;
import io.agentpolicy.operator.config.ReconcileHorizon;
import io.agentpolicy.operator.config.ReconcileRetry;
import io.agentpolicy.operator.maps.RenderedMap;
import io.agentpolicy.operator.maps.RenderedMaps;
import io.agentpolicy.operator.reporting.OperatorMetrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
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
 * Keeps every tiered namespace's baseline map equal to the merge of the policies that match it. The namespace
 * is the primary resource, so each namespace is reconciled on its own and in parallel; a policy change fans
 * out to the namespaces it matches now and to those whose map it contributed to before.
 */
@GradualRetry(maxAttempts = ReconcileRetry.UNLIMITED, initialInterval = ReconcileRetry.INITIAL_MILLIS, intervalMultiplier = ReconcileRetry.MULTIPLIER,
        maxInterval = ReconcileRetry.MAX_MILLIS)
@ControllerConfiguration(name = NamespaceBaselineReconciler.NAME, generationAwareEventProcessing = false,
        informer = @Informer(itemStore = LeanCaches.NamespaceStore.class),
        maxReconciliationInterval = @MaxReconciliationInterval(interval = ReconcileHorizon.MINUTES, timeUnit = TimeUnit.MINUTES))
public class NamespaceBaselineReconciler implements Reconciler<Namespace> {
    public static final String NAME = "namespace-baseline";
    private static final Logger LOG = Logger.getLogger(NamespaceBaselineReconciler.class);
    private static final String BY_POLICY = "byPolicy";

    @Inject
    BaselineConfigMap baseline;

    @Inject
    RenderedMaps maps;

    @Inject
    PolicyEngine engine;

    @Inject
    Clock clock;

    @Inject
    OperatorMetrics metrics;

    private InformerEventSource<PermissionPolicy, Namespace> policies;
    private InformerEventSource<ConfigMap, Namespace> configMaps;

    @Override
    public List<EventSource<?, Namespace>> prepareEventSources(EventSourceContext<Namespace> context) {
        configMaps = new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, Namespace.class)
                .withName("baseline-config-maps")
                .withLabelSelector(RenderedMap.BASELINE_SELECTOR)
                .withItemStore(LeanCaches.renderedConfigMaps())
                .withSecondaryToPrimaryMapper(map -> isBaseline(map)
                        ? Set.of(new ResourceID(map.getMetadata().getNamespace()))
                        : Set.of())
                .withOnUpdateFilter((changed, before) -> {
                    maps.witnessed(before, changed);
                    return true;
                })
                .build(), context);
        configMaps.addIndexers(Map.of(BY_POLICY, map -> isBaseline(map) ? RenderedMap.contributingPolicies(map) : List.of()));
        maps.watchedBy(configMaps);
        policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(PermissionPolicy.class, Namespace.class)
                .withName("baseline-policies")
                .withOnUpdateFilter(PolicyChanges::matter)
                .withSecondaryToPrimaryMapper(policy -> affectedNamespaces(policy, context))
                .build(), context);
        return List.of(configMaps, policies);
    }

    @Override
    public UpdateControl<Namespace> reconcile(Namespace namespace, Context<Namespace> context) {
        metrics.baselineReconciled();
        Instant now = clock.instant();
        String name = namespace.getMetadata().getName();
        ConfigMap actual = configMaps.get(new ResourceID(baseline.name(), name)).orElse(null);
        BaselinePlan plan = baseline.plan(namespace, policies.list(p -> true).toList(), actual);
        UpdateControl<Namespace> control = UpdateControl.noUpdate();
        if (plan instanceof BaselinePlan.Render render) {
            BaselineConfigMap.Desired desired = baseline.desired(namespace, render, now);
            // A deletion is known from the maps seen since start; nothing records baseline maps across restarts.
            maps.converge(actual, desired.target(), false, configMaps, now);
            Instant overrideExpiry = desired.merged().soonestOverrideExpiry();
            if (overrideExpiry != null) {
                // The default mode changes when the override lapses: come back at that instant, no polling.
                control.rescheduleAfter(ReconcileHorizon.until(now, overrideExpiry));
            }
        } else if (plan instanceof BaselinePlan.None) {
            maps.remove(actual);
        } else {
            LOG.debugf("namespace %s: %s", name, plan.reason());
        }
        return control;
    }

    private boolean isBaseline(ConfigMap map) {
        return baseline.name().equals(map.getMetadata().getName());
    }

    /** Namespaces the policy matches now, plus those whose map it contributed to (it may have stopped matching). */
    private Set<ResourceID> affectedNamespaces(PermissionPolicy policy, EventSourceContext<Namespace> context) {
        Set<ResourceID> affected = new HashSet<>();
        List<PermissionPolicy> justThis = List.of(policy);
        context.getPrimaryCache().list()
                .filter(ns -> !engine.forBaseline(justThis, Namespaces.info(ns)).isEmpty())
                .forEach(ns -> affected.add(ResourceID.fromResource(ns)));
        configMaps.byIndex(BY_POLICY, policy.getMetadata().getName())
                .forEach(map -> affected.add(new ResourceID(map.getMetadata().getNamespace())));
        return affected;
    }
}
