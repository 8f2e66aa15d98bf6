package io.agentpolicy.cli;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * One problem found in an input file, where it is and what is wrong. Printed as
 * {@code file:12: error: PermissionPolicy tier-1: spec.permissions.deny[2]: message}.
 *
 * @param line 1-based; 0 when the problem has no single line (the file as a whole)
 * @param kind the object's kind, null when the problem is not inside an object (YAML syntax, an empty file)
 * @param field the offending field path, null when the problem concerns the whole object
 */
@JsonPropertyOrder({ "file", "line", "severity", "kind", "name", "field", "message" })
record Diagnostic(String file, int line, Severity severity, String kind, String name, String field, String message) {

    /** How much a diagnostic matters: errors fail check (exit 1); warnings and notes are reported only. */
    enum Severity {
        ERROR,
        WARNING,
        NOTE;

        @JsonValue
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A problem with the file itself or its YAML, not with an object in it. */
    static Diagnostic inFile(String file, int line, Severity severity, String message) {
        return new Diagnostic(file, line, severity, null, null, null, message);
    }

    /** A problem with an object read from a file, at the line its field was written on. */
    static Diagnostic at(Manifest manifest, Severity severity, String field, String message) {
        return new Diagnostic(manifest.file(), manifest.lineOf(field), severity, manifest.kind(), manifest.name(),
                field == null || field.isEmpty() ? null : field, message);
    }

    /** Sorted by file, in the order the files were read, then by line; otherwise in the order found. */
    static List<Diagnostic> sortedByPlace(List<Diagnostic> diagnostics, List<Path> files) {
        Map<String, Integer> fileOrder = new HashMap<>();
        files.forEach(file -> fileOrder.putIfAbsent(file.toString(), fileOrder.size()));
        return diagnostics.stream()
                .sorted(Comparator.comparing((Diagnostic d) -> fileOrder.getOrDefault(d.file(), Integer.MAX_VALUE))
                        .thenComparingInt(Diagnostic::line))
                .toList();
    }

    boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The one-line human form. */
    String toLine() {
        StringBuilder line = new StringBuilder(file);
        if (this.line > 0) {
            line.append(':').append(this.line);
        }
        line.append(": ").append(severity.label()).append(": ");
        if (kind != null) {
            line.append(kind).append(' ').append(name).append(": ");
        }
        if (field != null) {
            line.append(field).append(": ");
        }
        return line.append(message).toString();
    }
}
