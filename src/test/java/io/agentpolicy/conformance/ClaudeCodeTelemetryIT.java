package io.agentpolicy.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.SettingsRenderer;

/**
 * Every tool decision of the agent, not only the session's admission, reaches an OpenTelemetry collector when a
 * policy's managed {@code env} turns Claude Code's telemetry on (issue 17, item 4, with today's {@code settings.env};
 * a typed {@code spec.telemetry} with per-session attributes is to come). Checked with the real client: a map
 * rendered by the engine, a Bash call the policy denies, and a local OTLP/HTTP receiver that must get the
 * {@code tool_decision} event with the resource attributes the map names, also when the user's environment tries to
 * turn telemetry off.
 */
class ClaudeCodeTelemetryIT {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath();
    private static final PolicyEngine ENGINE = new PolicyEngine(EngineConfig.defaults());
    /** What a user might set to keep their agent quiet; the managed env must win. */
    private static final Map<String, String> TURNED_OFF = Map.of("CLAUDE_CODE_ENABLE_TELEMETRY", "0", "OTEL_LOGS_EXPORTER", "none",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", "OTEL_RESOURCE_ATTRIBUTES", "agentpolicy.tier=none");

    @ParameterizedTest(name = "user environment turns telemetry off: {0}")
    @ValueSource(booleans = { false, true })
    void aDeniedToolCallIsExportedAsAToolDecisionWithTheMapsAttributes(boolean userTriesToTurnItOff) throws Exception {
        ClaudeCode claude = ClaudeCode.installed(REPOSITORY);
        try (OtlpReceiver collector = new OtlpReceiver();
                ScriptedModel model = new ScriptedModel(List.of(
                        new ScriptedModel.ToolCall("Bash", Map.of("command", "touch marker", "description", "create a file"))))) {
            PermissionPolicy policy = new ObjectMapper(new YAMLFactory()).readValue("""
                    metadata: {name: tier-1-telemetry}
                    spec:
                      tiers: ["1"]
                      modes: {default: default, allowed: [plan, default]}
                      permissions: {deny: ["Bash(touch *)"]}
                      settings:
                        env:
                          CLAUDE_CODE_ENABLE_TELEMETRY: "1"
                          OTEL_LOGS_EXPORTER: otlp
                          OTEL_EXPORTER_OTLP_PROTOCOL: http/json
                          OTEL_EXPORTER_OTLP_ENDPOINT: "%s"
                          OTEL_LOGS_EXPORT_INTERVAL: "200"
                          OTEL_RESOURCE_ATTRIBUTES: "agentpolicy.tier=1,k8s.namespace.name=payments"
                    """.formatted(collector.endpoint()), PermissionPolicy.class);
            assertThat(ENGINE.validate(policy, null).errors()).isEmpty();
            String map = SettingsRenderer.renderSession(ENGINE.merge(List.of(policy), Instant.now()), PermissionMode.DEFAULT).json();

            Path scratch = Files.createTempDirectory("claude-telemetry-");
            try {
                ClaudeCode.Run run = claude.run(map, model, scratch, List.of(), userTriesToTurnItOff ? TURNED_OFF : Map.of());
                assertThat(run.deniedToolUseIds()).as(run.stdout() + run.stderr()).containsExactly("toolu_0");
            } finally {
                ClaudeCode.delete(scratch);
            }
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(collector.events("tool_decision"))
                    .anySatisfy(event -> assertThat(event)
                            .containsEntry("tool_name", "Bash")
                            .containsEntry("decision", "reject")
                            .containsEntry("source", "config")
                            .containsEntry("permission_mode", "default")
                            .containsEntry("resource.agentpolicy.tier", "1")
                            .containsEntry("resource.k8s.namespace.name", "payments")));
        }
    }
}
