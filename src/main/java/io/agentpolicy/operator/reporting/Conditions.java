package io.agentpolicy.operator.reporting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.agentpolicy.api.Condition;

/**
 * Builds the conditions of a status the way kstatus expects: every condition carries the observed generation,
 * and lastTransitionTime moves only when the condition's status really changes.
 */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";
    public static final String DRIFTED = "Drifted";
    public static final String CONFLICTING = "Conflicting";
    public static final String POLICY_VIOLATION = "PolicyViolation";
    /** Not an error: Claude Code settings keys or rules it would probably ignore. */
    public static final String WARNINGS = "Warnings";

    private final List<Condition> previous;
    private final long generation;
    private final Instant now;
    private final List<Condition> next = new ArrayList<>();

    public Conditions(List<Condition> previous, Long generation, Instant now) {
        this.previous = previous == null ? List.of() : previous;
        this.generation = generation == null ? 0 : generation;
        this.now = now;
    }

    public Conditions set(String type, boolean status, String reason, String message) {
        Condition condition = new Condition(type, status ? Condition.TRUE : Condition.FALSE, reason, message);
        condition.setObservedGeneration(generation);
        condition.setLastTransitionTime(previous.stream()
                .filter(p -> type.equals(p.getType()) && condition.getStatus().equals(p.getStatus()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull)
                .findFirst().orElse(now.toString()));
        next.add(condition);
        return this;
    }

    public List<Condition> build() {
        return List.copyOf(next);
    }

    /** The condition of this type in a list, or null. */
    public static Condition find(List<Condition> conditions, String type) {
        return conditions == null ? null
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        Condition condition = find(conditions, type);
        return condition != null && condition.isTrue();
    }
}
