package io.agentpolicy.engine;

import java.time.Instant;
import java.util.List;

import io.agentpolicy.api.ExceptionState;

/**
 * Where a session's exception stands after a decision (status.exception).
 *
 * @param approvals the approvals counted for the session's current spec, one per approver, in the order of the
 *        requirements they meet
 * @param missing the requirements no approval meets yet, each as "group" or "group-a or group-b"
 * @param expiresAt when an approved exception lapses; null unless approved (or expired)
 */
public record ExceptionOutcome(ExceptionState state, List<CountedAnswer> approvals, List<String> missing, Instant expiresAt) {

    public ExceptionOutcome {
        approvals = List.copyOf(approvals);
        missing = List.copyOf(missing);
    }

    /** An approval that counted: who, as which groups, when. */
    public record CountedAnswer(String approver, List<String> groups, Instant at) {
        public CountedAnswer {
            groups = List.copyOf(groups);
        }
    }

    static ExceptionOutcome of(ExceptionState state) {
        return new ExceptionOutcome(state, List.of(), List.of(), null);
    }
}
