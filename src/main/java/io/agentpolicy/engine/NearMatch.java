package io.agentpolicy.engine;

import java.util.Collection;
import java.util.Locale;

/** Suggests the known name a misspelt one probably meant, for "did you mean" hints. */
final class NearMatch {
    private NearMatch() {
    }

    /** "; did you mean \"X\"?" for the closest candidate (same letters ignoring case, else a typo or two), or "". */
    static String hint(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lowered = input.toLowerCase(Locale.ROOT);
        int allowed = input.length() < 5 ? 1 : 2;
        for (String candidate : candidates.stream().sorted().toList()) {
            int distance = distance(lowered, candidate.toLowerCase(Locale.ROOT));
            if (distance <= allowed && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best == null ? "" : "; did you mean \"" + best + "\"?";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
