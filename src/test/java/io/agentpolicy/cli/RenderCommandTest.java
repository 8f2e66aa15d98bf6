package io.agentpolicy.cli;

import static io.agentpolicy.testing.Resources.readResource;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * render prints the operator's baseline map. The expected bytes are the committed fixtures that NamespaceBaselineTest
 * proves the operator writes on a real API server.
 */
class RenderCommandTest {

    @ParameterizedTest(name = "tier {0}")
    @ValueSource(strings = { "1", "2", "3", "4" })
    void rendersTheExamplesByteForByteAsTheOperatorWritesThem(String tier) {
        Cli.Result result = Cli.run("render", "examples/policies", "--tier", tier);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(readResource("fixtures/baseline/tier-" + tier + ".json"));
        assertThat(result.err()).isEmpty();
    }

    @Test
    void takesTheNamespaceFromANamespaceFile() {
        Cli.Result result = Cli.run("render", "examples/policies", "--namespace-file", "examples/namespaces.yaml", "-n", "analytics");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(readResource("fixtures/baseline/tier-3.json"));
    }

    @Test
    void takesANamespaceAmongTheInputsByName() {
        Cli.Result result = Cli.run("render", "examples", "-n", "sandbox");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(readResource("fixtures/baseline/tier-4.json"));
    }

    @Test
    void readsTheTierFromAConfiguredLabel() {
        Cli.Result result = Cli.run("render", "examples/policies", "--tier-label", "example.com/risk", "--label", "example.com/risk=2");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(readResource("fixtures/baseline/tier-2.json"));
    }

    @Test
    void saysThereIsNoMapForANamespaceWithoutTierLabel() {
        Cli.Result result = Cli.run("render", "examples/policies", "-n", "scratch", "--label", "team=payments");

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_INVALID);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("error: namespace scratch has no agentpolicy.io/tier label, so the operator writes no "
                + "baseline map for it (sessions there are decided as tier 1)\n");
    }

    @Test
    void saysThereIsNoMapForATierNoPolicyGoverns() {
        Cli.Result result = Cli.run("render", "examples/policies", "--tier", "9");

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_INVALID);
        assertThat(result.err()).contains("no PermissionPolicy governs namespace unnamed, tier 9");
    }

    @Test
    void refusesToRenderFromAnInvalidPolicy(@TempDir Path dir) throws IOException {
        Path policy = Files.writeString(dir.resolve("tier-1.yaml"), """
                apiVersion: agentpolicy.io/v1alpha1
                kind: PermissionPolicy
                metadata: {name: tier-1-strict}
                spec:
                  tiers: ["1"]
                  permissions:
                    deny: ["Bash(rm -rf *"]
                """);

        Cli.Result result = Cli.run("render", "examples/policies", policy.toString(), "--tier", "1");

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_INVALID);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith(policy + ":7: error: PermissionPolicy tier-1-strict: spec.permissions.deny[0]: rule ")
                .contains("nothing was evaluated");
    }

    @Test
    void rendersDespiteMergeConflictsAndReportsThemOnStandardError(@TempDir Path dir) throws IOException {
        Path policies = Files.writeString(dir.resolve("models.yaml"), """
                apiVersion: agentpolicy.io/v1alpha1
                kind: PermissionPolicy
                metadata: {name: a-opus}
                spec: {tiers: ["1"], settings: {model: opus}}
                ---
                apiVersion: agentpolicy.io/v1alpha1
                kind: PermissionPolicy
                metadata: {name: b-sonnet}
                spec: {tiers: ["1"], priority: 5, settings: {model: sonnet}}
                """);

        Cli.Result result = Cli.run("render", policies.toString(), "--tier", "1");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("\"model\": \"sonnet\"");
        assertThat(result.err()).isEqualTo("warning: settings /model: policies b-sonnet (priority 5) and a-opus (priority 0) "
                + "disagree; b-sonnet wins (higher priority)\n");
    }

    @Test
    void anEmergencyOverrideLowersTheDefaultModeUntilItLapses(@TempDir Path dir) throws IOException {
        Path policy = Files.writeString(dir.resolve("incident.yaml"), """
                apiVersion: agentpolicy.io/v1alpha1
                kind: PermissionPolicy
                metadata: {name: tier-3-incident}
                spec:
                  tiers: ["3"]
                  modes: {default: acceptEdits}
                  emergencyOverride: {maxMode: plan, reason: INC-1234, expiresAt: "2026-11-21T12:00:00Z"}
                """);

        Cli.Result during = Cli.run("render", policy.toString(), "--tier", "3", "--now", "2026-11-21T10:00:00Z");
        Cli.Result after = Cli.run("render", policy.toString(), "--tier", "3", "--now", "2026-11-21T12:00:00Z");

        assertThat(during.out()).as(during.toString()).contains("\"defaultMode\": \"plan\"");
        assertThat(after.out()).as(after.toString()).contains("\"defaultMode\": \"acceptEdits\"");
    }

    @Test
    void asksWhichNamespaceWhenAFileHoldsSeveral() {
        Cli.Result result = Cli.run("render", "examples/policies", "--namespace-file", "examples/namespaces.yaml");

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_CANNOT_RUN);
        assertThat(result.err()).isEqualTo("error: examples/namespaces.yaml holds several Namespaces "
                + "(payments, orders, analytics, sandbox); pick one with -n NAME\n");
    }
}
