package io.agentpolicy.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real Claude Code CLI, run headless against a ScriptedModel with a managed-settings.json bind-mounted at
 * /etc/claude-code in a private mount namespace (so the host's /etc is never touched: /etc is overlaid inside the
 * namespace to make room for the mount point). Needs root (unshare, mount), as the tests run in CI.
 */
final class ClaudeCode {
    static final String VERSION = "2.1.328";
    /** The line Claude Code prints when it skips parts of a managed file. */
    static final String INVALID_ENTRIES = "Managed settings contain invalid entries";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NPM_UNREACHABLE = 3;

    private final Path binary;

    private ClaudeCode(Path binary) {
        this.binary = binary;
    }

    /**
     * Installs or finds the pinned client through hack/claude-code.sh. Skips the calling test, loudly, only when npm
     * or its registry is unreachable; any other failure fails the test.
     */
    static ClaudeCode installed(Path repository) throws IOException, InterruptedException {
        Process install = new ProcessBuilder(repository.resolve("hack/claude-code.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = install.waitFor();
        if (exit == NPM_UNREACHABLE) {
            String message = "\n********************************************************************************\n"
                    + "SKIPPED: Claude Code conformance: npm cannot reach @anthropic-ai/claude-code@" + VERSION
                    + "; the rendered maps were NOT checked against the real client\n"
                    + "********************************************************************************";
            System.err.println(message);
            Assumptions.abort(message);
        }
        if (exit != 0) {
            throw new IllegalStateException("hack/claude-code.sh failed with exit " + exit);
        }
        return new ClaudeCode(Path.of(out));
    }

    /** What one run showed: the starting mode, the tool calls the client refused, and everything it printed. */
    record Run(String permissionMode, Set<String> deniedToolUseIds, String stdout, String stderr, Path workDir) {

        boolean reportsInvalidEntries() {
            return stdout.contains(INVALID_ENTRIES) || stderr.contains(INVALID_ENTRIES);
        }

        /** The lines after the invalid-entries header: one per skipped entry. */
        List<String> invalidEntryLines() {
            List<String> lines = new ArrayList<>();
            boolean inList = false;
            for (String line : (stdout + "\n" + stderr).split("\n")) {
                if (line.contains(INVALID_ENTRIES)) {
                    inList = true;
                } else if (inList && line.startsWith("  /etc/claude-code/")) {
                    lines.add(line.strip());
                } else {
                    inList = false;
                }
            }
            return lines;
        }
    }

    /** Runs {@code claude -p} in a fresh HOME and working directory prepared by the caller. */
    Run run(String managedSettings, ScriptedModel model, Path scratch, List<String> flags) throws IOException, InterruptedException {
        return run(managedSettings, model, scratch, flags, Map.of());
    }

    /** The same, with environment variables the user set (e.g. to try to turn managed settings off). */
    Run run(String managedSettings, ScriptedModel model, Path scratch, List<String> flags, Map<String, String> userEnvironment)
            throws IOException, InterruptedException {
        Path home = Files.createDirectories(scratch.resolve("home"));
        Path work = Files.createDirectories(scratch.resolve("work"));
        Path map = Files.createDirectories(scratch.resolve("map"));
        Path upper = Files.createDirectories(scratch.resolve("etc-upper"));
        Path overlayWork = Files.createDirectories(scratch.resolve("etc-work"));
        Files.writeString(map.resolve("managed-settings.json"), managedSettings);
        String mountAndRun = "mount -t overlay overlay -o lowerdir=/etc,upperdir=\"$1\",workdir=\"$2\" /etc"
                + " && mkdir -p /etc/claude-code && mount --bind -o ro \"$3\" /etc/claude-code && shift 3 && exec \"$@\"";
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", mountAndRun, "sh",
                upper.toString(), overlayWork.toString(), map.toString(),
                binary.toString(), "-p", "Do the task.", "--output-format", "stream-json", "--verbose"));
        command.addAll(flags);
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(scratch.resolve("stdout").toFile()).redirectError(scratch.resolve("stderr").toFile());
        builder.environment().clear();
        builder.environment().putAll(Map.of(
                "PATH", System.getenv("PATH"),
                "HOME", home.toString(),
                "IS_SANDBOX", "1", // we run as root: without it the client refuses --dangerously-skip-permissions
                "ANTHROPIC_BASE_URL", model.baseUrl(),
                "ANTHROPIC_API_KEY", "dummy",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1",
                "DISABLE_AUTOUPDATER", "1"));
        builder.environment().putAll(userEnvironment);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("claude did not finish within 120 s: " + command);
        }
        String stdout = Files.readString(scratch.resolve("stdout"));
        String stderr = Files.readString(scratch.resolve("stderr"));
        String mode = null;
        Set<String> denied = new HashSet<>();
        for (String line : stdout.split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode message = JSON.readTree(line);
            if ("system".equals(message.path("type").asText()) && "init".equals(message.path("subtype").asText())) {
                mode = message.path("permissionMode").asText();
            } else if ("result".equals(message.path("type").asText())) {
                message.path("permission_denials").forEach(d -> denied.add(d.path("tool_use_id").asText()));
            }
        }
        return new Run(mode, denied, stdout, stderr, work);
    }

    /** Deletes a scratch directory (nothing under it is mounted any more once the run's namespace is gone). */
    static void delete(Path scratch) {
        try (Stream<Path> paths = Files.walk(scratch)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
