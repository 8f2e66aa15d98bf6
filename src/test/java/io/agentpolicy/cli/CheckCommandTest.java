package io.agentpolicy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** check validates policy repositories for CI: findings at file:line, exit 0 when clean, 1 on any error. */
class CheckCommandTest {
    private static final String CONFLICTING = """
            apiVersion: agentpolicy.io/v1alpha1
            kind: PermissionPolicy
            metadata: {name: a-opus}
            spec:
              tiers: ["1", "2"]
              settings:
                model: opus
            ---
            apiVersion: agentpolicy.io/v1alpha1
            kind: PermissionPolicy
            metadata: {name: b-sonnet}
            spec:
              tiers: ["2"]
              settings:
                model: sonnet
            """;

    @Test
    void theExamplesAreClean() {
        Cli.Result result = Cli.run("check", "examples");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("examples/pods/agent-pod.yaml:7: note: Pod mid-review-agent: not an agentpolicy.io object; skipped\n")
                .containsPattern("check: \\d+ PermissionPolicies and \\d+ AgentSessions in \\d+ files: 0 error\\(s\\), 0 warning\\(s\\), \\d+ note\\(s\\)\n$");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void theExampleSessionsAreClean() {
        Cli.Result result = Cli.run("check", "src/test/resources/cli/sessions");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("check: 0 PermissionPolicies and 2 AgentSessions in 2 files");
    }

    @Test
    void aSessionNameTooLongForItsMapIsAnErrorWithTheCrdsMessage(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("session.yaml"), """
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: %s, namespace: payments}
                spec: {engineer: alice@example.com}
                """.formatted("x".repeat(50)));

        Cli.Result result = Cli.run("check", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.out()).contains("metadata.name", "an AgentSession name has at most 49 characters (its ConfigMap "
                + "agent-session-<name> must fit a label value): choose a shorter name");
        assertThat(Cli.run("check", Files.writeString(dir.resolve("session.yaml"), Files.readString(file).replace("x".repeat(50),
                "x".repeat(49))).toString()).exitCode()).isZero();
    }

    @Test
    void reportsEveryFindingAsJsonForMachines(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("policy.yaml"), """
                apiVersion: agentpolicy.io/v1alpha1
                kind: PermissionPolicy
                metadata: {name: tier-1}
                spec:
                  tiers: ["1"]
                  permissions:
                    deny: ["Read(./.env)", "Read(./.env)", "Bash(rm -rf *"]
                """);

        Cli.Result result = Cli.run("check", file.toString(), "--output", "json");

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_INVALID);
        JsonNode report = Json.MAPPER.readTree(result.out());
        assertThat(report.path("counts").toString()).isEqualTo("{\"errors\":1,\"warnings\":1,\"notes\":0,\"files\":1,"
                + "\"permissionPolicies\":1,\"agentSessions\":0}");
        JsonNode error = report.path("findings").get(0);
        assertThat(error.path("file").asText()).isEqualTo(file.toString());
        assertThat(error.path("line").asInt()).isEqualTo(7);
        assertThat(error.path("severity").asText()).isEqualTo("error");
        assertThat(error.path("kind").asText()).isEqualTo("PermissionPolicy");
        assertThat(error.path("name").asText()).isEqualTo("tier-1");
        assertThat(error.path("field").asText()).isEqualTo("spec.permissions.deny[2]");
        assertThat(error.path("message").asText()).contains("unbalanced parentheses");
        assertThat(report.path("findings").get(1).path("severity").asText()).isEqualTo("warning");
        assertThat(report.path("findings").get(1).path("field").asText()).isEqualTo("spec.permissions.deny[1]");
    }

    @Test
    void mergeConflictsAreWarningsAtTheConflictingSetting(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("policies.yaml"), CONFLICTING);

        Cli.Result result = Cli.run("check", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(file + ":7: warning: PermissionPolicy a-opus: spec.settings.model: settings /model: "
                + "policies a-opus (priority 0) and b-sonnet (priority 0) disagree; a-opus wins (name sorts first) (tier 2)\n"
                + "check: 2 PermissionPolicies and 0 AgentSessions in 1 files: 0 error(s), 1 warning(s), 0 note(s)\n");
    }

    @Test
    void aSelectorPolicyIsCheckedAgainstTheNamespacesAmongTheInputs(@TempDir Path dir) throws IOException {
        Path policies = Files.writeString(dir.resolve("policies.yaml"), CONFLICTING + """
                ---
                apiVersion: agentpolicy.io/v1alpha1
                kind: PermissionPolicy
                metadata: {name: c-payments-team}
                spec:
                  namespaceSelector: {matchLabels: {team: payments}}
                  settings: {model: haiku}
                """);
        Path namespaces = Files.writeString(dir.resolve("namespaces.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {agentpolicy.io/tier: "1", team: payments}
                """);

        Cli.Result alone = Cli.run("check", policies.toString());
        Cli.Result withNamespaces = Cli.run("check", policies.toString(), namespaces.toString());

        assertThat(alone.out()).contains(policies + ":21: note: PermissionPolicy c-payments-team: spec.namespaceSelector: "
                + "conflicts with other policies could not be checked");
        assertThat(withNamespaces.out()).doesNotContain("note:")
                .contains("settings /model: policies a-opus (priority 0) and c-payments-team (priority 0) disagree; a-opus wins "
                        + "(name sorts first) (namespace payments)");
        assertThat(withNamespaces.exitCode()).isZero();
    }

    @Test
    void aTaskTypeDifferingFromAPolicysOnlyInCaseIsAWarning(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("inputs.yaml"), """
                apiVersion: agentpolicy.io/v1alpha1
                kind: PermissionPolicy
                metadata: {name: org}
                spec:
                  tiers: ["1"]
                  taskOverrides: [{taskTypes: [payments], maxMode: plan}]
                ---
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: s, namespace: payments}
                spec:
                  engineer: alice@example.com
                  taskType: Payments
                """);

        Cli.Result result = Cli.run("check", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith(file + ":13: warning: AgentSession s: spec.taskType: \"Payments\" differs only in case "
                + "from \"payments\" in taskOverrides of PermissionPolicy org; task types match ignoring case, so that cap (plan) "
                + "applies; spell it \"payments\"\n");
    }

    @Test
    void otherKindsAreSkippedWithANote(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("mixed.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: unrelated}
                ---
                apiVersion: agentpolicy.io/v1alpha1
                kind: PermissionPolicy
                metadata: {name: tier-1}
                spec: {tiers: ["1"]}
                """);

        Cli.Result result = Cli.run("check", file.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith(file + ":1: note: ConfigMap unrelated: not an agentpolicy.io object; skipped\n");
    }

    @Test
    void theEnginesWarningsDoNotFailTheCheck(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("policy.yaml"), """
                apiVersion: agentpolicy.io/v1alpha1
                kind: PermissionPolicy
                metadata: {name: tier-1}
                spec:
                  tiers: ["1"]
                  settings:
                    modle: opus
                """);

        Cli.Result result = Cli.run("check", file.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith(file + ":7: warning: PermissionPolicy tier-1: spec.settings.modle: Claude Code does not "
                + "know settings key modle");
    }

    @Test
    void reportsEveryBrokenFileNotJustTheFirst(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "apiVersion: agentpolicy.io/v1alpha1\nkind: PermissionPolicy\nmetadata: {name: a}\n"
                + "spec: {tiers: [\"1\"], modes: {default: fast}}\n");
        Files.writeString(dir.resolve("b.yaml"), "tiers: [\n");

        Cli.Result result = Cli.run("check", dir.toString());

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_INVALID);
        assertThat(result.errorLines()).hasSize(2)
                .anySatisfy(line -> assertThat(line).startsWith(dir.resolve("a.yaml") + ":4: error:"))
                .anySatisfy(line -> assertThat(line).startsWith(dir.resolve("b.yaml") + ":2: error: YAML syntax"));
    }
}
