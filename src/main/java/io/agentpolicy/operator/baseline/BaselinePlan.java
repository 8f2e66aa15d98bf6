package io.agentpolicy.operator.baseline;

import java.util.List;

import io.agentpolicy.engine.MergedPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * What a namespace's baseline map should be: rendered from its policies, removed because no policy governs
 * it, or kept as it is because one of its policies is invalid (the last good map stays in place).
 */
public record BaselinePlan(Action action, ConfigMap desired, MergedPolicy merged, List<String> invalidPolicies) {

    public enum Action {
        RENDER,
        REMOVE,
        KEEP
    }

    static BaselinePlan render(ConfigMap desired, MergedPolicy merged) {
        return new BaselinePlan(Action.RENDER, desired, merged, List.of());
    }

    static BaselinePlan remove() {
        return new BaselinePlan(Action.REMOVE, null, null, List.of());
    }

    static BaselinePlan keep(List<String> invalidPolicies) {
        return new BaselinePlan(Action.KEEP, null, null, invalidPolicies);
    }
}
