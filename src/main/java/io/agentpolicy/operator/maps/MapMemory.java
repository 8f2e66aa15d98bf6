package io.agentpolicy.operator.maps;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * Everything the operator remembers about rendered maps and their owners, in two bounded caches (least recently
 * used out first): one record per map, keyed "namespace/name", and one drift book per owner, keyed by uid. What an
 * eviction forgets costs at most a repeated Event or a deletion seen as a fresh creation, never a wrong map.
 */
final class MapMemory {
    /** One per tiered namespace and per running session. */
    static final long MAPS = 50_000;
    /** One per policy and per session. */
    static final long OWNERS = 51_000;
    /** Changes seen by the watch and not yet inspected, per map: more than a burst of edits between two reconciles. */
    private static final int WITNESSED = 20;
    /** Map versions already counted in the metric, per map. */
    private static final int COUNTED = 20;

    /** A change of a map seen by the watch, with the operator's own state it was made on. */
    record Witnessed(ConfigMap change, ConfigMap reference) {
    }

    /** What the operator knows of one map. Written by the watch thread and the reconcilers, hence synchronized. */
    static final class MapRecord {
        /** The last resourceVersion the operator wrote or inspected: a map that has one and is missing was deleted. */
        volatile String lastVersion;
        /** The last state of the map that the operator wrote, the reference for edits made on top of other edits. */
        volatile ConfigMap lastWritten;
        /** Why the API server refuses the operator's writes of the map, while it does. */
        volatile String refusal;
        private final List<Witnessed> witnessed = new ArrayList<>();
        private final Set<String> counted = new LinkedHashSet<>();

        synchronized void witness(ConfigMap change, ConfigMap reference) {
            if (witnessed.size() < WITNESSED) {
                witnessed.add(new Witnessed(change, reference));
            }
        }

        /** The changes the watch saw since the last call, each handed out once. */
        synchronized List<Witnessed> takeWitnessed() {
            List<Witnessed> taken = List.copyOf(witnessed);
            witnessed.clear();
            return taken;
        }

        /** True the first time a version of the map is counted. */
        synchronized boolean firstCount(String version) {
            if (!counted.add(version)) {
                return false;
            }
            if (counted.size() > COUNTED) {
                counted.remove(counted.iterator().next());
            }
            return true;
        }
    }

    private final Cache<String, MapRecord> maps = Caffeine.newBuilder().maximumSize(MAPS).build();
    private final Cache<String, DriftBook> books = Caffeine.newBuilder().maximumSize(OWNERS).build();

    MapRecord map(String key) {
        return maps.get(key, k -> new MapRecord());
    }

    /** The record of a map the operator has seen or written; null for one it never has. */
    MapRecord seen(String key) {
        return maps.getIfPresent(key);
    }

    void forgetMap(String key) {
        maps.invalidate(key);
    }

    /** The owner's book for its current generation, seeded from its persisted status on first sight. */
    DriftBook book(DriftOwner owner) {
        return books.asMap().compute(owner.uid(), (uid, book) -> book == null ? DriftBook.of(owner)
                : book.generation == owner.generation() ? book : DriftBook.fresh(owner));
    }

    void forgetOwner(String uid) {
        books.invalidate(uid);
    }
}
