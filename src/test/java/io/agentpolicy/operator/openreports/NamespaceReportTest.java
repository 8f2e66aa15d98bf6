package io.agentpolicy.operator.openreports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.AgentSessionStatus;
import io.agentpolicy.api.Condition;
import io.agentpolicy.api.DriftEntry;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PodCompliance;
import io.agentpolicy.api.PodViolation;
import io.agentpolicy.api.SessionPhase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** What a namespace's OpenReports Report says, and that it stays bounded however many sessions a namespace holds. */
class NamespaceReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NamespaceReport.Baseline CLEAN = new NamespaceReport.Baseline("agent-managed-settings", List.of());

    @Test
    void eachPhaseGivesTheResultAReaderExpects() {
        List<AgentSession> sessions = List.of(
                session("admitted", SessionPhase.ADMITTED, PermissionMode.DEFAULT),
                session("downgraded", SessionPhase.DOWNGRADED, PermissionMode.PLAN),
                session("denied", SessionPhase.DENIED, null),
                session("waiting", SessionPhase.PENDING_APPROVAL, null),
                session("expired", SessionPhase.EXPIRED, null));

        Map<String, Object> report = NamespaceReport.content("payments", sessions, CLEAN);

        assertThat(resultsOf(report)).extracting(r -> r.get("rule") + "=" + r.get("result")).containsExactly(
                "denied=fail", "downgraded=warn", "waiting=warn", "agent-managed-settings=pass", "admitted=pass", "expired=skip");
        assertThat(report.get("summary")).isEqualTo(Map.of("pass", 2L, "fail", 1L, "warn", 2L, "error", 0L, "skip", 1L));
        assertThat(report.get("scope")).isEqualTo(Map.of("apiVersion", "v1", "kind", "Namespace", "name", "payments"));
        assertThat(resultsOf(report).get(0)).containsEntry("policy", NamespaceReport.DECISION_POLICY).containsEntry("message", "reason of denied")
                .containsEntry("severity", "medium");
    }

    @Test
    void anAuditOnlyAdmissionWarns() {
        AgentSession session = session("audited", SessionPhase.ADMITTED, PermissionMode.BYPASS_PERMISSIONS);
        session.getStatus().getConditions().add(new Condition("PolicyViolation", Condition.TRUE, "AuditOnly", "above the cap"));

        assertThat(resultsOf(NamespaceReport.content("sandbox", List.of(session), null)))
                .extracting(r -> r.get("rule") + "=" + r.get("result")).containsExactly("audited=warn");
    }

    @Test
    void driftAndNonCompliantPodsFailAndNameWhatBrokeThem() {
        AgentSession session = session("drifted", SessionPhase.ADMITTED, PermissionMode.DEFAULT);
        session.getStatus().setConfigMap("agent-session-drifted");
        session.getStatus().getConditions().add(new Condition("Drifted", Condition.TRUE, "ConfigMapChanged", "changed by kubectl-edit"));
        session.getStatus().setPods(pods(1, new PodViolation("agent-1", "claude", "starts Claude Code in bypassPermissions")));
        DriftEntry edit = new DriftEntry();
        edit.setNamespace("payments");
        edit.setConfigMap("agent-managed-settings");
        edit.setChangedBy("kubectl-edit");
        edit.setPaths(List.of("/permissions/defaultMode"));
        edit.setDetectedAt("2026-12-04T10:00:00Z");

        Map<String, Object> report = NamespaceReport.content("payments", List.of(session),
                new NamespaceReport.Baseline("agent-managed-settings", List.of(edit)));

        assertThat(resultsOf(report)).filteredOn(r -> "fail".equals(r.get("result")))
                .extracting(r -> r.get("policy") + " " + r.get("rule") + ": " + r.get("message")).containsExactlyInAnyOrder(
                        "agentpolicy.io/managed-settings-drift agent-managed-settings: ConfigMap agent-managed-settings was changed by "
                                + "kubectl-edit at /permissions/defaultMode and not restored",
                        "agentpolicy.io/managed-settings-drift agent-session-drifted: changed by kubectl-edit",
                        "agentpolicy.io/pod-compliance drifted: 1 non-compliant pod(s): agent-1 starts Claude Code in bypassPermissions");
    }

    /** 1,000 sessions, each denied with a long reason, two pods with 20 violations and a drifted map: 3,001 results. */
    @Test
    void aThousandSessionsInOneNamespaceStayWellUnderTheObjectSizeLimit() throws Exception {
        List<AgentSession> sessions = IntStream.range(0, 1000).mapToObj(i -> {
            AgentSession session = session("session-with-a-rather-long-name-" + String.format("%04d", i), SessionPhase.DENIED, null);
            session.getStatus().setReason("x".repeat(2_000));
            session.getStatus().setConfigMap("agent-session-" + session.getMetadata().getName());
            session.getStatus().getConditions().add(new Condition("Drifted", Condition.TRUE, "ConfigMapChanged", "y".repeat(2_000)));
            List<PodViolation> violations = new ArrayList<>();
            IntStream.range(0, PodCompliance.MAX_VIOLATIONS).forEach(v -> violations.add(
                    new PodViolation("pod-with-a-long-name-" + String.format("%02d", v), "claude", "z".repeat(300))));
            session.getStatus().setPods(pods(2, violations.toArray(PodViolation[]::new)));
            return session;
        }).toList();

        Map<String, Object> report = NamespaceReport.content("busy", sessions, CLEAN);
        int bytes = JSON.writeValueAsString(report).getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("Report of 1,000 sessions (3,001 results, %d kept): %,d bytes%n", resultsOf(report).size(), bytes);

        assertThat(resultsOf(report)).hasSize(NamespaceReport.MAX_RESULTS).allMatch(r -> "fail".equals(r.get("result")));
        assertThat(report.get("summary")).isEqualTo(Map.of("pass", 1L, "fail", 3000L, "warn", 0L, "error", 0L, "skip", 0L));
        assertThat(bytes).as("bytes; etcd refuses objects over 1.5 MiB").isLessThan(512 * 1024);
    }

    @Test
    void theSameStatusesGiveTheSameContent() {
        List<AgentSession> sessions = List.of(session("b", SessionPhase.ADMITTED, PermissionMode.PLAN),
                session("a", SessionPhase.DOWNGRADED, PermissionMode.PLAN));
        assertThat(ReportWriter.canonical(NamespaceReport.content("ns", sessions, CLEAN)))
                .isEqualTo(ReportWriter.canonical(NamespaceReport.content("ns", List.of(sessions.get(1), sessions.get(0)), CLEAN)));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> resultsOf(Map<String, Object> report) {
        return (List<Map<String, Object>>) report.get("results");
    }

    private static PodCompliance pods(int nonCompliant, PodViolation... violations) {
        PodCompliance pods = new PodCompliance();
        pods.setCompliant(0);
        pods.setNonCompliant(nonCompliant);
        pods.setViolations(List.of(violations));
        return pods;
    }

    private static AgentSession session(String name, SessionPhase phase, PermissionMode mode) {
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("payments").withUid("uid-" + name).build());
        AgentSessionSpec spec = new AgentSessionSpec();
        spec.setEngineer("alice@example.com");
        session.setSpec(spec);
        AgentSessionStatus status = new AgentSessionStatus();
        status.setPhase(phase);
        status.setEffectiveMode(mode);
        status.setTier("1");
        status.setReason("reason of " + name);
        Condition ready = new Condition("Ready", phase.runs() ? Condition.TRUE : Condition.FALSE, phase.value(), "reason of " + name);
        ready.setLastTransitionTime("2026-12-04T10:00:00Z");
        status.setConditions(new ArrayList<>(List.of(ready)));
        session.setStatus(status);
        return session;
    }
}
