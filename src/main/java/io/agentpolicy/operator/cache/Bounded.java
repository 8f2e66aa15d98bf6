package io.agentpolicy.operator.cache;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The operator's in-memory maps, each with a bound: a Caffeine cache (least recently used out first) seen as a map.
 * Every per-object memory of the operator is one of these, so none grows with the cluster's history; what an
 * eviction forgets costs at most a repeated Event, audit line or merge, never a wrong decision.
 */
public final class Bounded {
    /** Per rendered map (one per tiered namespace and per running session). */
    public static final long PER_MAP = 50_000;
    /** Per policy or per set of policies (a handful per tier). */
    public static final long PER_POLICY_SET = 1_000;

    private Bounded() {
    }

    public static <K, V> ConcurrentMap<K, V> map(long maximumSize) {
        return Caffeine.newBuilder().maximumSize(maximumSize).<K, V>build().asMap();
    }

    public static <E> Set<E> set(long maximumSize) {
        return Collections.newSetFromMap(map(maximumSize));
    }
}
