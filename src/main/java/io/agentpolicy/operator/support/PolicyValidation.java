package io.agentpolicy.operator.support;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
    private final Map<String, ValidationResult> byGeneration = new ConcurrentHashMap<>();
    private final Map<String, PermissionPolicy> lastValid = new ConcurrentHashMap<>();

    @Inject
    PolicyEngine engine;

    @Inject
    Clock clock;

    public ValidationResult validate(PermissionPolicy policy) {
        Instant activatedAt = overrideActivatedAt(policy);
        // Without an override the activation instant plays no part: leaving it out lets the cache hit.
        boolean hasOverride = policy.getSpec() != null && policy.getSpec().getEmergencyOverride() != null;
        String key = policy.getMetadata().getUid() + "/" + policy.getMetadata().getGeneration() + (hasOverride ? "/" + activatedAt : "");
        if (byGeneration.size() > 10_000) {
            byGeneration.clear();
        }
        return byGeneration.computeIfAbsent(key, k -> engine.validate(policy, activatedAt));
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
        if (policy.getStatus() != null && policy.getStatus().getEmergencyOverride() != null) {
            Instant recorded = Rfc3339.parse(policy.getStatus().getEmergencyOverride().getActivatedAt());
            if (recorded != null) {
                return recorded;
            }
        }
        return clock.instant();
    }
}
