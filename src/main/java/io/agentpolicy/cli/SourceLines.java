package io.agentpolicy.cli;

import java.util.Map;

/**
 * The line each field of a YAML document was written on, keyed by field path as the engine writes them
 * (spec.permissions.deny[2], spec.settings.env.FOO); "" is the document itself.
 */
final class SourceLines {
    private final Map<String, Integer> lines;

    SourceLines(Map<String, Integer> lines) {
        this.lines = Map.copyOf(lines);
    }

    /**
     * The line of the field, or of its nearest written ancestor when the field itself is absent (a required field
     * that is missing is reported where its parent is).
     */
    int lineOf(String field) {
        String path = field == null ? "" : field;
        while (true) {
            Integer line = lines.get(path);
            if (line != null) {
                return line;
            }
            if (path.isEmpty()) {
                return 0;
            }
            path = parent(path);
        }
    }

    /** Whether the field itself was written (not only an ancestor). */
    boolean contains(String field) {
        return lines.containsKey(field);
    }

    /** spec.settings.env.FOO for the JSON pointer /env/FOO inside spec.settings (how merge conflicts name keys). */
    static String settingsField(String pointer) {
        StringBuilder field = new StringBuilder("spec.settings");
        for (String token : pointer.split("/")) {
            if (!token.isEmpty()) {
                field.append('.').append(token.replace("~1", "/").replace("~0", "~"));
            }
        }
        return field.toString();
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
