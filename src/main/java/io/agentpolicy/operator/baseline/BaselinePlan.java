package io.agentpolicy.operator.baseline;

import java.util.List;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.MergedPolicy;
import io.agentpolicy.operator.drift.DriftOwner;
import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * What a namespace's baseline map should be: rendered from its policies, removed because no policy governs
 * it, or kept as it is because one of its policies is invalid (the last good map stays in place).
 */
public record BaselinePlan(Action action, ConfigMap desired, MergedPolicy merged, List<PermissionPolicy> policies,
        List<String> invalidPolicies) {

    public enum Action {
        RENDER,
        REMOVE,
        KEEP
    }

    static BaselinePlan render(ConfigMap desired, MergedPolicy merged, List<PermissionPolicy> policies) {
        return new BaselinePlan(Action.RENDER, desired, merged, policies, List.of());
    }

    static BaselinePlan remove() {
        return new BaselinePlan(Action.REMOVE, null, null, List.of(), List.of());
    }

    static BaselinePlan keep(List<String> invalidPolicies) {
        return new BaselinePlan(Action.KEEP, null, null, List.of(), invalidPolicies);
    }

    /** The contributing policies, to which drift of this map is reported. */
    public List<DriftOwner> owners() {
        return policies.stream().map(DriftOwner::of).toList();
    }
}
