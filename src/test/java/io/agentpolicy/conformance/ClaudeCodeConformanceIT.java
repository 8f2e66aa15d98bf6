package io.agentpolicy.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.ValidationResult;

/**
 * The rendered maps against the real Claude Code (shared/docs/api.md, Agent pods, item 3): for every map the engine renders
 * for examples/ and for the tiers of shared/docs/domain.md, launched every way a pod could launch it, the agent starts in no
 * mode above the map's cap that has a lock, prints no "invalid entries" line, and executes only tool calls the cap's
 * own mode executes without asking. The model is a ScriptedModel; the client, its settings loader and its permission
 * engine are real. Also: every rule or settings value the client skips as invalid is an error for the engine.
 */
class ClaudeCodeConformanceIT {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath();
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PolicyEngine ENGINE = new PolicyEngine(EngineConfig.defaults());

    /** Every way to start the agent: no flag, each --permission-mode, and the bypass and auto flags. */
    private static final List<List<String>> LAUNCHES = launches();

    /** The model asks for these, in order; each is judged executed by its effect (on disk, or not being refused). */
    private static final List<ScriptedModel.ToolCall> SCRIPT = List.of(
            call("Read", "file_path", "existing.txt"),
            call("Edit", "file_path", "existing.txt", "old_string", "original", "new_string", "edited"),
            call("Write", "file_path", "written.txt", "content", "written\n"),
            call("Read", "file_path", "notebook.ipynb"),
            call("NotebookEdit", "notebook_path", "notebook.ipynb", "cell_id", "c1", "new_source", "edited", "edit_mode", "replace"),
            call("Bash", "command", "touch marker", "description", "create a file"),
            call("Bash", "command", "echo hi > redirected", "description", "write a file by redirection"),
            call("Bash", "command", "ls", "description", "list files"),
            call("WebFetch", "url", "https://example.com/agentpolicy-conformance", "prompt", "summarise"));
    private static final String NOTEBOOK = "{\"cells\":[{\"cell_type\":\"code\",\"id\":\"c1\",\"metadata\":{},\"source\":[\"1\"],"
            + "\"outputs\":[],\"execution_count\":null}],\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":5}";

    private static ClaudeCode claude;
    /** What each mode, started as itself on a map with no rules, executes of the script without asking. */
    private static final Map<PermissionMode, Set<String>> REFERENCE = new EnumMap<>(PermissionMode.class);

    @BeforeAll
    static void installAndMeasureTheModes() throws Exception {
        claude = ClaudeCode.installed(REPOSITORY);
        Map<PermissionMode, Future<Outcome>> runs = new EnumMap<>(PermissionMode.class);
        try (Pool pool = new Pool()) {
            for (PermissionMode mode : PermissionMode.values()) {
                String bare = "{\"permissions\":{\"defaultMode\":\"" + mode.value() + "\"}}";
                runs.put(mode, pool.submit(() -> runScript(bare, List.of("--permission-mode", mode.value()))));
            }
            for (PermissionMode mode : PermissionMode.values()) {
                Outcome outcome = runs.get(mode).get();
                assertThat(outcome.run().permissionMode()).as("reference run of " + mode).isEqualTo(mode.value());
                REFERENCE.put(mode, outcome.executed());
            }
        }
        System.out.println("[conformance] Claude Code " + ClaudeCode.VERSION + ": each mode alone executes " + REFERENCE);
        // the effects are detectable both ways, so an empty or a full set below means what it says
        assertThat(REFERENCE.get(PermissionMode.BYPASS_PERMISSIONS)).hasSize(SCRIPT.size());
        assertThat(REFERENCE.get(PermissionMode.PLAN)).contains("Read existing.txt").doesNotContain("Write written.txt", "Bash touch marker");
    }

    @Test
    void everyRenderedMapHoldsTheAgentWithinItsCapWhateverItIsLaunchedWith() throws Exception {
        // a map rendered twice with the same bytes and cap (tiers 3 and 4 of domain.md share sessions) runs once
        Map<String, RenderedMaps.Map_> distinct = new LinkedHashMap<>();
        for (RenderedMaps.Map_ map : concat(RenderedMaps.examples(REPOSITORY, NOW), RenderedMaps.domainTiers(REPOSITORY, NOW))) {
            distinct.merge(map.cap() + "\n" + map.json(), map,
                    (first, same) -> new RenderedMaps.Map_(first.name() + " = " + same.name(), first.json(), first.cap()));
        }
        List<RenderedMaps.Map_> maps = List.copyOf(distinct.values());
        Instant started = Instant.now();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> runs = new ArrayList<>();
        try (Pool pool = new Pool()) {
            for (RenderedMaps.Map_ map : maps) {
                for (List<String> launch : LAUNCHES) {
                    runs.add(pool.submit(() -> {
                        violations.addAll(check(map, launch, runScript(map.json(), launch)));
                        return null;
                    }));
                }
            }
            for (Future<?> run : runs) {
                run.get();
            }
        }
        System.out.printf("[conformance] Claude Code %s: %d maps x %d launches x %d tool calls = %d runs, %d tool calls, in %d s%n",
                ClaudeCode.VERSION, maps.size(), LAUNCHES.size(), SCRIPT.size(), runs.size(), runs.size() * SCRIPT.size(),
                Duration.between(started, Instant.now()).toSeconds());
        assertThat(violations).isEmpty();
    }

    @Test
    void withoutTheCapRulesAPlanMapLetsAnAcceptEditsLaunchWrite() throws Exception {
        // the control: the matrix above would catch a map that lacked its rules
        RenderedMaps.Map_ tier1 = RenderedMaps.domainTiers(REPOSITORY, NOW).get(0);
        assertThat(tier1.cap()).isEqualTo(PermissionMode.PLAN);
        ObjectNode stripped = (ObjectNode) JSON.readTree(tier1.json());
        ObjectNode permissions = (ObjectNode) stripped.get("permissions");
        List<String> deny = new ArrayList<>();
        permissions.get("deny").forEach(rule -> deny.add(rule.asText()));
        deny.removeAll(List.of("Bash", "Edit", "NotebookEdit", "Write"));
        deny.forEach(permissions.putArray("deny")::add);
        RenderedMaps.Map_ withoutRules = new RenderedMaps.Map_("tier 1 without its cap rules", JSON.writeValueAsString(stripped), PermissionMode.PLAN);

        List<String> violations = check(withoutRules, List.of("--permission-mode", "acceptEdits"),
                runScript(withoutRules.json(), List.of("--permission-mode", "acceptEdits")));

        assertThat(violations).singleElement().asString().contains("Write written.txt", "Bash touch marker");
    }

    private static List<String> check(RenderedMaps.Map_ map, List<String> launch, Outcome outcome) {
        String where = map + " launched with " + (launch.isEmpty() ? "no flag" : String.join(" ", launch)) + ": ";
        List<String> found = new ArrayList<>();
        ClaudeCode.Run run = outcome.run();
        if (run.reportsInvalidEntries()) {
            found.add(where + "Claude Code reports invalid entries " + run.invalidEntryLines());
        }
        PermissionMode started = PermissionMode.fromValue(run.permissionMode());
        if (started == null) {
            found.add(where + "no init message with a known permissionMode: " + run.stdout() + run.stderr());
            return found;
        }
        boolean lockable = started == PermissionMode.AUTO || started == PermissionMode.BYPASS_PERMISSIONS;
        if (lockable && started.isAbove(map.cap())) {
            found.add(where + "started in " + started + " above the cap " + map.cap());
        }
        Set<String> beyondCap = new LinkedHashSet<>(outcome.executed());
        beyondCap.removeAll(REFERENCE.get(map.cap()));
        if (!beyondCap.isEmpty()) {
            found.add(where + "started in " + started + " and executed " + beyondCap + ", which " + map.cap() + " does not execute unasked");
        }
        if (!outcome.executed().contains("Read existing.txt")) {
            found.add(where + "did not even read a file: the run did not get through its script");
        }
        return found;
    }

    @Test
    void everyRuleTheClientSkipsIsAnErrorForTheEngine() throws Exception {
        List<String> corpus = JSON.readerForListOf(String.class).readValue(REPOSITORY.resolve("src/test/resources/conformance/rule-corpus.json").toFile());
        Pattern skipped = Pattern.compile("\\(permissions\\.(allow|ask|deny)\\): Invalid permission rule \"(.*)\" was skipped: (.*)$");
        List<String> disagreements = new ArrayList<>();
        int invalid = 0;
        for (String list : List.of("allow", "ask", "deny")) {
            ObjectNode file = JSON.createObjectNode();
            corpus.forEach(file.putObject("permissions").putArray(list)::add);
            ClaudeCode.Run run = runScript(JSON.writeValueAsString(file), List.of()).run();
            for (String line : run.invalidEntryLines()) {
                Matcher m = skipped.matcher(line);
                assertThat(m.find()).as("an invalid-rule line: " + line).isTrue();
                invalid++;
                ValidationResult engine = ENGINE.validate(policyWithRule(list, m.group(2)), null);
                if (engine.valid()) {
                    disagreements.add(list + " \"" + m.group(2) + "\": Claude Code skips it (" + m.group(3) + ") but the engine "
                            + "reports only " + engine.warnings());
                }
            }
        }
        System.out.println("[conformance] rule corpus: " + corpus.size() + " rules x 3 lists, " + invalid + " skipped by Claude Code");
        assertThat(invalid).as("the corpus holds rules the client skips").isPositive();
        assertThat(disagreements).isEmpty();
    }

    @Test
    void everySettingsValueTheClientSkipsIsAnErrorForTheEngine() throws Exception {
        ObjectNode corpus = (ObjectNode) JSON.readTree(REPOSITORY.resolve("src/test/resources/conformance/settings-corpus.json").toFile());
        ClaudeCode.Run run = runScript(JSON.writeValueAsString(corpus), List.of()).run();
        Pattern entry = Pattern.compile("^/etc/claude-code/managed-settings\\.json \\(([^).\\[]+)[^)]*\\): (.*)$");
        List<String> disagreements = new ArrayList<>();
        Set<String> invalidKeys = new LinkedHashSet<>();
        for (String line : run.invalidEntryLines()) {
            Matcher m = entry.matcher(line);
            assertThat(m.find()).as("an invalid-entry line: " + line).isTrue();
            String key = m.group(1);
            if (!invalidKeys.add(key)) {
                continue;
            }
            ObjectNode alone = JSON.createObjectNode().set(key, corpus.get(key));
            ValidationResult engine = ENGINE.validateManagedSettings(alone);
            if (engine.valid()) {
                disagreements.add(alone + ": Claude Code says \"" + m.group(2) + "\" but the engine reports only " + engine.warnings());
            }
        }
        System.out.println("[conformance] settings corpus: " + corpus.size() + " keys, Claude Code reports " + invalidKeys);
        assertThat(invalidKeys).as("the corpus holds values the client skips").isNotEmpty();
        assertThat(disagreements).isEmpty();
    }

    private static PermissionPolicy policyWithRule(String list, String rule) throws IOException {
        ObjectNode policy = JSON.createObjectNode();
        policy.putObject("metadata").put("name", "corpus");
        ObjectNode spec = policy.putObject("spec");
        spec.putArray("tiers").add("1");
        spec.putObject("permissions").putArray(list).add(rule);
        return new ObjectMapper(new YAMLFactory()).treeToValue(policy, PermissionPolicy.class);
    }

    /** One run's result and which of the script's tool calls it executed, by their effects. */
    private record Outcome(ClaudeCode.Run run, Set<String> executed) {
    }

    private static Outcome runScript(String managedSettings, List<String> launch) throws Exception {
        Path scratch = Files.createTempDirectory("claude-conformance-");
        try (ScriptedModel model = new ScriptedModel(SCRIPT)) {
            Path work = Files.createDirectories(scratch.resolve("work"));
            Files.writeString(work.resolve("existing.txt"), "original\n");
            Files.writeString(work.resolve("notebook.ipynb"), NOTEBOOK);
            ClaudeCode.Run run = claude.run(managedSettings, model, scratch, launch);
            Set<String> executed = new LinkedHashSet<>();
            for (int turn = 0; turn < SCRIPT.size(); turn++) {
                ScriptedModel.ToolCall call = SCRIPT.get(turn);
                String label = label(call);
                boolean done = switch (label) {
                    case "Edit existing.txt" -> Files.readString(work.resolve("existing.txt")).contains("edited");
                    case "Write written.txt" -> Files.exists(work.resolve("written.txt"));
                    case "NotebookEdit notebook.ipynb" -> !Files.readString(work.resolve("notebook.ipynb")).equals(NOTEBOOK);
                    case "Bash touch marker" -> Files.exists(work.resolve("marker"));
                    case "Bash echo hi > redirected" -> Files.exists(work.resolve("redirected"));
                    default -> !run.deniedToolUseIds().contains("toolu_" + turn); // reads: no effect but not being refused
                };
                if (done) {
                    executed.add(label);
                }
            }
            return new Outcome(run, executed);
        } finally {
            ClaudeCode.delete(scratch);
        }
    }

    private static String label(ScriptedModel.ToolCall call) {
        Object target = call.input().getOrDefault("command", call.input().getOrDefault("file_path",
                call.input().getOrDefault("notebook_path", call.input().get("url"))));
        return call.name() + " " + target;
    }

    private static ScriptedModel.ToolCall call(String tool, String... keyValues) {
        Map<String, Object> input = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            input.put(keyValues[i], keyValues[i + 1]);
        }
        return new ScriptedModel.ToolCall(tool, input);
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static List<List<String>> launches() {
        List<List<String>> launches = new ArrayList<>();
        launches.add(List.of());
        for (PermissionMode mode : PermissionMode.values()) {
            launches.add(List.of("--permission-mode", mode.value()));
        }
        launches.add(List.of("--dangerously-skip-permissions"));
        launches.add(List.of("--allow-dangerously-skip-permissions"));
        launches.add(List.of("--enable-auto-mode"));
        return List.copyOf(launches);
    }

    /** Runs in parallel: the client's start-up (about a second) dominates, and it waits on its stand-in model as much as it computes. */
    private static final class Pool implements AutoCloseable {
        private final ExecutorService executor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));

        <T> Future<T> submit(Callable<T> task) {
            return executor.submit(task);
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
