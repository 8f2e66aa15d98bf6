package io.agentpolicy.engine;

import java.util.List;

import io.agentpolicy.api.PermissionPolicy;

/**
 * What a namespace's agent-managed-settings map should be, as the operator and the offline CLI both plan it
 * ({@link PolicyEngine#planBaseline}): rendered from the policies that govern the namespace, kept as it is while one
 * of its policies is invalid (the last good map stays, byte for byte), or none at all.
 */
public sealed interface BaselinePlan {

    /** A sentence for people: what happens to the map and why. */
    String reason();

    /** Render the merge of these policies, sorted by name ({@link PolicyEngine#renderBaseline}). */
    record Render(List<PermissionPolicy> policies) implements BaselinePlan {
        @Override
        public String reason() {
            return "rendered from " + String.join(", ", policies.stream().map(p -> p.getMetadata().getName()).toList());
        }
    }

    /** Keep the map as it is: these policies govern the namespace, or rendered its map, and are invalid. */
    record Keep(List<String> invalidPolicies) implements BaselinePlan {
        @Override
        public String reason() {
            return "PermissionPolicy " + String.join(", ", invalidPolicies) + " is invalid, so the last good map stays as it is";
        }
    }

    /** No map for the namespace (one that exists is removed). */
    record None(String reason) implements BaselinePlan {
    }
}
