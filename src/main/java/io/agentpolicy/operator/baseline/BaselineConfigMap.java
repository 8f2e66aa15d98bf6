package io.agentpolicy.operator.baseline;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.operator.support.Bounded;
import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.MergedPolicy;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.RenderedSettings;
import io.agentpolicy.engine.SettingsRenderer;
import io.agentpolicy.operator.config.OperatorConfig;
import io.agentpolicy.operator.support.ManagedConfigMaps;
import io.agentpolicy.operator.support.Namespaces;
import io.agentpolicy.operator.support.PolicyValidation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** The namespace baseline dependent: the desired agent-managed-settings map of one namespace. */
@ApplicationScoped
public class BaselineConfigMap {
    /** Distinct policy sets are few: one per tier, a few more while policies change. */
    private final Map<String, Rendering> renderings = Bounded.map(Bounded.PER_POLICY_SET);

    @Inject
    PolicyEngine engine;

    @Inject
    PolicyValidation validation;

    @Inject
    ManagedConfigMaps maps;

    @Inject
    OperatorConfig config;

    public String name() {
        return config.configMapName();
    }

    /**
     * What the namespace's map should be. An invalid policy that matches the namespace, or that the current map
     * was rendered from, freezes the map: an invalid spec (say, a broken selector) must not re-render or remove it.
     */
    public BaselinePlan plan(Namespace namespace, Collection<PermissionPolicy> allPolicies, ConfigMap actual, Instant now) {
        NamespaceInfo info = Namespaces.info(namespace);
        List<PermissionPolicy> matching = engine.forBaseline(allPolicies, info);
        List<String> renderedFrom = actual == null ? List.of() : ManagedConfigMaps.contributingPolicies(actual);
        List<String> invalid = allPolicies.stream()
                .filter(p -> matching.contains(p) || renderedFrom.contains(p.getMetadata().getName()))
                .filter(p -> !validation.isValid(p)).map(p -> p.getMetadata().getName()).sorted().toList();
        if (!invalid.isEmpty()) {
            return BaselinePlan.keep(invalid);
        }
        if (matching.isEmpty() || namespace.getMetadata().getDeletionTimestamp() != null) {
            return BaselinePlan.remove();
        }
        Rendering rendering = rendering(matching, now);
        ConfigMap desired = maps.desired(info.name(), name(), rendering.settings(), engine.tierOf(info),
                rendering.merged().policyNames(), matching.stream().map(BaselineConfigMap::ownerReference).toList(), Map.of());
        return BaselinePlan.render(desired, rendering.merged(), matching);
    }

    /**
     * The merge and rendering of a set of policies. They depend on nothing but the policies' versions and which of
     * their overrides are in force, so the namespaces of a tier share one: without it every namespace reconcile, and
     * every policy status (once per matched namespace), merged and rendered again.
     */
    private Rendering rendering(List<PermissionPolicy> matching, Instant now) {
        if (matching.stream().anyMatch(p -> p.getMetadata().getUid() == null || p.getMetadata().getResourceVersion() == null)) {
            return Rendering.of(engine.merge(matching, now));
        }
        String key = matching.stream().map(p -> p.getMetadata().getUid() + "@" + p.getMetadata().getResourceVersion()
                + (engine.overrideInForce(p, now) ? "+override" : "")).collect(Collectors.joining(","));
        return renderings.computeIfAbsent(key, k -> Rendering.of(engine.merge(matching, now)));
    }

    private record Rendering(MergedPolicy merged, RenderedSettings settings) {
        static Rendering of(MergedPolicy merged) {
            return new Rendering(merged, SettingsRenderer.renderBaseline(merged));
        }
    }

    /** Every contributing policy owns the map, so it goes away with the last of them. */
    private static OwnerReference ownerReference(PermissionPolicy policy) {
        return new OwnerReferenceBuilder()
                .withApiVersion(ApiConstants.API_VERSION).withKind("PermissionPolicy")
                .withName(policy.getMetadata().getName()).withUid(policy.getMetadata().getUid())
                .build();
    }
}
