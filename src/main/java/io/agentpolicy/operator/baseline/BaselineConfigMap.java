package io.agentpolicy.operator.baseline;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.BaselinePlan;
import io.agentpolicy.engine.BaselineRendering;
import io.agentpolicy.engine.MergedPolicy;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.operator.cache.Bounded;
import io.agentpolicy.operator.cache.Namespaces;
import io.agentpolicy.operator.cache.PolicyValidation;
import io.agentpolicy.operator.config.OperatorConfig;
import io.agentpolicy.operator.maps.DriftOwner;
import io.agentpolicy.operator.maps.RenderedMap;
import io.agentpolicy.operator.maps.RenderedMaps;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** The namespace baseline dependent: the desired agent-managed-settings map of one namespace. */
@ApplicationScoped
public class BaselineConfigMap {
    /** Distinct policy sets are few: one per tier, a few more while policies change. */
    private final Map<String, BaselineRendering> renderings = Bounded.map(Bounded.PER_POLICY_SET);

    @Inject
    PolicyEngine engine;

    @Inject
    PolicyValidation validation;

    @Inject
    OperatorConfig config;

    public String name() {
        return config.configMapName();
    }

    /** What the namespace's map should be (the engine's plan); a namespace being deleted gets none. */
    public BaselinePlan plan(Namespace namespace, Collection<PermissionPolicy> allPolicies, ConfigMap actual) {
        if (namespace.getMetadata().getDeletionTimestamp() != null) {
            return new BaselinePlan.None("namespace " + namespace.getMetadata().getName() + " is being deleted");
        }
        return engine.planBaseline(allPolicies, Namespaces.info(namespace),
                actual == null ? List.of() : RenderedMap.contributingPolicies(actual), validation::isValid);
    }

    /** The map a plan to render calls for, and the merge it comes from. */
    public record Desired(ConfigMap map, MergedPolicy merged, List<PermissionPolicy> policies, String tier) {
        /** The map's target: its drift is reported to the contributing policies. */
        public RenderedMaps.Target target() {
            return new RenderedMaps.Target(map, merged.enforcement(), policies.stream().map(DriftOwner::of).toList(), tier);
        }
    }

    public Desired desired(Namespace namespace, BaselinePlan.Render plan, Instant now) {
        NamespaceInfo info = Namespaces.info(namespace);
        BaselineRendering rendering = rendering(plan.policies(), now);
        String tier = engine.tierOf(info);
        ConfigMap map = RenderedMap.desired(info.name(), name(), rendering.settings(), tier, rendering.merged().policyNames(),
                plan.policies().stream().map(BaselineConfigMap::ownerReference).toList(), Map.of());
        return new Desired(map, rendering.merged(), plan.policies(), tier);
    }

    /**
     * The merge and rendering of a set of policies. They depend on nothing but the policies' versions and which of
     * their overrides are in force, so the namespaces of a tier share one: without it every namespace reconcile, and
     * every policy status (once per matched namespace), merged and rendered again.
     */
    private BaselineRendering rendering(List<PermissionPolicy> matching, Instant now) {
        if (matching.stream().anyMatch(p -> p.getMetadata().getUid() == null || p.getMetadata().getResourceVersion() == null)) {
            return engine.renderBaseline(matching, now);
        }
        String key = matching.stream().map(p -> p.getMetadata().getUid() + "@" + p.getMetadata().getResourceVersion()
                + (engine.overrideInForce(p, now) ? "+override" : "")).collect(Collectors.joining(","));
        return renderings.computeIfAbsent(key, k -> engine.renderBaseline(matching, now));
    }

    /** Every contributing policy owns the map, so it goes away with the last of them. */
    private static OwnerReference ownerReference(PermissionPolicy policy) {
        return new OwnerReferenceBuilder()
                .withApiVersion(ApiConstants.API_VERSION).withKind("PermissionPolicy")
                .withName(policy.getMetadata().getName()).withUid(policy.getMetadata().getUid())
                .build();
    }
}
