package io.agentpolicy.operator.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.PermissionPolicyStatus;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.operator.baseline.BaselineConfigMap;
import io.agentpolicy.operator.support.Conditions;
import io.agentpolicy.operator.support.EventRecorder;
import io.agentpolicy.operator.support.ManagedConfigMaps;
import io.agentpolicy.operator.support.Namespaces;
import io.agentpolicy.operator.support.JsonTrees;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Reports what a PermissionPolicy governs and whether it is in force: validity, matched and rendered
 * namespaces, conflicts with other policies, the emergency override. It never writes maps; the
 * namespace-baseline controller does.
 */
@ControllerConfiguration(name = PermissionPolicyReconciler.NAME)
public class PermissionPolicyReconciler implements Reconciler<PermissionPolicy> {
    public static final String NAME = "permission-policy";
    static final Duration RECHECK_WHILE_RENDERING = Duration.ofSeconds(5);

    @Inject
    PolicyStatusCalculator statusCalculator;

    @Inject
    BaselineConfigMap baseline;

    @Inject
    PolicyEngine engine;

    @Inject
    EventRecorder events;

    @Inject
    Clock clock;

    private InformerEventSource<Namespace, PermissionPolicy> namespaces;
    private InformerEventSource<ConfigMap, PermissionPolicy> configMaps;

    @Override
    public List<EventSource<?, PermissionPolicy>> prepareEventSources(EventSourceContext<PermissionPolicy> context) {
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, PermissionPolicy.class)
                .withName("policy-namespaces")
                .withSecondaryToPrimaryMapper(ns -> policiesConcerning(ns, context))
                .build(), context);
        configMaps = new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, PermissionPolicy.class)
                .withName("policy-config-maps")
                .withLabelSelector(ManagedConfigMaps.BASELINE_SELECTOR)
                .withSecondaryToPrimaryMapper(map -> baseline.name().equals(map.getMetadata().getName())
                        ? contributingPolicies(map)
                        : Set.of())
                .build(), context);
        return List.of(namespaces, configMaps);
    }

    @Override
    public UpdateControl<PermissionPolicy> reconcile(PermissionPolicy policy, Context<PermissionPolicy> context) {
        Instant now = clock.instant();
        PolicyStatusCalculator.Result result = statusCalculator.calculate(policy,
                context.getPrimaryCache().list().toList(),
                namespaces.list(ns -> true).toList(),
                ns -> configMaps.get(new ResourceID(baseline.name(), ns)).orElse(null),
                now);
        result.events().forEach(event -> events.record(policy, event.reason(), event.message()));

        UpdateControl<PermissionPolicy> control = JsonTrees.same(policy.getStatus(), result.status())
                ? UpdateControl.noUpdate()
                : UpdateControl.patchStatus(withStatusOnly(policy, result.status()));
        result.nextChange().ifPresent(at -> control.rescheduleAfter(Duration.between(now, at).plusMillis(1)));
        boolean settled = Conditions.isTrue(result.status().getConditions(), Conditions.READY)
                || Conditions.isTrue(result.status().getConditions(), Conditions.STALLED);
        if (!settled) {
            // While maps are still being written, look again soon: a safety net in case a map event was missed.
            control.rescheduleAfter(result.nextChange().map(at -> Duration.between(now, at).plusMillis(1))
                    .filter(untilChange -> untilChange.compareTo(RECHECK_WHILE_RENDERING) < 0).orElse(RECHECK_WHILE_RENDERING));
        }
        return control;
    }

    private static PermissionPolicy withStatusOnly(PermissionPolicy policy, PermissionPolicyStatus status) {
        PermissionPolicy patch = new PermissionPolicy();
        patch.setMetadata(new ObjectMetaBuilder().withName(policy.getMetadata().getName()).build());
        patch.setStatus(status);
        return patch;
    }

    /** Policies that match the namespace now, plus those named on its map (they may have stopped matching). */
    private Set<ResourceID> policiesConcerning(Namespace namespace, EventSourceContext<PermissionPolicy> context) {
        Set<ResourceID> concerned = new HashSet<>();
        engine.forBaseline(context.getPrimaryCache().list().toList(), Namespaces.info(namespace))
                .forEach(p -> concerned.add(ResourceID.fromResource(p)));
        if (configMaps != null) {
            configMaps.get(new ResourceID(baseline.name(), namespace.getMetadata().getName()))
                    .ifPresent(map -> concerned.addAll(contributingPolicies(map)));
        }
        return concerned;
    }

    private static Set<ResourceID> contributingPolicies(ConfigMap map) {
        return ManagedConfigMaps.contributingPolicies(map).stream().map(ResourceID::new).collect(Collectors.toSet());
    }
}
