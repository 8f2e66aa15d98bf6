package io.agentpolicy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of broken input gives exactly one error line that names the file (and the line, where there is one),
 * never a stack trace, and the documented exit code: 1 for a file that was read but is wrong, 2 for one that cannot
 * be used at all.
 */
class MalformedInputTest {
    private static final String HEADER = "apiVersion: agentpolicy.io/v1alpha1\nkind: PermissionPolicy\nmetadata:\n  name: p\n";
    private static final String VALID_POLICY = HEADER + "spec:\n  tiers: [\"1\"]\n";

    /** Writes the input into a fresh directory and returns the command line; "FILE" stands for the input's path. */
    interface Input {
        String[] prepare(Path dir) throws IOException;
    }

    /**
     * @param name what is wrong
     * @param input the files and the command
     * @param exitCode 1 (read but wrong) or 2 (cannot be used)
     * @param location the file name the error line must name, with ":line" where the problem has a line
     * @param says a fragment of the message
     */
    record Case(String name, Input input, int exitCode, String location, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> malformedInputs() {
        return Stream.of(
                checked("broken YAML: a key indented out of its mapping", HEADER + "spec:\n  tiers: [\"1\"]\n    modes: {}\n",
                        "bad.yaml:7", "YAML syntax"),
                checked("broken YAML: an unclosed flow list", HEADER + "spec:\n  tiers: [\"1\"\n", "bad.yaml:7", "YAML syntax"),
                checked("broken YAML: a tab in the indentation", HEADER + "spec:\n\ttiers: [\"1\"]\n", "bad.yaml:6", "YAML syntax"),
                checked("a key written twice", VALID_POLICY + "  tiers: [\"2\"]\n", "bad.yaml:7", "duplicate key \"tiers\""),
                new Case("a document of another kind only", dir -> args(write(dir, "bad.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"), "check"), 2, "bad.yaml:",
                        "no PermissionPolicy or AgentSession"),
                checked("a document without apiVersion", "kind: PermissionPolicy\nmetadata: {name: p}\nspec: {tiers: [\"1\"]}\n",
                        "bad.yaml:1", "has no apiVersion"),
                checked("a document without kind", "apiVersion: agentpolicy.io/v1alpha1\nmetadata: {name: p}\n", "bad.yaml:1",
                        "has no kind"),
                checked("a document that is a list", "- tiers: [\"1\"]\n", "bad.yaml:1", "is a list, not a Kubernetes object"),
                checked("an apiVersion the CRD does not serve", VALID_POLICY.replace("v1alpha1", "v1"), "bad.yaml:1",
                        "is served as agentpolicy.io/v1alpha1"),
                checked("an unknown agentpolicy kind", VALID_POLICY.replace("kind: PermissionPolicy", "kind: PermissionPolicies"),
                        "bad.yaml:2", "unknown kind PermissionPolicies"),
                checked("an unknown mode", VALID_POLICY + "  modes: {default: fast}\n", "bad.yaml:7",
                        "\"fast\" is not one of plan, default, dontAsk, acceptEdits, auto, bypassPermissions"),
                checked("an unknown requested mode in a session", "apiVersion: agentpolicy.io/v1alpha1\nkind: AgentSession\n"
                        + "metadata: {name: s, namespace: payments}\nspec:\n  engineer: alice@example.com\n  requestedMode: yolo\n",
                        "bad.yaml:6", "\"yolo\" is not one of"),
                checked("a lock written as the string \"disable\"", VALID_POLICY + "  modes:\n    disableBypassPermissions: disable\n",
                        "bad.yaml:8", "must be a boolean, got \"disable\""),
                checked("a lock written as a boolean in settings", VALID_POLICY + "  settings:\n    disableAutoMode: true\n",
                        "bad.yaml:8", "owned by spec.modes.disableAuto"),
                checked("a rule with unbalanced parentheses", VALID_POLICY + "  permissions:\n    deny: [\"Bash(rm -rf *\"]\n",
                        "bad.yaml:8", "unbalanced parentheses"),
                checked("a settings value of the wrong type", VALID_POLICY + "  settings:\n    model: 3\n", "bad.yaml:8",
                        "must be a string, got 3"),
                checked("an unknown field", VALID_POLICY + "  tier: [\"1\"]\n", "bad.yaml:7",
                        "unknown field \"tier\" (the API server would drop it)"),
                checked("a tier written as a number", HEADER + "spec:\n  tiers: [1]\n", "bad.yaml:6", "quote it: \"1\""),
                checked("a default mode outside the allowed modes", VALID_POLICY + "  modes: {default: acceptEdits, allowed: [plan]}\n",
                        "bad.yaml:7", "is not in modes.allowed"),
                checked("an expiry that is not a timestamp", VALID_POLICY + "  emergencyOverride:\n    reason: INC-1\n"
                        + "    expiresAt: tomorrow\n", "bad.yaml:9", "is not an RFC 3339 timestamp"),
                new Case("an emergency override longer than 24 hours", dir -> args(write(dir, "bad.yaml", VALID_POLICY
                        + "  emergencyOverride:\n    reason: INC-1\n    expiresAt: \"2026-11-23T10:00:00Z\"\n"),
                        "check", "--now", "2026-11-21T10:00:00Z"), 1, "bad.yaml:9", "may last at most 24 hours"),
                checked("an invalid object name", VALID_POLICY.replace("name: p", "name: Tier_1"), "bad.yaml:4",
                        "must be a lowercase DNS name"),
                checked("a policy without spec", HEADER, "bad.yaml:1", "spec is required"),
                checked("a policy name used twice", VALID_POLICY + "---\n" + VALID_POLICY, "bad.yaml:11",
                        "is also the name of PermissionPolicy p ("),
                checked("a number JSON cannot hold", VALID_POLICY + "  priority: .inf\n", "bad.yaml:7", "cannot be written in JSON"),
                checked("an empty file", "", "bad.yaml:", "is empty"),
                checked("a file of comments only", "# nothing here yet\n", "bad.yaml:", "is empty"),
                new Case("a file that is not UTF-8", dir -> {
                    Path file = dir.resolve("bad.yaml");
                    Files.write(file, (VALID_POLICY + "  # caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));
                    return args(file, "check");
                }, 1, "bad.yaml:7", "is not UTF-8 text"),
                new Case("a directory with no policies", dir -> {
                    Files.createDirectory(dir.resolve("empty"));
                    return new String[] { "check", dir.resolve("empty").toString() };
                }, 2, "empty:", "no PermissionPolicy or AgentSession found in 0 YAML files"),
                new Case("a 10 MB file", dir -> {
                    Path file = dir.resolve("bad.yaml");
                    Files.write(file, ("# padding\n").repeat(1024 * 1024).getBytes(StandardCharsets.UTF_8));
                    return args(file, "check");
                }, 2, "bad.yaml:", "is 10.0 MiB; files over 4 MiB are not read"),
                // Tests run as root, for whom file permissions never fail a read; /proc/self/mem opens for anyone but
                // reading its first page fails with EIO, so a link to it is a file whose read really throws.
                new Case("a file whose read fails", dir -> args(Files.createSymbolicLink(dir.resolve("bad.yaml"),
                        Path.of("/proc/self/mem")), "check"), 2, "bad.yaml:", "cannot be read: Input/output error"),
                new Case("a file that does not exist", dir -> args(dir.resolve("bad.yaml"), "check"), 2, "bad.yaml:",
                        "no such file or directory"),
                new Case("a namespace label that is a number", dir -> {
                    Path policy = write(dir, "policy.yaml", VALID_POLICY);
                    Path namespace = write(dir, "bad.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n"
                            + "  labels:\n    agentpolicy.io/tier: 1\n");
                    return new String[] { "render", policy.toString(), "--namespace-file", namespace.toString() };
                }, 1, "bad.yaml:6", "label values must be strings"),
                new Case("a session path that is a directory", dir -> {
                    Path policy = write(dir, "policy.yaml", VALID_POLICY);
                    Files.createDirectory(dir.resolve("bad.yaml"));
                    return new String[] { "decide", policy.toString(), "--session", dir.resolve("bad.yaml").toString(), "--tier", "1" };
                }, 2, "bad.yaml:", "is a directory; a file is expected here"),
                new Case("a test file with an unknown key", dir -> {
                    write(dir, "policy.yaml", VALID_POLICY);
                    Path tests = write(dir, "bad.yaml", "policies: [policy.yaml]\ncases:\n  - name: tier 1\n"
                            + "    namespace: {tier: \"1\"}\n    expct: {phase: Admitted}\n");
                    return new String[] { "test", tests.toString() };
                }, 2, "bad.yaml:5", "cases[0].expct: unknown key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedInputs")
    void reportsOneLineNamingTheFileAndExitsWithTheRightCode(Case malformed, @TempDir Path dir) throws IOException {
        Cli.Result result = Cli.run(malformed.input().prepare(dir));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(malformed.exitCode());
        assertThat(result.errorLines()).as(result.toString()).singleElement()
                .satisfies(line -> assertThat(line).contains(dir.resolve(malformed.location()).toString()).contains(malformed.says()));
        assertThat(result.out() + result.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** check of one file bad.yaml holding the text: read but wrong, exit 1. */
    private static Case checked(String name, String yaml, String location, String says) {
        return new Case(name, dir -> args(write(dir, "bad.yaml", yaml), "check"), 1, location, says);
    }

    private static String[] args(Path file, String command, String... more) {
        String[] args = new String[2 + more.length];
        args[0] = command;
        args[1] = file.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return args;
    }

    private static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
