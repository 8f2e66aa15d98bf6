package io.agentpolicy.cli;

import java.util.List;

/**
 * Input files were read but hold invalid objects (policies, sessions, namespaces), so the command cannot say what
 * the operator would do: the operator does not render from invalid policies either. Every diagnostic is printed,
 * exit 1.
 */
final class InvalidManifestsException extends Exception {
    private final transient List<Diagnostic> diagnostics;

    InvalidManifestsException(List<Diagnostic> diagnostics) {
        super(diagnostics.size() + " problems", null, false, false);
        this.diagnostics = List.copyOf(diagnostics);
    }

    /** Errors and warnings, sorted by file and line. */
    List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
