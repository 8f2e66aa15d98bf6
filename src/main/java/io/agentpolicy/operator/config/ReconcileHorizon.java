package io.agentpolicy.operator.config;

import java.time.Duration;
import java.time.Instant;

/**
 * How far ahead a reconcile schedules the next one of its resource. JOSDK keeps a cancelled schedule in its timer's
 * queue until the instant it was for (a java.util.Timer never purges), and each reconcile cancels and replaces its
 * resource's: with the framework's 10-hour fail-safe, or a session's expiry a week away, every reconcile left an
 * object behind for that long (215,000 of them, about 20 MiB, after the 3,000-namespace benchmark; more with every
 * pod event over days). Scheduling at most 30 minutes ahead bounds them to the reconciles of the last 30 minutes; a
 * later instant is reached in steps, and a reconcile that finds nothing to change writes nothing.
 */
public final class ReconcileHorizon {
    /** The controllers' maxReconciliationInterval, in minutes (an annotation needs a constant). */
    public static final long MINUTES = 30;
    static final Duration HORIZON = Duration.ofMinutes(MINUTES);

    private ReconcileHorizon() {
    }

    /** The delay to schedule for an instant: just after it, or the horizon if that comes first. */
    public static Duration until(Instant now, Instant at) {
        Duration delay = Duration.between(now, at).plusMillis(1);
        return delay.compareTo(HORIZON) > 0 ? HORIZON : delay;
    }
}
