package io.agentpolicy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.agentpolicy.cli.Diagnostic.Severity;
import io.agentpolicy.cli.ManifestChecker.CheckedInputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** check: validates every PermissionPolicy and AgentSession in some files and directories, for CI. */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Validate every PermissionPolicy and AgentSession in the files and directories: YAML, the CRD schema and "
                        + "its CEL rules, the operator's own validation (rule grammar, settings keys and types, mode locks), "
                        + "names defined twice, merge conflicts between policies that would govern the same namespace, and "
                        + "session task types that differ from a policy's taskOverrides only in case.",
                "Namespace manifests among the inputs are used to evaluate namespaceSelectors; other kinds are skipped "
                        + "with a warning. Merge conflicts are warnings: the operator reports them but still renders." },
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentpolicy check policies/",
                "  agentpolicy check policies/ namespaces.yaml --output json" },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:no errors (warnings and notes allowed)",
                "1:at least one error",
                "2:bad option, unusable file, or no PermissionPolicy or AgentSession in the paths" })
final class CheckCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories (read recursively: *.yaml, *.yml, *.json).")
    List<Path> paths;

    @Option(names = { "-o", "--output" }, paramLabel = "FORMAT", defaultValue = "human",
            description = "human (one line per finding: file:line: severity: kind name: field: message) or json "
                    + "(default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws UsageException, JsonProcessingException {
        Instant now = engine.now();
        CheckedInputs checked = new ManifestChecker(engine.engine(), now).check(ManifestLoader.load(paths));
        if (checked.policyDocuments() + checked.sessionDocuments() == 0 && !checked.hasErrors()) {
            throw new UsageException(paths.stream().map(Path::toString).collect(Collectors.joining(", "))
                    + ": no PermissionPolicy or AgentSession found in " + checked.files().size() + " YAML files");
        }
        List<Diagnostic> findings = new ArrayList<>(checked.diagnostics());
        findings.addAll(new ConflictFinder(engine.config(), now).find(checked));
        findings.addAll(TaskTypeSpellings.find(checked));
        findings = Diagnostic.sortedByPlace(findings, checked.files());

        Map<String, Object> counts = new LinkedHashMap<>();
        for (Severity severity : Severity.values()) {
            counts.put(severity.label() + "s", findings.stream().filter(f -> f.severity() == severity).count());
        }
        counts.put("files", checked.files().size());
        counts.put("permissionPolicies", checked.policyDocuments());
        counts.put("agentSessions", checked.sessionDocuments());

        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("findings", findings);
            report.put("counts", counts);
            out.println(Json.MAPPER.writeValueAsString(report));
        } else {
            findings.forEach(finding -> out.println(finding.toLine()));
            out.println("check: " + checked.policyDocuments() + " PermissionPolicies and " + checked.sessionDocuments()
                    + " AgentSessions in " + checked.files().size() + " files: " + Arrays.stream(Severity.values())
                    .map(severity -> counts.get(severity.label() + "s") + " " + severity.label() + "(s)")
                    .collect(Collectors.joining(", ")));
        }
        return counts.get("errors").equals(0L) ? AgentPolicyCli.EXIT_OK : AgentPolicyCli.EXIT_INVALID;
    }
}
