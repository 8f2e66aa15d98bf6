package io.agentpolicy.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.PolicyEngine;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The validation cache: keyed by the spec's generation and the recorded activation, never by the clock. */
class PolicyValidationTest {
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    PolicyValidation validation(Instant now) {
        PolicyValidation validation = new PolicyValidation();
        validation.engine = new PolicyEngine(new EngineConfig("agentpolicy.io/tier", "1"));
        validation.clock = Clock.fixed(now, ZoneOffset.UTC);
        return validation;
    }

    static PermissionPolicy lockdown(String expiresAt) {
        return Serialization.unmarshal("""
                {"apiVersion": "agentpolicy.io/v1alpha1", "kind": "PermissionPolicy",
                 "metadata": {"name": "lockdown", "uid": "u-1", "generation": 3},
                 "spec": {"tiers": ["1"], "emergencyOverride": {"maxMode": "plan", "reason": "INC-1", "expiresAt": "%s"}}}
                """.formatted(expiresAt), PermissionPolicy.class);
    }

    @Test
    void anInactiveOverrideWithoutRecordedActivationIsJudgedOnce() {
        PolicyValidation validation = validation(NOW);
        PermissionPolicy lapsed = lockdown("2026-11-22T09:00:00Z");
        assertThat(validation.validate(lapsed).errors()).isEmpty();
        assertThat(validation.validate(lapsed)).as("a cache hit, although the clock plays a part").isSameAs(validation.validate(lapsed));
    }

    @Test
    void anOverrideTooLongForNowIsJudgedAgainLaterWhenItMayHaveBecomeValid() {
        PermissionPolicy longOne = lockdown("2026-12-05T18:00:00Z"); // 30 h from NOW
        PolicyValidation validation = validation(NOW);
        assertThat(validation.validate(longOne).errors()).isNotEmpty();
        validation.clock = Clock.fixed(NOW.plusSeconds(7 * 3600), ZoneOffset.UTC); // 23 h left
        assertThat(validation.validate(longOne).errors()).isEmpty();
    }
}
