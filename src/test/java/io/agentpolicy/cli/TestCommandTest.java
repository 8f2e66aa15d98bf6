package io.agentpolicy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** test runs test files and reports PASS or FAIL per case; exit 0 when all pass, 1 on a failure, 2 for a bad file. */
class TestCommandTest {
    private static final String POLICY = """
            apiVersion: agentpolicy.io/v1alpha1
            kind: PermissionPolicy
            metadata: {name: tier-1}
            spec:
              tiers: ["1"]
              modes: {default: plan, allowed: [plan, default]}
              permissions: {deny: ["Bash(rm -rf *)"]}
            """;

    @Test
    void casesCanNameApprovalsOfTheSessionsException() {
        Cli.Result result = Cli.run("test", "src/test/resources/cli/exceptions/exception-tests.yaml");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("PASS  the CTO and a code owner admit it", "PASS  lapsed eight hours after the last approval")
                .endsWith("test: 5 passed, 0 failed\n");
    }

    @Test
    void approvalsNeedTheSessionAsAFile(@TempDir Path dir) throws IOException {
        Files.copy(Path.of("src/test/resources/cli/exceptions/tier-1.yaml"), dir.resolve("tier-1.yaml"));
        Files.writeString(dir.resolve("t.yaml"), """
                policies: [tier-1.yaml]
                cases:
                  - name: inline session
                    namespace: {tier: "1"}
                    session: {engineer: a@x, requestedMode: bypassPermissions, exception: {reason: hotfix}}
                    approvalFiles: [a.yaml]
                    expect: {phase: PendingApproval}
                """);
        Cli.Result result = Cli.run("test", dir.resolve("t.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("approvals name their session by metadata.name: give the session as sessionFile");
    }

    @Test
    void theExampleTestFilePasses() {
        Cli.Result result = Cli.run("test", "src/test/resources/cli/tests/examples-test.yaml");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("  PASS  a mid engineer asking for acceptEdits in tier 2 is downgraded\n")
                .endsWith("test: 7 passed, 0 failed\n")
                .doesNotContain("FAIL");
    }

    @Test
    void aFailingCaseSaysWhatDiffered(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path tests = Files.writeString(dir.resolve("tests.yaml"), """
                policies: [policy.yaml]
                cases:
                  - name: acceptEdits is admitted
                    namespace: {tier: "1"}
                    session: {engineer: a@example.com, requestedMode: acceptEdits}
                    expect: {phase: Admitted, effectiveMode: acceptEdits}
                  - name: the baseline
                    namespace: {tier: "1"}
                    expect:
                      rendered: |
                        {
                          "permissions": {
                            "defaultMode": "default",
                            "deny": [
                              "Bash(rm -rf *)"
                            ],
                            "disableBypassPermissionsMode": "disable"
                          }
                        }
                """);

        Cli.Result result = Cli.run("test", tests.toString());

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_INVALID);
        assertThat(result.out()).isEqualTo(tests + "\n" + """
                  FAIL  acceptEdits is admitted
                          expected phase Admitted, got Denied
                          expected effectiveMode acceptEdits, got none
                          decided: Denied as none: tier 1 does not allow acceptEdits (policy tier-1); denied
                  FAIL  the baseline
                          rendered managed-settings.json differs from the inline expectation (- expected, + rendered):
                            {
                          +   "disableAutoMode": "disable",
                              "permissions": {
                          -     "defaultMode": "default",
                          +     "ask": [
                          +       "Bash",
                          +       "Edit",
                          +       "NotebookEdit",
                          +       "Write"
                          +     ],
                          +     "defaultMode": "plan",
                                "deny": [
                                  "Bash(rm -rf *)"
                            ...
                test: 0 passed, 2 failed
                """);
    }

    @Test
    void invalidPoliciesUnderTestFailTheRun(@TempDir Path dir) throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY.replace("Bash(rm -rf *)", "Bash(rm -rf *"));
        Path tests = Files.writeString(dir.resolve("tests.yaml"), "policies: [policy.yaml]\ncases:\n  - name: baseline\n"
                + "    namespace: {tier: \"1\"}\n    expect: {rendered: \"{}\"}\n");

        Cli.Result result = Cli.run("test", tests.toString());

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_INVALID);
        assertThat(result.errorLines()).singleElement().asString().startsWith(policy + ":7: error: PermissionPolicy tier-1:");
    }

    @Test
    void aMalformedTestFileIsAUsageError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path noPolicies = Files.writeString(dir.resolve("no-policies.yaml"), "cases: []\n");
        Path badPhase = Files.writeString(dir.resolve("bad-phase.yaml"), "policies: [policy.yaml]\ncases:\n  - name: x\n"
                + "    namespace: {tier: \"1\"}\n    session: {engineer: a@example.com}\n    expect: {phase: Accepted}\n");
        Path missingExpected = Files.writeString(dir.resolve("missing-expected.yaml"), "policies: [policy.yaml]\ncases:\n"
                + "  - name: x\n    namespace: {tier: \"1\"}\n    expect: {renderedFile: nowhere.json}\n");
        Path badSession = Files.writeString(dir.resolve("bad-session.yaml"), "policies: [policy.yaml]\ncases:\n  - name: x\n"
                + "    namespace: {tier: \"1\"}\n    session: {engineer: a@example.com, requestedMode: yolo}\n"
                + "    expect: {phase: Denied}\n");

        assertThat(Cli.run("test", noPolicies.toString()).err())
                .isEqualTo("error: " + noPolicies + ":1: policies is required\n");
        assertThat(Cli.run("test", badPhase.toString()).err()).isEqualTo("error: " + badPhase
                + ":6: cases[0].expect.phase: \"Accepted\" is not one of Pending, PendingApproval, Admitted, Downgraded, Denied, Expired\n");
        assertThat(Cli.run("test", missingExpected.toString()).err()).startsWith("error: ")
                .contains("nowhere.json: no such file");
        assertThat(Cli.run("test", badSession.toString()).err()).isEqualTo("error: " + badSession
                + ":5: cases[0].session.requestedMode: \"yolo\" is not one of plan, default, dontAsk, acceptEdits, auto, "
                + "bypassPermissions\n");
        assertThat(Cli.run("test", badPhase.toString()).exitCode()).isEqualTo(AgentPolicyCli.EXIT_CANNOT_RUN);
    }
}
