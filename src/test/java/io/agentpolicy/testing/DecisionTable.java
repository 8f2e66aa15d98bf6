package io.agentpolicy.testing;

import java.util.Arrays;
import java.util.List;

/**
 * The hand-worked seniority x tier x requested-mode table (src/test/resources/decisions/seniority-tier-mode.txt),
 * shared by the engine's unit test and the integration test so both assert the same expectations.
 */
public final class DecisionTable {

    /** One row: tier, level, requested mode (null for none) and the outcome under Deny and under Downgrade. */
    public record Row(String tier, String level, String requested, Outcome underDeny, Outcome underDowngrade) {

        /** The groups that give an engineer this level under the domain.md policies. */
        public List<String> groups() {
            return switch (level) {
                case "mid" -> List.of("eng-mid");
                case "senior" -> List.of("eng-senior", "eng-mid");
                default -> List.of("eng-new");
            };
        }

        public Outcome outcome(boolean deny) {
            return deny ? underDeny : underDowngrade;
        }
    }

    /** "Admitted:plan" or "Denied": the phase and, unless denied, the effective mode. */
    public record Outcome(String phase, String effectiveMode) {
        static Outcome parse(String text) {
            String[] parts = text.split(":");
            return new Outcome(parts[0], parts.length > 1 ? parts[1] : null);
        }
    }

    private DecisionTable() {
    }

    public static List<Row> rows() {
        return Arrays.stream(Resources.readResource("decisions/seniority-tier-mode.txt").split("\n"))
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.split("\\s+"))
                .map(c -> new Row(c[0], c[1], "-".equals(c[2]) ? null : c[2], Outcome.parse(c[3]), Outcome.parse(c[4])))
                .toList();
    }
}
