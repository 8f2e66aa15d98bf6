package io.agentpolicy.operator.cache;

import java.util.Objects;

import io.agentpolicy.api.PermissionPolicy;

/**
 * Which PermissionPolicy updates matter to the controllers that read policies: a new generation (the spec
 * changed) or a newly recorded override activation. Status updates alone (counts, conditions, drift) do not, and
 * passing them would re-reconcile every namespace and session the policy governs after each status write.
 */
public final class PolicyChanges {
    private PolicyChanges() {
    }

    public static boolean matter(PermissionPolicy changed, PermissionPolicy before) {
        return !Objects.equals(changed.getMetadata().getGeneration(), before.getMetadata().getGeneration())
                || !Objects.equals(activatedAt(changed), activatedAt(before));
    }

    private static String activatedAt(PermissionPolicy policy) {
        return policy.getStatus() == null || policy.getStatus().getEmergencyOverride() == null ? null
                : policy.getStatus().getEmergencyOverride().getActivatedAt();
    }
}
