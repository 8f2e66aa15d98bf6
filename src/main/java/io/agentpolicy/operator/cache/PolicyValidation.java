package io.agentpolicy.operator.cache;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.ValidationResult;

/**
 * Validates policies once per spec generation: every namespace reconcile asks whether its policies are valid,
 * and a policy's spec does not change between generations.
 */
@ApplicationScoped
public class PolicyValidation {
    private final Map<String, ValidationResult> byGeneration = Bounded.map(Bounded.PER_POLICY_SET);
    /** Whole policies: the version in force while a newer spec is invalid. */
    private final Map<String, PermissionPolicy> lastValid = Bounded.map(Bounded.PER_POLICY_SET);

    @Inject
    PolicyEngine engine;

    @Inject
    Clock clock;

    /**
     * The key holds the override's recorded activation, never the clock: a fresh override (not recorded yet) is
     * judged against now, and only a verdict that time cannot change is kept (an override's length only shrinks
     * as time passes, so "valid" stays valid).
     */
    public ValidationResult validate(PermissionPolicy policy) {
        Instant recorded = recordedActivation(policy);
        Instant activatedAt = recorded != null ? recorded : clock.instant();
        String key = policy.getMetadata().getUid() + "/" + policy.getMetadata().getGeneration() + "/" + (recorded == null ? "unrecorded" : recorded);
        ValidationResult known = byGeneration.get(key);
        if (known != null) {
            return known;
        }
        ValidationResult result = engine.validate(policy, activatedAt);
        if (recorded != null || result.errors().isEmpty()) {
            byGeneration.put(key, result);
        }
        return result;
    }

    public boolean isValid(PermissionPolicy policy) {
        boolean valid = validate(policy).errors().isEmpty();
        if (valid) {
            lastValid.put(policy.getMetadata().getUid(), policy);
        }
        return valid;
    }

    /**
     * The policy if valid, else its last valid version seen by this process (empty if none): what stays in
     * force while a policy's new spec is broken.
     */
    public Optional<PermissionPolicy> lastGood(PermissionPolicy policy) {
        return isValid(policy) ? Optional.of(policy) : Optional.ofNullable(lastValid.get(policy.getMetadata().getUid()));
    }

    /** When the override began, as recorded in status; a fresh override counts from now. */
    public Instant overrideActivatedAt(PermissionPolicy policy) {
        Instant recorded = recordedActivation(policy);
        return recorded != null ? recorded : clock.instant();
    }

    private static Instant recordedActivation(PermissionPolicy policy) {
        if (policy.getStatus() != null && policy.getStatus().getEmergencyOverride() != null) {
            return Rfc3339.parse(policy.getStatus().getEmergencyOverride().getActivatedAt());
        }
        return null;
    }
}
