package io.agentpolicy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agentpolicy.testing.Helm;
import io.agentpolicy.testing.Kubectl;

/** The chart's alerting rules pass `promtool check rules` (the Debian package `prometheus`; .ci/run installs it). */
class PrometheusRulesTest {
    static final Path ALERTS = Helm.CHART.resolve("files/alerts.yaml");

    @Test
    void promtoolAcceptsTheChartsRules() {
        Kubectl.Result check = promtoolCheck(ALERTS);
        assertThat(check.succeeded()).as(check.stdout() + check.stderr()).isTrue();
        assertThat(check.stdout()).contains("SUCCESS: 4 rules found");
    }

    @Test
    void promtoolRefusesABrokenExpression() throws IOException {
        Path broken = Files.createTempFile("alerts", ".yaml");
        try {
            Files.writeString(broken, Files.readString(ALERTS).replace("> 0", "> > 0"));
            assertThat(promtoolCheck(broken).succeeded()).isFalse();
        } finally {
            Files.delete(broken);
        }
    }

    private static Kubectl.Result promtoolCheck(Path rules) {
        return Kubectl.execute(List.of("promtool", "check", "rules", rules.toString()), null, Map.of());
    }
}
