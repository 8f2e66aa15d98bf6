package io.agentpolicy.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The offline CLI, "agentpolicy": renders, decides, checks and tests PermissionPolicies and AgentSessions from
 * files, with the operator's own engine, so CI can refuse a bad policy before it reaches a cluster.
 */
@Command(name = "agentpolicy", mixinStandardHelpOptions = true, versionProvider = AgentPolicyCli.Version.class,
        description = {
                "Render, decide, check and test agent-policy-operator policies without a cluster or network.",
                "Uses the operator's own engine and CRD schemas, so it says exactly what the operator would do." },
        subcommands = { RenderCommand.class, DecideCommand.class, CheckCommand.class, TestCommand.class, HelpCommand.class },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:invalid policies or sessions, no map to render, or failing tests",
                "2:the command could not run: bad option, missing, unreadable or oversized file, nothing to check" })
public final class AgentPolicyCli implements Runnable {
    /** The command did what was asked and found nothing wrong (warnings allowed). */
    public static final int EXIT_OK = 0;
    /** The inputs were read and are invalid, render has no map for the namespace, or a test case failed. */
    public static final int EXIT_INVALID = 1;
    /** The command could not run: a usage error, an unusable file, nothing to work on, a malformed test file. */
    public static final int EXIT_CANNOT_RUN = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command: render, decide, check or test");
    }

    public static void main(String[] args) {
        // json-schema-validator logs through SLF4J, which has no provider here and would say so on every run
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
        int exitCode = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(exitCode);
    }

    /** Runs one command line, writing results to out and problems to err; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        try {
            return commandLine(out, err).execute(args);
        } catch (Throwable unexpected) { // e.g. an Error picocli does not catch: still one line, never a stack trace
            err.println("error: internal error: " + unexpected + "; please report it");
            return EXIT_CANNOT_RUN;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command line with every subcommand, writing to out and err, turning failures into one-line errors. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new AgentPolicyCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((failure, failed, parseResult) -> report(failure, failed.getErr()));
        commandLine.setParameterExceptionHandler((failure, args) -> {
            err.println("error: " + failure.getMessage());
            err.println("Run '" + failure.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_CANNOT_RUN;
        });
        return commandLine;
    }

    private static int report(Exception failure, PrintWriter err) {
        if (failure instanceof InvalidManifestsException invalid) {
            invalid.diagnostics().forEach(diagnostic -> err.println(diagnostic.toLine()));
            long errors = invalid.diagnostics().stream().filter(Diagnostic::isError).count();
            err.println(errors + (errors == 1 ? " error" : " errors") + " in the inputs; the operator does not use invalid "
                    + "objects, so nothing was evaluated");
            return EXIT_INVALID;
        }
        if (failure instanceof UsageException usage) {
            err.println("error: " + usage.getMessage());
            return EXIT_CANNOT_RUN;
        }
        err.println("error: internal error: " + failure + "; please report it");
        return EXIT_CANNOT_RUN;
    }

    /** The version from the jar manifest (Implementation-Version), "development" when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = AgentPolicyCli.class.getPackage().getImplementationVersion();
            return new String[] { "agentpolicy " + (version == null ? "development" : version) };
        }
    }
}
