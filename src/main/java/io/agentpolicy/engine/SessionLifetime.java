package io.agentpolicy.engine;

import java.time.Duration;
import java.time.Instant;

import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.SessionPhase;

/**
 * The longest a session may live from its creation, whatever its expiresAt (api.md: agentpolicy.max-session-duration):
 * a session whose expiresAt lies years ahead still ends when its lifetime is over.
 */
public record SessionLifetime(Duration max) {
    /** The documented default: seven days. */
    public static final Duration DEFAULT = Duration.ofHours(168);

    public SessionLifetime {
        if (max.isNegative() || max.isZero()) {
            throw new IllegalArgumentException("the maximum session duration must be positive, not " + max);
        }
    }

    /**
     * The decision bounded by the lifetime of a session created at {@code created}: Expired once the lifetime is over
     * (a session that already ended keeps its decision), otherwise the same decision due again at the latest when the
     * lifetime ends.
     */
    public Decision bound(Decision decision, Instant created, Instant now) {
        if (created == null) {
            return decision;
        }
        Instant end = created.plus(max);
        if (now.isBefore(end)) {
            Instant next = decision.nextTransition() == null || end.isBefore(decision.nextTransition()) ? end : decision.nextTransition();
            return decision.until(next);
        }
        if (decision.phase() == SessionPhase.EXPIRED) {
            return decision;
        }
        return new Decision(SessionPhase.EXPIRED, null, decision.tier(), decision.seniority(), decision.policies(),
                "session reached the maximum lifetime of " + describe(max) + " at " + Rfc3339.format(end)
                        + " (agentpolicy.max-session-duration), whatever its expiresAt",
                false, decision.merged(), null);
    }

    /** "168h" for whole hours, the ISO-8601 form otherwise. */
    static String describe(Duration duration) {
        return duration.toSecondsPart() == 0 && duration.toMinutesPart() == 0 && duration.toMillisPart() == 0
                ? duration.toHours() + "h" : duration.toString();
    }
}
