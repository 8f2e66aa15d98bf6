package io.agentpolicy.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff for failing test cases: "- " lines are only in the expected text, "+ " lines only in the actual one,
 * with two unchanged lines of context around each change.
 */
final class LineDiff {
    private static final int CONTEXT = 2;
    /** Above this many line pairs the longest-common-subsequence table is not built; the first difference is shown. */
    private static final long MAX_TABLE = 4_000_000;

    private LineDiff() {
    }

    static List<String> diff(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        if ((long) a.length * b.length > MAX_TABLE) {
            return firstDifference(a, b);
        }
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> edits = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                edits.add("  " + a[i++]);
                j++;
            } else if (i < a.length && (j == b.length || common[i + 1][j] >= common[i][j + 1])) {
                edits.add("- " + a[i++]);
            } else {
                edits.add("+ " + b[j++]);
            }
        }
        return withContext(edits);
    }

    /** Unchanged lines far from any change become one "  ..." line. */
    private static List<String> withContext(List<String> edits) {
        List<String> shown = new ArrayList<>();
        boolean skipped = false;
        for (int k = 0; k < edits.size(); k++) {
            if (nearChange(edits, k)) {
                shown.add(edits.get(k));
                skipped = false;
            } else if (!skipped) {
                shown.add("  ...");
                skipped = true;
            }
        }
        return shown;
    }

    private static boolean nearChange(List<String> edits, int index) {
        for (int k = Math.max(0, index - CONTEXT); k <= Math.min(edits.size() - 1, index + CONTEXT); k++) {
            if (!edits.get(k).startsWith("  ")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> firstDifference(String[] a, String[] b) {
        int line = 0;
        while (line < a.length && line < b.length && a[line].equals(b[line])) {
            line++;
        }
        return List.of("  first difference at line " + (line + 1) + ":",
                "- " + (line < a.length ? a[line] : "(end of text)"),
                "+ " + (line < b.length ? b[line] : "(end of text)"));
    }
}
