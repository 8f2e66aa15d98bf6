package io.agentpolicy.operator.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.AgentSessionStatus;
import io.agentpolicy.api.Condition;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PodCompliance;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.RenderedSettings;
import io.agentpolicy.engine.Sha256;
import io.agentpolicy.operator.maps.Drift;
import io.agentpolicy.operator.reporting.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** A session's status as a function of its decision and what was observed: no API server, no clock. */
class SessionStatusCalculatorTest {
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final String JSON = "{\"permissions\":{\"defaultMode\":\"plan\"}}";
    private static final RenderedSettings RENDERED = new RenderedSettings(JSON.getBytes(StandardCharsets.UTF_8), JSON, Sha256.settingsHash(JSON));

    @Test
    void aDowngradedSessionRunsWithItsMapAndSaysWhy() {
        Decision decision = new Decision(SessionPhase.DOWNGRADED, PermissionMode.PLAN, "1", Seniority.MID, List.of("tier-1"),
                "tier 1 allows at most plan (PermissionPolicy tier-1)", false, null, null);

        AgentSessionStatus status = SessionStatusCalculator.decided(session(), new AgentSessionStatus(), decision, RENDERED, new PodCompliance(),
                null, null, NOW);

        assertThat(status.getPhase()).isEqualTo(SessionPhase.DOWNGRADED);
        assertThat(status.getEffectiveMode()).isEqualTo(PermissionMode.PLAN);
        assertThat(status.getConfigMap()).isEqualTo("agent-session-fix");
        assertThat(status.getSettingsHash()).isEqualTo(RENDERED.sha256());
        assertCondition(status, Conditions.READY, "True", "Downgraded", "tier 1 allows at most plan (PermissionPolicy tier-1)");
        assertCondition(status, Conditions.DRIFTED, "False", "NoDrift", "the session map holds the desired settings");
        assertCondition(status, Conditions.STALLED, "False", "Decided", "the session was decided");
        assertThat(status.getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void aDeniedSessionHasNoMapAndIsNotReady() {
        Decision decision = new Decision(SessionPhase.DENIED, null, "1", Seniority.JUNIOR, List.of("tier-1"),
                "tier 1 forbids bypassPermissions", false, null, null);

        AgentSessionStatus status = SessionStatusCalculator.decided(session(), new AgentSessionStatus(), decision, null, new PodCompliance(),
                null, null, NOW);

        assertThat(status.getConfigMap()).isNull();
        assertCondition(status, Conditions.READY, "False", "Denied", "tier 1 forbids bypassPermissions");
    }

    @Test
    void theMapsDriftIsNamed() {
        Decision decision = new Decision(SessionPhase.ADMITTED, PermissionMode.PLAN, "1", Seniority.SENIOR, List.of("tier-1"), "admitted",
                false, null, null);
        Drift drift = new Drift("payments", "agent-session-fix", List.of(""), null, "deleted@9");

        AgentSessionStatus status = SessionStatusCalculator.decided(session(), new AgentSessionStatus(), decision, RENDERED, new PodCompliance(),
                drift, null, NOW);

        assertCondition(status, Conditions.DRIFTED, "True", "ConfigMapChanged", "ConfigMap payments/agent-session-fix is missing or unreadable");
    }

    @Test
    void anInvalidGoverningPolicyFreezesTheLastDecision() {
        AgentSessionStatus previous = SessionStatusCalculator.decided(session(), new AgentSessionStatus(),
                new Decision(SessionPhase.ADMITTED, PermissionMode.DEFAULT, "2", Seniority.MID, List.of("tier-2"), "admitted", false, null, null),
                RENDERED, new PodCompliance(), null, null, NOW);

        AgentSessionStatus frozen = SessionStatusCalculator.frozen(session(), previous, List.of("tier-2"), NOW.plusSeconds(60));

        assertThat(frozen.getPhase()).isEqualTo(SessionPhase.ADMITTED);
        assertThat(frozen.getEffectiveMode()).isEqualTo(PermissionMode.DEFAULT);
        assertThat(frozen.getConfigMap()).isEqualTo("agent-session-fix");
        assertCondition(frozen, Conditions.STALLED, "True", "InvalidPolicy",
                "governing PermissionPolicy tier-2 is invalid; the session keeps its last decision until the policy is fixed");
        assertThat(Conditions.find(frozen.getConditions(), Conditions.READY).getLastTransitionTime())
                .as("Ready did not change").isEqualTo(NOW.toString());
    }

    private static AgentSession session() {
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder().withName("fix").withNamespace("payments").withGeneration(2L).build());
        session.setSpec(new AgentSessionSpec());
        return session;
    }

    private static void assertCondition(AgentSessionStatus status, String type, String value, String reason, String message) {
        Condition condition = Conditions.find(status.getConditions(), type);
        assertThat(condition).as(type).isNotNull();
        assertThat(condition.getStatus()).as(type + " status").isEqualTo(value);
        assertThat(condition.getReason()).as(type + " reason").isEqualTo(reason);
        assertThat(condition.getMessage()).as(type + " message").isEqualTo(message);
    }
}
