package io.agentpolicy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.cli.ManifestChecker.Checked;
import io.agentpolicy.cli.ManifestChecker.CheckedInputs;
import io.agentpolicy.cli.PolicyTestFile.Expectation;
import io.agentpolicy.cli.PolicyTestFile.NamespaceSource;
import io.agentpolicy.cli.PolicyTestFile.TestCase;
import io.agentpolicy.engine.BaselinePlan;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.NamespaceInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** test: runs test files whose cases pin decisions and rendered maps, like kyverno test. */
@Command(name = "test", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Run test files: each names policies (paths relative to the file) and cases with a namespace, an optional "
                        + "session and what the operator must do: phase, effectiveMode, reason, reasonContains, tier, "
                        + "seniority, and/or the exact rendered managed-settings.json. Prints PASS or FAIL per case." },
        footerHeading = "%nExamples:%n",
        footer = { "  agentpolicy test tests/policy-tests.yaml" },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every case passed",
                "1:a case failed, or the policies under test are invalid",
                "2:a malformed test file, or a file it names is missing or unusable" })
final class TestCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "TEST_FILE", description = "Test files (YAML; format in the README).")
    List<Path> testFiles;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws UsageException, InvalidManifestsException {
        List<PolicyTestFile> suites = new ArrayList<>();
        for (Path file : testFiles) {
            suites.add(PolicyTestFile.read(file)); // every file is read before any runs: a malformed one fails fast
        }
        PrintWriter out = spec.commandLine().getOut();
        int passed = 0;
        int failed = 0;
        for (PolicyTestFile suite : suites) {
            Instant suiteNow = suite.now() != null ? EngineOptions.parseInstant(suite.now(), "now") : engine.now();
            CheckedInputs policies = Inputs.policies(suite.policies(), engine.engine(), suiteNow);
            policies.diagnostics().forEach(warning -> spec.commandLine().getErr().println(warning.toLine()));
            OfflineOperator operator = new OfflineOperator(engine.config(), policies.policyObjects());
            out.println(suite.file());
            for (TestCase testCase : suite.cases()) {
                Instant now = testCase.now() != null ? EngineOptions.parseInstant(testCase.now(), "now") : suiteNow;
                List<String> failures = run(testCase, operator, policies, now);
                out.println((failures.isEmpty() ? "  PASS  " : "  FAIL  ") + testCase.name());
                failures.forEach(line -> out.println("          " + line));
                if (failures.isEmpty()) {
                    passed++;
                } else {
                    failed++;
                }
            }
        }
        out.println("test: " + passed + " passed, " + failed + " failed");
        return failed == 0 ? AgentPolicyCli.EXIT_OK : AgentPolicyCli.EXIT_INVALID;
    }

    /** What the case got wrong; empty when it passes. */
    private List<String> run(TestCase testCase, OfflineOperator operator, CheckedInputs policies, Instant now)
            throws UsageException, InvalidManifestsException {
        AgentSession session = null;
        if (testCase.session() != null) {
            session = new AgentSession();
            session.setSpec(testCase.session());
        }
        String sessionNamespace = null;
        if (testCase.sessionFile() != null) {
            Checked<AgentSession> fromFile = Inputs.session(testCase.sessionFile(), engine.engine(), now);
            session = fromFile.object();
            sessionNamespace = fromFile.source().namespace();
        }
        List<AgentSessionApproval> approvals = Inputs.approvals(testCase.approvalFiles(), engine.engine(), now);
        List<AgentIncident> incidents = Inputs.incidents(testCase.incidentFiles(), engine.engine(), now);
        NamespaceInfo namespace = namespaceOf(testCase.namespace(), sessionNamespace, policies, now);
        Expectation expect = testCase.expect();
        List<String> failures = new ArrayList<>();
        if (session != null) {
            Decision decision = operator.decide(namespace, session, approvals, incidents, null, now);
            String mode = decision.effectiveMode() == null ? "none" : decision.effectiveMode().value();
            expectEqual("phase", expect.phase(), decision.phase().value(), failures);
            expectEqual("effectiveMode", expect.effectiveMode(), mode, failures);
            expectEqual("reason", expect.reason(), decision.reason(), failures);
            expectEqual("tier", expect.tier(), decision.tier(), failures);
            expectEqual("seniority", expect.seniority(), decision.seniority().value(), failures);
            expectEqual("exceptionState", expect.exceptionState(),
                    decision.exception() == null ? "none" : decision.exception().state().value(), failures);
            if (expect.reasonContains() != null && !decision.reason().contains(expect.reasonContains())) {
                failures.add("expected the reason to contain \"" + expect.reasonContains() + "\"");
            }
            if (!failures.isEmpty()) {
                failures.add("decided: " + decision.phase() + " as " + mode + ": " + decision.reason());
            }
        }
        if (expect.rendered() != null) {
            BaselinePlan plan = operator.baseline(namespace);
            if (!(plan instanceof BaselinePlan.Render render)) {
                failures.add("expected a rendered map, but " + plan.reason());
            } else {
                String rendered = operator.render(render, now).settings().json();
                if (!expect.rendered().equals(rendered)) {
                    failures.add("rendered managed-settings.json differs from " + expect.renderedFrom() + " (- expected, + rendered):");
                    failures.addAll(LineDiff.diff(expect.rendered(), rendered));
                }
            }
        }
        return failures;
    }

    private NamespaceInfo namespaceOf(NamespaceSource source, String sessionNamespace, CheckedInputs policies, Instant now)
            throws UsageException, InvalidManifestsException {
        String name = source.name() != null ? source.name() : sessionNamespace;
        if (source.file() != null) {
            return NamespaceOptions.pick(Inputs.namespaces(source.file(), engine.engine(), now), name, source.file().toString());
        }
        if (source.tier() == null && source.labels().isEmpty() && name != null) {
            return NamespaceOptions.pick(policies.namespaces(), name, "the policy paths");
        }
        return NamespaceOptions.described(name, source.tier(), source.labels(), engine.tierLabel);
    }

    private static void expectEqual(String field, String expected, String actual, List<String> failures) {
        if (expected != null && !Objects.equals(expected, actual)) {
            failures.add("expected " + field + " " + expected + ", got " + actual);
        }
    }
}
