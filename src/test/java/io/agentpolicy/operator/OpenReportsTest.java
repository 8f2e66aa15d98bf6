package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.operator.openreports.NamespaceReport;
import io.agentpolicy.operator.openreports.ReportWriter;
import io.agentpolicy.testing.ExampleSessions;
import io.agentpolicy.testing.ExamplesRun;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.MetricsScraper;
import io.agentpolicy.testing.OpenReportsCrd;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * OpenReports on the real API server with the OpenReports project's own Report CRD (pinned in
 * hack/openreports-crd.sh): off without the CRD, then a Report per governed namespace whose results follow the
 * sessions' phases, a fail for drift that clears when the map is restored, and no write while nothing changes.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenReportsTest {
    private static final Logger LOG = Logger.getLogger(OpenReportsTest.class);
    static final Duration WITHIN = Duration.ofSeconds(30);
    static final ResourceDefinitionContext REPORTS = new ResourceDefinitionContext.Builder().withGroup("openreports.io")
            .withVersion("v1alpha1").withKind("Report").withPlural("reports").withNamespaced(true).build();
    static final String TIER_LABEL = "agentpolicy.io/tier";
    static final KubernetesClient client = TestCluster.get().admin();

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @AfterAll
    static void removeTheExampleSessionsAndTheCrd() {
        ExamplesRun.removeSessions(client);
        // Other test classes run without Reports, as a cluster without OpenReports does.
        OpenReportsCrd.remove();
    }

    @Test
    @Order(1)
    void withoutTheCrdReportsAreOffAndSessionsAreStillDecided() {
        OpenReportsCrd.remove();
        await().atMost(WITHIN).until(() -> reportsActive() == 0.0);
        String tier = unique("noreports");
        applyPolicy(client, unique("noreports"), "tiers: [" + tier + "]\nmodes: {default: plan}");
        String namespace = createNamespace(client, unique("noreports"), TIER_LABEL, tier).getMetadata().getName();
        createSession(namespace, "plain", "plan");
        await().atMost(WITHIN).until(() -> "Admitted:plan".equals(ExamplesRun.outcomeOf(ExamplesRun.session(client, namespace + "/plain"))));
        assertThat(reportsActive()).isZero();
    }

    @Test
    @Order(2)
    void theExamplesGiveEveryGovernedNamespaceAReportThatFollowsItsSessions() {
        OpenReportsCrd.install();
        await().atMost(WITHIN).until(() -> reportsActive() == 1.0);
        ExamplesRun.removeSessions(client);
        ExamplesRun.applyPoliciesThenSessions(client);

        Map<String, String> expected = ExampleSessions.OUTCOMES.entrySet().stream().collect(Collectors.toMap(
                e -> e.getKey(), e -> switch (e.getValue().split(":")[0]) {
                    case "Admitted" -> "pass";
                    case "Downgraded" -> "warn";
                    default -> "fail";
                }));
        for (String namespace : List.of("payments", "orders", "analytics", "sandbox")) {
            await().atMost(WITHIN).untilAsserted(() -> {
                GenericKubernetesResource report = report(namespace);
                assertThat(report).as(namespace).isNotNull();
                assertThat(report.get("scope", "kind").toString()).isEqualTo("Namespace");
                assertThat(report.get("scope", "name").toString()).isEqualTo(namespace);
                Map<String, String> decisions = results(report).stream().filter(r -> NamespaceReport.DECISION_POLICY.equals(r.get("policy")))
                        .collect(Collectors.toMap(r -> namespace + "/" + r.get("rule"), r -> (String) r.get("result")));
                assertThat(decisions).isEqualTo(expected.entrySet().stream().filter(e -> e.getKey().startsWith(namespace + "/"))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
                assertThat(results(report)).filteredOn(r -> NamespaceReport.DRIFT_POLICY.equals(r.get("policy")))
                        .extracting(r -> r.get("rule") + "=" + r.get("result")).containsExactly("agent-managed-settings=pass");
                Map<String, Long> counted = results(report).stream().collect(Collectors.groupingBy(r -> (String) r.get("result"), Collectors.counting()));
                for (String result : List.of("pass", "warn", "fail")) {
                    assertThat(((Number) report.get("summary", result)).longValue()).as(namespace + " " + result)
                            .isEqualTo(counted.getOrDefault(result, 0L));
                }
            });
        }
        // The example agent pod in payments runs under its session's map.
        await().atMost(WITHIN).untilAsserted(() -> assertThat(results(report("payments")))
                .filteredOn(r -> NamespaceReport.PODS_POLICY.equals(r.get("policy")))
                .extracting(r -> r.get("rule") + "=" + r.get("result")).containsExactly("mid-review=pass"));
        assertThat(report("kube-system")).as("an ungoverned namespace without sessions").isNull();
    }

    @Test
    @Order(3)
    void nothingIsWrittenWhileNothingChanges() {
        OpenReportsCrd.install();
        String tier = unique("idle");
        applyPolicy(client, unique("idle"), "tiers: [" + tier + "]\nmodes: {default: plan}");
        String namespace = createNamespace(client, unique("idle"), TIER_LABEL, tier).getMetadata().getName();
        createSession(namespace, "steady", "plan");
        await().atMost(WITHIN).until(() -> report(namespace) != null && results(report(namespace)).size() == 2);
        long writes = TestCluster.get().writeRequests("reports");
        double reconcilesBefore = reportReconciles();

        // An unrelated label on the namespace reconciles it again; its Report stays as it is.
        client.namespaces().withName(namespace).edit(ns -> {
            ns.getMetadata().getLabels().put("team", "platform");
            return ns;
        });
        await().atMost(WITHIN).until(() -> reportReconciles() > reconcilesBefore);
        assertThat(TestCluster.get().writeRequests("reports")).isEqualTo(writes);
    }

    @Test
    @Order(4)
    void aDriftEditAddsAFailThatClearsWhenTheMapIsRestored() {
        OpenReportsCrd.install();
        String tier = unique("drift-report");
        String policy = unique("drift-report");
        String spec = "tiers: [" + tier + "]\nmodes: {default: plan, allowed: [plan, default], disableBypassPermissions: true, disableAuto: true}";
        applyPolicy(client, policy, spec + "\nenforcement: Audit");
        String namespace = createNamespace(client, unique("drift-report"), TIER_LABEL, tier).getMetadata().getName();
        createSession(namespace, "edited", "default");
        await().atMost(WITHIN).until(() -> configMap(client, namespace, "agent-session-edited") != null
                && configMap(client, namespace, "agent-managed-settings") != null);

        // Break-glass edits of both maps; Audit leaves them as they are.
        for (String map : List.of("agent-session-edited", "agent-managed-settings")) {
            Kubectl.Result edit = Kubectl.run(null, "-n", namespace, "patch", "configmap", map, "--type=merge", "-p",
                    "{\"data\":{\"managed-settings.json\":\"{\\n  \\\"permissions\\\": {\\n    \\\"defaultMode\\\": \\\"bypassPermissions\\\"\\n  }\\n}\\n\"}}",
                    "--as=oncall@example.com", "--as-group=system:masters");
            assertThat(edit.succeeded()).as(edit.stderr()).isTrue();
        }
        await().atMost(WITHIN).untilAsserted(() -> assertThat(results(report(namespace)))
                .filteredOn(r -> NamespaceReport.DRIFT_POLICY.equals(r.get("policy")))
                .extracting(r -> r.get("rule") + "=" + r.get("result"))
                .containsExactlyInAnyOrder("agent-session-edited=fail", "agent-managed-settings=fail"));
        assertThat(((Number) report(namespace).get("summary", "fail")).intValue()).isEqualTo(2);

        // Enforce restores both maps: the failures clear.
        applyPolicy(client, policy, spec + "\nenforcement: Enforce");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(results(report(namespace)))
                .filteredOn(r -> NamespaceReport.DRIFT_POLICY.equals(r.get("policy")))
                .extracting(r -> r.get("rule") + "=" + r.get("result"))
                .containsExactly("agent-managed-settings=pass"));
        assertThat(((Number) report(namespace).get("summary", "fail")).intValue()).isZero();
    }

    /**
     * 1,000 sessions in one namespace, half of them downgraded: the Report keeps 100 results, the warnings first, and
     * counts all of them. Takes about a minute of CPU on two cores, so it runs only with -Dreports.scale=true.
     */
    @Test
    @Order(5)
    @EnabledIfSystemProperty(named = "reports.scale", matches = "true")
    void aThousandSessionsInOneNamespaceKeepTheReportBounded() throws Exception {
        OpenReportsCrd.install();
        String tier = unique("crowded");
        applyPolicy(client, unique("crowded"), "tiers: [" + tier + "]\nmodes: {default: plan, allowed: [plan, default, acceptEdits], onViolation: Downgrade}"
                + "\nseniority: {junior: {maxMode: plan}}");
        String namespace = createNamespace(client, unique("crowded"), TIER_LABEL, tier).getMetadata().getName();
        long started = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            createSession(namespace, String.format("session-%04d", i), i % 2 == 0 ? "plan" : "acceptEdits");
        }
        await().atMost(Duration.ofMinutes(5)).until(() -> {
            GenericKubernetesResource report = report(namespace);
            return report != null && ((Number) report.get("summary", "warn")).intValue() == 500
                    && ((Number) report.get("summary", "pass")).intValue() == 501;
        });
        GenericKubernetesResource report = report(namespace);
        int bytes = client.getKubernetesSerialization().asJson(report).getBytes(StandardCharsets.UTF_8).length;
        LOG.infof("Report of 1,000 sessions (501 pass, 500 warn, %d results kept): %,d bytes as stored, %d s after the first create",
                results(report).size(), bytes, Duration.ofNanos(System.nanoTime() - started).toSeconds());
        assertThat(results(report)).hasSize(NamespaceReport.MAX_RESULTS).allMatch(r -> "warn".equals(r.get("result")));
        assertThat(bytes).isLessThan(512 * 1024);
        client.resources(AgentSession.class).inNamespace(namespace).delete();
    }

    private void createSession(String namespace, String name, String mode) {
        client.resource(Resources.load(client, AgentSession.class, """
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: %s, namespace: %s}
                spec: {engineer: admin@example.com, requestedMode: %s, repository: reports-test}
                """.formatted(name, namespace, mode))).create();
    }

    /** Reconciles of the report controller so far (JOSDK's timer of successful executions, per controller). */
    private double reportReconciles() {
        return MetricsScraper.series(metrics).entrySet().stream()
                .filter(e -> e.getKey().startsWith("operator_sdk_controllers_execution_reconcile_success_total{")
                        && e.getKey().contains("controller=\"namespace-report\""))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private double reportsActive() {
        return MetricsScraper.sum(metrics, "agentpolicy_reports_active");
    }

    private static GenericKubernetesResource report(String namespace) {
        return client.genericKubernetesResources(REPORTS).inNamespace(namespace).withName(ReportWriter.REPORT_NAME).get();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(GenericKubernetesResource report) {
        return report == null ? List.of() : (List<Map<String, Object>>) report.getAdditionalProperties().getOrDefault("results", List.of());
    }
}
