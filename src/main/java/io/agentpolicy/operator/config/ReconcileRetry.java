package io.agentpolicy.operator.config;

/**
 * How a failed reconcile is retried: without end, 1 s after the first failure, doubling up to 5 s. The framework's
 * default gives up after five attempts (about 16 s), and a resource whose retries ran out waited for its next event or
 * the 30-minute horizon: after an API server outage longer than that, a policy whose maps were already right kept the
 * status of its last failed reconcile ("Rendering") indefinitely. With the cap, every resource is reconciled within
 * 5 s of the API server's return. The cost is a refused write (RBAC, an admission policy) tried again every 5 s, one
 * log line each, until someone fixes what refuses it; its owners say Stalled meanwhile.
 */
public final class ReconcileRetry {
    /** Annotation values (they must be constants): use as {@code @GradualRetry(maxAttempts = ReconcileRetry.UNLIMITED, ...)}. */
    public static final int UNLIMITED = -1;
    public static final long INITIAL_MILLIS = 1_000;
    public static final double MULTIPLIER = 2;
    public static final long MAX_MILLIS = 5_000;

    private ReconcileRetry() {
    }
}
