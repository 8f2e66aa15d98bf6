package io.agentpolicy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import io.agentpolicy.cli.ManifestChecker.CheckedInputs;
import io.agentpolicy.engine.BaselinePlan;
import io.agentpolicy.engine.BaselineRendering;
import io.agentpolicy.engine.NamespaceInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** render: the namespace baseline managed-settings.json the operator would write, byte for byte. */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Print the managed-settings.json the operator writes into a namespace's agent-managed-settings ConfigMap, "
                        + "byte for byte. Warnings and merge conflicts go to standard error." },
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentpolicy render policies/ --tier 1 --label team=payments",
                "  agentpolicy render policies/ --namespace-file namespaces.yaml -n payments" },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:printed the map",
                "1:invalid policies, or no map for this namespace (no tier label, or no policy governs it)",
                "2:bad option, unusable file, or no PermissionPolicy in the paths" })
final class RenderCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "POLICY_PATH",
            description = "PermissionPolicy files or directories (read recursively: *.yaml, *.yml, *.json).")
    List<Path> policyPaths;

    @Mixin
    NamespaceOptions namespace;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws UsageException, InvalidManifestsException {
        Instant now = engine.now();
        CheckedInputs policies = Inputs.policies(policyPaths, engine.engine(), now);
        NamespaceInfo target = namespace.resolve(policies.namespaces(), null, engine, now);
        PrintWriter err = spec.commandLine().getErr();
        policies.diagnostics().forEach(warning -> err.println(warning.toLine()));

        OfflineOperator operator = new OfflineOperator(engine.config(), policies.policyObjects());
        BaselinePlan plan = operator.baseline(target);
        if (!(plan instanceof BaselinePlan.Render render)) {
            err.println("error: " + plan.reason());
            return AgentPolicyCli.EXIT_INVALID;
        }
        BaselineRendering rendered = operator.render(render, now);
        rendered.merged().conflicts().forEach(conflict -> err.println("warning: " + conflict.message()));
        spec.commandLine().getOut().print(rendered.settings().json());
        return AgentPolicyCli.EXIT_OK;
    }
}
