package io.agentpolicy.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.testing.ExamplesRun;
import io.agentpolicy.testing.Helm;
import io.agentpolicy.testing.MetricsScraper;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.PrometheusServer;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The chart's Grafana dashboard and alerts against a real Prometheus scraping the operator through the examples (run
 * twice, so that every counter also grows while scraped): every panel's query returns its series, as Grafana would
 * ask for them, and every alerting rule loads and evaluates without error.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class DashboardTest {
    private static final Logger LOG = Logger.getLogger(DashboardTest.class);
    static final Path DASHBOARD = Helm.CHART.resolve("files/dashboard.json");
    static final Path ALERTS = Helm.CHART.resolve("files/alerts.yaml");
    static final Duration WITHIN = Duration.ofSeconds(60);
    /** Grafana's interval variables, as a window that holds the second round of the examples (samples are 1 s apart). */
    static final Map<String, String> GRAFANA_VARIABLES = Map.of("$__rate_interval", "2m", "$__interval", "2m", "$__range", "2m");
    static final KubernetesClient client = TestCluster.get().admin();

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @AfterAll
    static void removeTheExampleSessions() {
        ExamplesRun.removeSessions(client);
    }

    @Test
    void everyPanelQueryReturnsItsSeriesAndEveryAlertEvaluates() throws Exception {
        try (PrometheusServer prometheus = PrometheusServer.scraping(metrics, ALERTS)) {
            await().atMost(WITHIN).until(() -> prometheus.query("up{job=\"" + PrometheusServer.JOB + "\"} == 1").path("result").size() == 1);
            for (int round = 0; round < 2; round++) {
                ExamplesRun.removeSessions(client);
                ExamplesRun.applyPoliciesThenSessions(client);
                ExamplesRun.approveTheExampleException(client);
                ExamplesRun.editTheReviewSessionMap(client);
            }
            recordACriticalIncidentOfASenior();
            // Prometheus has the operator's last figures once its newest sample of a counter equals a fresh scrape.
            String corrected = MetricsScraper.key("agentpolicy_drift_corrected_total", "tier", "1");
            double correctedNow = await().atMost(WITHIN).until(() -> MetricsScraper.series(metrics).get(corrected), v -> v != null && v >= 2);
            await().atMost(WITHIN).until(() -> valueOf(prometheus.query("agentpolicy_drift_corrected_total{tier=\"1\"}")) == correctedNow);
            // A counter born during the run has a rate once Prometheus holds two samples of it.
            for (String counter : List.of("agentpolicy_incidents_total", "agentpolicy_escalations_total")) {
                await().atMost(WITHIN).until(() -> valueOf(prometheus.query("count_over_time(" + counter + "[2m])")) >= 2);
            }

            List<String> checked = new ArrayList<>();
            for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels")) {
                String title = panel.get("title").asText();
                for (JsonNode target : panel.get("targets")) {
                    String query = withGrafanaVariables(target.get("expr").asText());
                    JsonNode result = prometheus.query(query).get("result");
                    assertThat(result).as("panel '%s': %s", title, query).isNotEmpty();
                    checked.add(title);
                }
            }
            assertThat(new TreeSet<>(checked)).hasSize(10);

            // The running sessions panel shows each example session's mode and tier.
            Set<String> running = new TreeSet<>();
            prometheus.query(withGrafanaVariables(firstQuery("Running sessions by mode and tier"))).get("result").forEach(series -> {
                if (series.get("value").get(1).asDouble() > 0) {
                    running.add(series.get("metric").get("tier").asText() + ":" + series.get("metric").get("mode").asText());
                }
            });
            assertThat(running).containsAll(List.of("4:acceptEdits", "2:default", "2:acceptEdits", "1:default", "3:plan",
                    "4:bypassPermissions", "1:bypassPermissions"));
            // Downgrades happened (orders/mid-bugfix in tier 2, analytics/senior-migration in tier 3) while scraped.
            Map<String, Double> downgraded = valuesByTier(prometheus, "Downgrade and deny rate");
            // rate() extrapolates each series over its own samples: the share is about, not exactly, a half.
            assertThat(downgraded.get("2")).as("tier 2: one of its two sessions downgraded").isCloseTo(0.5, offset(0.15));
            assertThat(downgraded.get("3")).as("tier 3: its one session downgraded").isEqualTo(1.0);
            assertThat(downgraded.get("4")).as("tier 4: both admitted").isZero();
            // The second round's approval came seconds after its session: the median lies in the first bucket (1 minute).
            assertThat(valuesByTier(prometheus, "Time to approval").get("1")).isPositive().isLessThanOrEqualTo(60.0);

            for (JsonNode group : prometheus.rules().get("groups")) {
                for (JsonNode rule : group.get("rules")) {
                    assertThat(rule.get("health").asText()).as(rule.get("name").asText() + ": " + rule.path("lastError").asText()).isEqualTo("ok");
                }
            }
            JsonNode firing = prometheus.query("ALERTS{alertstate=\"firing\",alertname=\"AgentPolicyOperatorDown\"}").get("result");
            assertThat(firing).as("the operator is up").isEmpty();
        }
    }

    /**
     * A senior's session in a tier-2 namespace of its own and a critical incident of theirs there: the standing escalates
     * them (org-baseline's table), which the incidents and escalations panels show. No example session is touched.
     */
    private void recordACriticalIncidentOfASenior() {
        String namespace = Resources.createNamespace(client, Resources.unique("dashboard"), "agentpolicy.io/tier", "2").getMetadata().getName();
        String engineer = namespace + "@example.com";
        client.resource(Resources.loadAll("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: hotfix, namespace: %s}
                spec: {engineer: %s, groups: [eng-senior], requestedMode: acceptEdits, taskType: bugfix}
                """.formatted(namespace, engineer), AgentSession.class).get(0)).create();
        await().atMost(WITHIN).until(() -> "Admitted:acceptEdits".equals(ExamplesRun.outcomeOf(ExamplesRun.session(client, namespace + "/hotfix"))));
        client.resource(Resources.loadAll("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentIncident
                metadata: {name: dropped-table, namespace: %s}
                spec: {engineer: %s, session: hotfix, severity: Critical, occurredAt: "%s", summary: "dropped a table", reportedBy: admin}
                """.formatted(namespace, engineer, Instant.now().minusSeconds(60)), AgentIncident.class).get(0)).create();
        String escalated = MetricsScraper.key("agentpolicy_escalations_total", "direction", "escalated", "tier", "2");
        await().atMost(WITHIN).until(() -> MetricsScraper.series(metrics).getOrDefault(escalated, 0.0) >= 1);
        // The counters stay; the session goes, so that the session gauges of the tests after this one count the examples only.
        client.resources(AgentSession.class).inNamespace(namespace).withName("hotfix").delete();
        await().atMost(WITHIN).until(() -> ExamplesRun.session(client, namespace + "/hotfix") == null);
    }

    private static String firstQuery(String title) throws IOException {
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels")) {
            if (title.equals(panel.get("title").asText())) {
                return panel.get("targets").get(0).get("expr").asText();
            }
        }
        throw new IllegalArgumentException("no panel " + title);
    }

    private static Map<String, Double> valuesByTier(PrometheusServer prometheus, String title) throws IOException {
        Map<String, Double> byTier = new TreeMap<>();
        prometheus.query(withGrafanaVariables(firstQuery(title))).get("result")
                .forEach(series -> byTier.put(series.get("metric").get("tier").asText(), series.get("value").get(1).asDouble()));
        return byTier;
    }

    private static String withGrafanaVariables(String expr) {
        String query = expr;
        for (Map.Entry<String, String> variable : GRAFANA_VARIABLES.entrySet()) {
            query = query.replace(variable.getKey(), variable.getValue());
        }
        return query;
    }

    private static double valueOf(JsonNode data) {
        JsonNode result = data.get("result");
        return result.isEmpty() ? Double.NaN : result.get(0).get("value").get(1).asDouble();
    }
}
