package io.agentpolicy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Runs the CLI in-process, as main does, capturing what it prints and its exit code. */
final class Cli {
    /** "error: ..." (the command could not run) or "file[:line]: error: ..." (a finding). */
    private static final Pattern ERROR_LINE = Pattern.compile("^(error: .*|\\S[^:]*(:\\d+)?: error: .*)$");

    private Cli() {
    }

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {

        /** Every line of standard output and standard error. */
        List<String> lines() {
            return Arrays.stream((out + err).split("\n")).filter(line -> !line.isEmpty()).toList();
        }

        List<String> errorLines() {
            return lines().stream().filter(line -> ERROR_LINE.matcher(line).matches()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = AgentPolicyCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(exitCode, out.toString(), err.toString());
    }
}
