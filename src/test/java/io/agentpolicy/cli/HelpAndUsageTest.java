package io.agentpolicy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command explains itself with --help; usage mistakes are one line and exit 2. */
class HelpAndUsageTest {

    @ParameterizedTest(name = "{0} --help")
    @ValueSource(strings = { "render", "decide", "check", "test" })
    void everyCommandHasHelpWithItsExitCodes(String command) {
        Cli.Result result = Cli.run(command, "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: agentpolicy " + command).contains("Examples:", "  agentpolicy " + command + " ")
                .contains("Exit codes:");
    }

    @Test
    void theTopLevelHelpListsTheCommands() {
        Cli.Result result = Cli.run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("render", "decide", "check", "test");
    }

    @Test
    void withoutACommandItSaysWhichThereAre() {
        Cli.Result result = Cli.run();

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_CANNOT_RUN);
        assertThat(result.errorLines()).containsExactly("error: name a command: render, decide, check or test");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Cli.Result result = Cli.run("check", "--strict", "examples");

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_CANNOT_RUN);
        assertThat(result.errorLines()).containsExactly("error: Unknown option: '--strict'");
        assertThat(result.err()).contains("Run 'agentpolicy check --help' for usage.");
    }

    @Test
    void aTimestampThatIsNotRfc3339IsAUsageError() {
        Cli.Result result = Cli.run("render", "examples/policies", "--tier", "1", "--now", "yesterday");

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_CANNOT_RUN);
        assertThat(result.err()).isEqualTo("error: --now \"yesterday\" is not an RFC 3339 timestamp; write e.g. 2026-11-21T10:00:00Z\n");
    }

    @Test
    void renderNeedsToKnowTheNamespace() {
        Cli.Result result = Cli.run("render", "examples/policies");

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_CANNOT_RUN);
        assertThat(result.err()).startsWith("error: say which namespace to evaluate in");
    }
}
