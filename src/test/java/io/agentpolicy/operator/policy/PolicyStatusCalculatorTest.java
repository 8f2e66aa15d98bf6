package io.agentpolicy.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.Condition;
import io.agentpolicy.api.DriftStatus;
import io.agentpolicy.api.EmergencyOverride;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.PermissionPolicySpec;
import io.agentpolicy.engine.Finding;
import io.agentpolicy.engine.ValidationResult;
import io.agentpolicy.operator.maps.Drift;
import io.agentpolicy.operator.maps.RenderedMaps;
import io.agentpolicy.operator.policy.PolicyStatusCalculator.MatchedNamespace;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.operator.reporting.EventRecorder.Reason;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** The policy status as a function of what the reconciler observed: no API server, no clock. */
class PolicyStatusCalculatorTest {
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final ValidationResult VALID = new ValidationResult(List.of(), List.of());
    private static final RenderedMaps.State UP_TO_DATE = new RenderedMaps.State(true, null, null);
    private static final RenderedMaps.State BEHIND = new RenderedMaps.State(false, null, null);

    @Test
    void readyWhenEveryMatchedNamespaceHoldsItsMap() {
        PolicyStatusCalculator.Result result = calculate(policy(), VALID,
                List.of(namespace("a", UP_TO_DATE), namespace("b", UP_TO_DATE)));

        assertThat(result.status().getMatchedNamespaces()).isEqualTo(2);
        assertThat(result.status().getRenderedNamespaces()).isEqualTo(2);
        assertCondition(result, Conditions.READY, "True", "Rendered", "2 of 2 matched namespaces hold the desired managed settings");
        assertCondition(result, Conditions.RECONCILING, "False", "Idle", "no work in flight");
        assertCondition(result, Conditions.STALLED, "False", "Valid", "the spec is valid");
        assertThat(result.events()).isEmpty();
        assertThat(result.nextChange()).isEmpty();
    }

    @Test
    void reconcilingWhileAMapIsBehind() {
        PolicyStatusCalculator.Result result = calculate(policy(), VALID, List.of(namespace("a", UP_TO_DATE), namespace("b", BEHIND)));

        assertCondition(result, Conditions.READY, "False", "Rendering", "1 of 2 matched namespaces hold the desired managed settings");
        assertCondition(result, Conditions.RECONCILING, "True", "Rendering", "1 namespaces still to render");
    }

    @Test
    void anInvalidSpecStallsWithTheFieldAndKeepsTheMapsCounted() {
        ValidationResult invalid = new ValidationResult(List.of(new Finding("spec.permissions.deny[0]", "unknown tool Bsh")), List.of());
        // An invalid policy's maps are frozen: the reconciler observes no state for them.
        PolicyStatusCalculator.Result result = calculate(policy(), invalid, List.of(new MatchedNamespace("a", List.of(), null)));

        assertCondition(result, Conditions.STALLED, "True", "InvalidSpec", "spec.permissions.deny[0]: unknown tool Bsh");
        assertCondition(result, Conditions.READY, "False", "InvalidSpec", "the spec is invalid; previously rendered maps stay in place");
        assertThat(result.events()).extracting(PolicyStatusCalculator.Event::reason).containsExactly(Reason.InvalidSpec);
        assertThat(result.status().getRenderedNamespaces()).isZero();
    }

    @Test
    void aRefusedWriteStallsWithTheApiServersAnswer() {
        RenderedMaps.State refused = new RenderedMaps.State(false, null, "ConfigMap a/agent-managed-settings cannot be written: forbidden");
        PolicyStatusCalculator.Result result = calculate(policy(), VALID, List.of(namespace("a", refused), namespace("b", UP_TO_DATE)));

        assertCondition(result, Conditions.STALLED, "True", "WriteRefused", "ConfigMap a/agent-managed-settings cannot be written: forbidden");
        assertCondition(result, Conditions.READY, "False", "WriteRefused", "the API server refuses to write 1 of 2 matched namespaces' maps");
    }

    @Test
    void driftAndConflictsAreNamedAndTheRecordIsKept() {
        Drift drift = new Drift("a", "agent-managed-settings", List.of("/permissions/defaultMode"), "kubectl-edit", "42");
        DriftStatus record = new DriftStatus();
        record.setCount(3L);
        PolicyStatusCalculator.Result result = calculate(policy(), VALID, List.of(
                new MatchedNamespace("a", List.of("permissions.defaultMode: plan beats default"), new RenderedMaps.State(false, drift, null))),
                record);

        assertCondition(result, Conditions.DRIFTED, "True", "ConfigMapChanged",
                "ConfigMap a/agent-managed-settings differs at /permissions/defaultMode (changed by kubectl-edit)");
        assertCondition(result, Conditions.CONFLICTING, "True", "MergeConflict", "permissions.defaultMode: plan beats default");
        assertThat(result.status().getDrift()).isSameAs(record);
    }

    @Test
    void longListsAreCutAfterFiveItems() {
        List<MatchedNamespace> many = java.util.stream.IntStream.range(0, 7)
                .mapToObj(i -> new MatchedNamespace("ns" + i, List.of("conflict " + i), UP_TO_DATE)).toList();

        PolicyStatusCalculator.Result result = calculate(policy(), VALID, many);

        assertCondition(result, Conditions.CONFLICTING, "True", "MergeConflict",
                "conflict 0; conflict 1; conflict 2; conflict 3; conflict 4; and 2 more");
    }

    @Test
    void anActiveOverrideIsAnnouncedOnceAndComesBackAtItsExpiry() {
        PermissionPolicy policy = policy();
        EmergencyOverride override = new EmergencyOverride();
        override.setMaxMode(PermissionMode.PLAN);
        override.setReason("incident 42");
        override.setExpiresAt("2026-12-04T12:00:00Z");
        policy.getSpec().setEmergencyOverride(override);

        PolicyStatusCalculator.Result first = calculate(policy, VALID, List.of());
        assertThat(first.events()).extracting(PolicyStatusCalculator.Event::reason).containsExactly(Reason.OverrideActivated);
        assertThat(first.status().getEmergencyOverride().getActivatedAt()).isEqualTo(NOW.toString());
        assertThat(first.nextChange()).contains(Instant.parse("2026-12-04T12:00:00Z"));

        policy.setStatus(first.status());
        PolicyStatusCalculator.Result again = PolicyStatusCalculator.calculate(policy, VALID, List.of(), null, NOW.plusSeconds(60));
        assertThat(again.events()).isEmpty();
        assertThat(again.status().getEmergencyOverride().getActivatedAt()).isEqualTo(NOW.toString());

        PolicyStatusCalculator.Result lapsed = PolicyStatusCalculator.calculate(policy, VALID, List.of(), null,
                Instant.parse("2026-12-04T12:00:01Z"));
        assertThat(lapsed.events()).extracting(PolicyStatusCalculator.Event::reason).containsExactly(Reason.OverrideExpired);
        assertThat(lapsed.status().getEmergencyOverride().getActive()).isFalse();
    }

    @Test
    void conditionsCarryTheObservedGeneration() {
        PolicyStatusCalculator.Result result = calculate(policy(), VALID, List.of());

        assertThat(result.status().getObservedGeneration()).isEqualTo(7L);
        assertThat(result.status().getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(7L));
    }

    private static PolicyStatusCalculator.Result calculate(PermissionPolicy policy, ValidationResult validity, List<MatchedNamespace> matched) {
        return calculate(policy, validity, matched, null);
    }

    private static PolicyStatusCalculator.Result calculate(PermissionPolicy policy, ValidationResult validity, List<MatchedNamespace> matched,
            DriftStatus record) {
        return PolicyStatusCalculator.calculate(policy, validity, matched, record, NOW);
    }

    private static MatchedNamespace namespace(String name, RenderedMaps.State state) {
        return new MatchedNamespace(name, List.of(), state);
    }

    private static PermissionPolicy policy() {
        PermissionPolicy policy = new PermissionPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withName("tier-1").withGeneration(7L).build());
        policy.setSpec(new PermissionPolicySpec());
        return policy;
    }

    private static void assertCondition(PolicyStatusCalculator.Result result, String type, String status, String reason, String message) {
        Condition condition = Conditions.find(result.status().getConditions(), type);
        assertThat(condition).as(type).isNotNull();
        assertThat(condition.getStatus()).as(type + " status").isEqualTo(status);
        assertThat(condition.getReason()).as(type + " reason").isEqualTo(reason);
        assertThat(condition.getMessage()).as(type + " message").isEqualTo(message);
    }
}
