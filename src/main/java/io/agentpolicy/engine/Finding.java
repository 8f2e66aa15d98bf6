package io.agentpolicy.engine;

/** One validation problem: the offending field (e.g. spec.permissions.deny[2]) and what is wrong and what would be right. */
public record Finding(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
