package io.agentpolicy.operator;

import static io.agentpolicy.testing.MetricsScraper.key;
import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.testing.ExampleSessions;
import io.agentpolicy.testing.ExamplesRun;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.MetricsScraper;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The metrics a platform team reviews (shared/docs/api.md, "Reports and metrics"), scraped from /q/metrics while the
 * examples run: decisions by phase, mode and tier; sessions now by phase, mode and tier; the example exception
 * requested, approved and timed; a drift edit detected and corrected; non-compliant pods.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class MetricsTest {
    static final Duration WITHIN = Duration.ofSeconds(30);
    static final Map<String, String> TIERS = Map.of("payments", "1", "orders", "2", "analytics", "3", "sandbox", "4");
    static final KubernetesClient client = TestCluster.get().admin();

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @AfterAll
    static void removeTheExampleSessions() {
        // Other tests apply the example sessions and expect to see them decided (and audited) then.
        ExamplesRun.removeSessions(client);
    }

    @Test
    void theExamplesShowInEverySeries() {
        ExamplesRun.removeSessions(client);
        Map<String, Double> before = MetricsScraper.series(metrics);
        ExamplesRun.applyPoliciesThenSessions(client);
        ExamplesRun.approveTheExampleException(client);

        // A break-glass edit of a session map: detected, and restored under Enforce.
        ExamplesRun.editTheReviewSessionMap(client);
        String corrected = key("agentpolicy_drift_corrected_total", "tier", "1");
        await().atMost(WITHIN).until(() -> MetricsScraper.series(metrics).getOrDefault(corrected, 0.0) > before.getOrDefault(corrected, 0.0));

        Map<String, Double> expectedDecisions = new HashMap<>();
        Map<String, Double> expectedSessions = new HashMap<>();
        ExampleSessions.OUTCOMES.forEach((id, outcome) -> {
            String tier = TIERS.get(id.split("/")[0]);
            String[] phaseAndMode = outcome.split(":");
            expectedDecisions.merge(key("agentpolicy_decisions_total", "phase", phaseAndMode[0], "mode", phaseAndMode[1], "tier", tier), 1.0, Double::sum);
            expectedSessions.merge(key("agentpolicy_sessions", "phase", phaseAndMode[0], "mode", phaseAndMode[1], "tier", tier), 1.0, Double::sum);
        });
        // The example exception: waits for approval (decided once per missing approval), then runs as bypassPermissions.
        expectedDecisions.merge(key("agentpolicy_decisions_total", "phase", "Admitted", "mode", "bypassPermissions", "tier", "1"), 1.0, Double::sum);
        expectedSessions.merge(key("agentpolicy_sessions", "phase", "Admitted", "mode", "bypassPermissions", "tier", "1"), 1.0, Double::sum);
        expectedDecisions.put(key("agentpolicy_decisions_total", "phase", "PendingApproval", "mode", "none", "tier", "1"), 2.0);

        // Counters follow the status writes that record each decision.
        await().atMost(WITHIN).untilAsserted(() -> {
            Map<String, Double> after = MetricsScraper.series(metrics);
            expectedDecisions.forEach((series, count) -> assertThat(after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0))
                    .as(series).isEqualTo(count));
            // The gauge counts every session of the cluster (other test classes leave theirs in tiers 1-4 too): each example
            // outcome's series holds as many as the API server has with that outcome.
            Map<String, Double> held = new HashMap<>();
            client.resources(AgentSession.class).inAnyNamespace().list().getItems().stream()
                    .filter(session -> session.getStatus() != null && session.getStatus().getPhase() != null)
                    .forEach(session -> held.merge(key("agentpolicy_sessions", "phase", session.getStatus().getPhase().value(), "mode",
                            session.getStatus().getEffectiveMode() == null ? "none" : session.getStatus().getEffectiveMode().value(),
                            "tier", session.getStatus().getTier()), 1.0, Double::sum));
            expectedSessions.forEach((series, examples) -> assertThat(after.get(series)).as("sessions there are now: %s", series)
                    .isEqualTo(held.get(series)).isGreaterThanOrEqualTo(examples));
            assertThat(delta(before, after, key("agentpolicy_exceptions_total", "outcome", "requested", "tier", "1"))).isEqualTo(1);
            assertThat(delta(before, after, key("agentpolicy_exceptions_total", "outcome", "approved", "tier", "1"))).isEqualTo(1);
            assertThat(delta(before, after, key("agentpolicy_exception_approval_seconds_count", "tier", "1"))).isEqualTo(1);
            // Approved within seconds of the session's creation: in the first bucket (1 minute).
            assertThat(delta(before, after, key("agentpolicy_exception_approval_seconds_bucket", "le", "60.0", "tier", "1"))).isEqualTo(1);
            assertThat(delta(before, after, key("agentpolicy_drift_detected_total", "tier", "1"))).isEqualTo(1);
            assertThat(delta(before, after, key("agentpolicy_drift_corrected_total", "tier", "1"))).isEqualTo(1);
            // The example agent pod mounts its session's map: compliant.
            assertThat(after).containsEntry(key("agentpolicy_pods_noncompliant", "tier", "1"), 0.0);
        });
        assertThat(client.resources(AgentSession.class).inNamespace("payments").withName("mid-review").get().getStatus().getPods()
                .getCompliant()).isEqualTo(1);
    }

    @Test
    void aRejectedExceptionIsCountedAndTheSessionDecidedWithoutIt() {
        ExamplesRun.applyPolicies(client);
        Map<String, Double> before = MetricsScraper.series(metrics);
        Kubectl.Result session = Kubectl.apply("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: rejected-bypass, namespace: payments}
                spec:
                  engineer: sam@example.com
                  groups: [eng-senior]
                  requestedMode: bypassPermissions
                  exception: {reason: "wants to skip the review"}
                """, null);
        assertThat(session.succeeded()).as(session.stderr()).isTrue();
        await().atMost(WITHIN).until(() -> "PendingApproval:null".equals(ExamplesRun.outcomeOf(ExamplesRun.session(client, "payments/rejected-bypass"))));
        String rejection = """
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSessionApproval
                metadata: {name: rejected-bypass-carol, namespace: payments, labels: {approver: carol}}
                spec: {session: rejected-bypass, sessionGeneration: 1, approver: carol@example.com, groups: [cto], decision: Reject}
                """;
        // The API server enforces the generated approval policy a moment after it is stored.
        await().atMost(WITHIN).until(() -> Kubectl.apply(rejection, "carol@example.com", "cto").succeeded());
        await().atMost(WITHIN).until(() -> ExamplesRun.outcomeOf(ExamplesRun.session(client, "payments/rejected-bypass")).startsWith("Denied"));

        // Counters follow the status write that records the decision.
        await().atMost(WITHIN).untilAsserted(() -> {
            Map<String, Double> after = MetricsScraper.series(metrics);
            assertThat(delta(before, after, key("agentpolicy_exceptions_total", "outcome", "requested", "tier", "1"))).isEqualTo(1);
            assertThat(delta(before, after, key("agentpolicy_exceptions_total", "outcome", "rejected", "tier", "1"))).isEqualTo(1);
            assertThat(delta(before, after, key("agentpolicy_decisions_total", "phase", "Denied", "mode", "none", "tier", "1"))).isEqualTo(1);
            assertThat(after.getOrDefault(key("agentpolicy_exception_approval_seconds_count", "tier", "1"), 0.0)).as("a rejection is not an approval")
                    .isEqualTo(before.getOrDefault(key("agentpolicy_exception_approval_seconds_count", "tier", "1"), 0.0));
        });
        client.resources(AgentSession.class).inNamespace("payments").withName("rejected-bypass").delete();
    }

    @Test
    void aPodAdmittedBeforeItsSessionWasDowngradedCountsAsNonCompliant() {
        String tier = unique("pods");
        String policy = unique("pods");
        applyPolicy(client, policy, "tiers: [" + tier + "]\nmodes: {default: plan, allowed: [plan, default], onViolation: Downgrade}");
        String namespace = createNamespace(client, unique("pods"), "agentpolicy.io/tier", tier).getMetadata().getName();
        Kubectl.Result session = Kubectl.apply("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: worker, namespace: %s}
                spec: {engineer: admin@example.com, requestedMode: default}
                """.formatted(namespace), null);
        assertThat(session.succeeded()).as(session.stderr()).isTrue();
        await().atMost(WITHIN).until(() -> configMap(client, namespace, "agent-session-worker") != null);
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: worker-agent, namespace: %s, labels: {agentpolicy.io/session: worker}}
                spec:
                  containers:
                    - {name: claude, image: example.com/claude-code:1, command: [claude, --permission-mode, default]}
                """.formatted(namespace);
        // The API server applies the regenerated admission policies a moment after they are stored: a dry run shows the mount.
        await().atMost(WITHIN).until(() -> Kubectl.run(pod, "apply", "--dry-run=server", "-o",
                "jsonpath={.spec.containers[0].volumeMounts}", "-f", "-").stdout().contains("agentpolicy-managed-settings"));
        Kubectl.Result created = Kubectl.apply(pod, null);
        assertThat(created.succeeded()).as(created.stderr()).isTrue();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(MetricsScraper.series(metrics))
                .containsEntry(key("agentpolicy_pods_noncompliant", "tier", tier), 0.0)
                .containsEntry(key("agentpolicy_sessions", "phase", "Admitted", "mode", "default", "tier", tier), 1.0));

        // The tier narrows to plan: the session is downgraded, and its running pod now starts Claude Code above it.
        applyPolicy(client, policy, "tiers: [" + tier + "]\nmodes: {default: plan, allowed: [plan], onViolation: Downgrade}");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(MetricsScraper.series(metrics))
                .containsEntry(key("agentpolicy_pods_noncompliant", "tier", tier), 1.0)
                .containsEntry(key("agentpolicy_sessions", "phase", "Downgraded", "mode", "plan", "tier", tier), 1.0)
                .containsEntry(key("agentpolicy_sessions", "phase", "Admitted", "mode", "default", "tier", tier), 0.0));
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        assertThat(after).as("scraped series").containsKey(series);
        return after.get(series) - before.getOrDefault(series, 0.0);
    }
}
