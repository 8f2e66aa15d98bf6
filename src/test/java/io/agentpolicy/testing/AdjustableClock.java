package io.agentpolicy.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The operator's clock in @QuarkusTest: the system's, moved forward by what a test asks for, so that a test reaches
 * an instant days away (a quiet period ending) without waiting for it. Tests that move it put it back in a finally.
 */
@Alternative
@Priority(1)
@Singleton
public class AdjustableClock extends Clock {
    private static volatile Duration ahead = Duration.ZERO;

    /** Moves the operator's clock forward by the duration (on top of earlier moves). */
    public static void advance(Duration duration) {
        ahead = ahead.plus(duration);
    }

    /** Back to the system's time. */
    public static void reset() {
        ahead = Duration.ZERO;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(Clock.system(zone), ahead);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(ahead);
    }
}
