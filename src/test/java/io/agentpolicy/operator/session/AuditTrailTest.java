package io.agentpolicy.operator.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.ExceptionState;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.ExceptionOutcome.CountedAnswer;
import io.agentpolicy.engine.ExceptionOutcome;

/** The audit line carries the seed's fields (shared/docs/api.md, "Reports and metrics") as one JSON object. */
class AuditTrailTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-04T10:30:00Z");

    @Test
    void anApprovedExceptionNamesItsApproversTheLastApprovalAndHowLongItTook() throws Exception {
        AgentSession session = session("""
                metadata: {name: senior-bypass, namespace: payments, creationTimestamp: "2026-12-04T10:00:00Z"}
                spec:
                  engineer: sam@example.com
                  groups: [eng-senior]
                  requestedMode: bypassPermissions
                  taskType: hotfix
                  repository: payments-service
                  exception: {reason: "INC-1234 hotfix"}
                """);
        ExceptionOutcome approved = new ExceptionOutcome(ExceptionState.APPROVED, List.of(
                new CountedAnswer("carol@example.com", List.of("cto"), Instant.parse("2026-12-04T10:05:00Z")),
                new CountedAnswer("dana@example.com", List.of("payments-code-owners"), Instant.parse("2026-12-04T10:20:00Z"))),
                List.of(), Instant.parse("2026-12-04T18:20:00Z"));
        Decision decision = new Decision(SessionPhase.ADMITTED, PermissionMode.BYPASS_PERMISSIONS, "1", Seniority.SENIOR,
                List.of("org-baseline", "tier-1-critical"), "exception approved", false, null, null, approved);

        JsonNode line = JSON.readTree(JSON.writeValueAsString(AuditTrail.line(session, decision, NOW)));

        assertThat(line.toString()).startsWith("{\"timestamp\":\"2026-12-04T10:30:00Z\",\"repository\":\"payments-service\","
                + "\"engineer\":\"sam@example.com\",\"requested_mode\":\"bypassPermissions\",\"effective_mode\":\"bypassPermissions\","
                + "\"action\":\"admitted\",\"approval_required\":true,\"approved_by\":[\"carol@example.com\",\"dana@example.com\"],"
                + "\"approval_time\":\"2026-12-04T10:20:00Z\",\"approval_duration_seconds\":1200,");
        assertThat(line.get("tier").asText()).isEqualTo("1");
        assertThat(line.get("exception").get("state").asText()).isEqualTo("Approved");
        assertThat(line.get("exception").get("expires_at").asText()).isEqualTo("2026-12-04T18:20:00Z");
        assertThat(line.get("exception").get("approvals").get(0).toString())
                .isEqualTo("{\"approver\":\"carol@example.com\",\"groups\":[\"cto\"],\"at\":\"2026-12-04T10:05:00Z\"}");
    }

    @Test
    void aDowngradeWithoutExceptionRequiresNoApprovalAndLeavesTheApprovalFieldsNull() throws Exception {
        AgentSession session = session("""
                metadata: {name: mid-bugfix, namespace: orders, creationTimestamp: "2026-12-04T10:00:00Z"}
                spec: {engineer: bob@example.com, requestedMode: acceptEdits, repository: orders-api}
                """);
        Decision decision = new Decision(SessionPhase.DOWNGRADED, PermissionMode.DEFAULT, "2", Seniority.MID, List.of("tier-2-standard"),
                "seniority mid caps tier 2 at default; downgraded to default", false, null, null);

        JsonNode line = JSON.readTree(JSON.writeValueAsString(AuditTrail.line(session, decision, NOW)));

        assertThat(line.get("action").asText()).isEqualTo("downgraded");
        assertThat(line.get("requested_mode").asText()).isEqualTo("acceptEdits");
        assertThat(line.get("effective_mode").asText()).isEqualTo("default");
        assertThat(line.get("approval_required").asBoolean()).isFalse();
        for (String field : List.of("approved_by", "approval_time", "approval_duration_seconds")) {
            assertThat(line.get(field).isNull()).as(field).isTrue();
        }
        assertThat(line.has("exception")).isFalse();
    }

    @Test
    void aPendingExceptionRequiresApprovalAndIsNotYetApproved() throws Exception {
        AgentSession session = session("""
                metadata: {name: senior-bypass, namespace: payments, creationTimestamp: "2026-12-04T10:00:00Z"}
                spec: {engineer: sam@example.com, requestedMode: bypassPermissions, exception: {reason: hotfix}}
                """);
        Decision decision = new Decision(SessionPhase.PENDING_APPROVAL, null, "1", Seniority.SENIOR, List.of("tier-1-critical"),
                "waiting for approval", false, null, null,
                new ExceptionOutcome(ExceptionState.PENDING, List.of(), List.of("cto"), null));

        JsonNode line = JSON.readTree(JSON.writeValueAsString(AuditTrail.line(session, decision, NOW)));

        assertThat(line.get("action").asText()).isEqualTo("approval_requested");
        assertThat(line.get("approval_required").asBoolean()).isTrue();
        assertThat(line.get("approved_by").isNull()).isTrue();
        assertThat(line.get("effective_mode").isNull()).isTrue();
    }

    private static AgentSession session(String yaml) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readValue(yaml, AgentSession.class);
    }
}
