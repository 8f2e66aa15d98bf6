package io.agentpolicy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.cli.ManifestChecker.Checked;
import io.agentpolicy.cli.ManifestChecker.CheckedInputs;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.ExceptionOutcome;
import io.agentpolicy.engine.NamespaceInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** decide: how the operator would decide an AgentSession in a namespace. */
@Command(name = "decide", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Print how the operator decides an AgentSession: phase, effective mode and reason (plus tier, seniority "
                        + "and governing policies)." },
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentpolicy decide policies/ --session session.yaml --tier 1 --groups eng-mid",
                "  agentpolicy decide policies/ namespaces.yaml -s session.yaml -o json",
                "  agentpolicy decide policies/ -s session.yaml --tier 1 -a carol-approves.yaml -a dave-approves.yaml",
                "  agentpolicy decide policies/ -s session.yaml --tier 1 -i incidents.yaml --standing alice-standing.yaml" },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:decided (whatever the phase: Admitted, Downgraded, PendingApproval, Denied or Expired)",
                "1:invalid policies or session",
                "2:bad option, unusable file, no PermissionPolicy in the paths, or not one AgentSession in the session file" })
final class DecideCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "POLICY_PATH",
            description = "PermissionPolicy files or directories (read recursively: *.yaml, *.yml, *.json).")
    List<Path> policyPaths;

    @Option(names = { "-s", "--session" }, required = true, paramLabel = "FILE", description = "A file with one AgentSession.")
    Path sessionFile;

    @Option(names = { "-a", "--approvals" }, paramLabel = "FILE",
            description = "Files with AgentSessionApprovals answering the session's exception (repeatable). Only those naming "
                    + "the session and its metadata.generation (1 when absent) count; one without creationTimestamp counts as made at --now.")
    List<Path> approvalFiles = List.of();

    @Option(names = { "-i", "--incidents" }, paramLabel = "FILE",
            description = "Files with AgentIncidents (repeatable). Those of the session's engineer escalate it as the policies' "
                    + "seniority.escalation says; one without creationTimestamp counts as recorded at --now.")
    List<Path> incidentFiles = List.of();

    @Option(names = "--standing", paramLabel = "FILE",
            description = "The engineer's EngineerStanding (kubectl get engineerstanding NAME -o yaml): the sessions that ended, "
                    + "which clean sessions count.")
    Path standingFile;

    @Option(names = "--groups", split = ",", paramLabel = "GROUP",
            description = "Use these groups instead of the session's spec.groups, e.g. --groups eng-mid,eng-oncall.")
    List<String> groups;

    @Mixin
    NamespaceOptions namespace;

    @Mixin
    EngineOptions engine;

    @Option(names = { "-o", "--output" }, paramLabel = "FORMAT", defaultValue = "human",
            description = "human or json (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws UsageException, InvalidManifestsException, JsonProcessingException {
        Instant now = engine.now();
        CheckedInputs policies = Inputs.policies(policyPaths, engine.engine(), now);
        Checked<AgentSession> session = Inputs.session(sessionFile, engine.engine(), now);
        List<AgentSessionApproval> approvals = Inputs.approvals(approvalFiles, engine.engine(), now);
        List<AgentIncident> incidents = Inputs.incidents(incidentFiles, engine.engine(), now);
        EngineerStanding standing = standingFile == null ? null : Inputs.standing(standingFile, engine.engine(), now);
        if (groups != null) {
            session.object().getSpec().setGroups(groups);
        }
        NamespaceInfo target = namespace.resolve(policies.namespaces(), session.source().namespace(), engine, now);
        PrintWriter err = spec.commandLine().getErr();
        policies.diagnostics().forEach(warning -> err.println(warning.toLine()));

        Decision decision = new OfflineOperator(engine.config(), policies.policyObjects()).decide(target, session.object(), approvals, incidents,
                standing, now);
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            out.println(Json.MAPPER.writeValueAsString(asStatus(decision)));
        } else {
            printHuman("", asStatus(decision), out);
        }
        return AgentPolicyCli.EXIT_OK;
    }

    /** The decision as the AgentSession status fields it becomes; effectiveMode is null when the session does not run. */
    static Map<String, Object> asStatus(Decision decision) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", decision.phase().value());
        status.put("effectiveMode", decision.effectiveMode() == null ? null : decision.effectiveMode().value());
        status.put("reason", decision.reason());
        status.put("tier", decision.tier());
        status.put("seniority", decision.seniority().value());
        if (decision.escalation() != null) {
            status.put("escalatedFrom", decision.escalation().seniority().value());
        }
        status.put("policies", decision.policies());
        status.put("policyViolation", decision.policyViolation());
        ExceptionOutcome exception = decision.exception();
        if (exception != null) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("state", exception.state().value());
            fields.put("approvals", exception.approvals().stream()
                    .map(a -> a.approver() + " (" + String.join(", ", a.groups()) + ") at " + Rfc3339.format(a.at())).toList());
            fields.put("missing", exception.missing());
            fields.put("expiresAt", exception.expiresAt() == null ? null : Rfc3339.format(exception.expiresAt()));
            status.put("exception", fields);
        }
        return status;
    }

    /** One "field: value" line per field; a nested object's fields as "exception.state: ...". */
    private static void printHuman(String prefix, Map<String, Object> fields, PrintWriter out) {
        fields.forEach((field, value) -> {
            if (value instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) nested;
                printHuman(prefix + field + ".", object, out);
            } else {
                out.println(prefix + field + ": " + (value == null ? "(none)"
                        : value instanceof List<?> list ? String.join(", ", list.stream().map(String::valueOf).toList())
                        : value));
            }
        });
    }
}
