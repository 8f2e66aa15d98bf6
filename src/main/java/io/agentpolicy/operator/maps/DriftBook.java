package io.agentpolicy.operator.maps;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.agentpolicy.api.DriftEntry;
import io.agentpolicy.api.DriftStatus;

/**
 * The drift record of one owner (PermissionPolicy or AgentSession) for its current generation: the total and the
 * newest entries. It is seeded from the owner's status, so the count survives restarts; each change of a map is
 * counted once, however many reconciles see it.
 */
final class DriftBook {
    /** Map versions already counted: enough to recognise any change still in flight, not the whole history. */
    private static final int REMEMBERED_VERSIONS = 200;

    final long generation;
    private long count;
    private final Deque<DriftEntry> entries = new ArrayDeque<>();
    private final Set<String> versions = new LinkedHashSet<>();
    /** Per map, the content of its newest drift not corrected yet: seen again at another version, it is the same drift. */
    private final Map<String, String> uncorrectedContent = new LinkedHashMap<>();

    private DriftBook(long generation) {
        this.generation = generation;
    }

    /** A book for the owner's generation, continuing the record its status holds when that is of this generation. */
    static DriftBook of(DriftOwner owner) {
        DriftBook book = new DriftBook(owner.generation());
        if (owner.persistedIsCurrent()) {
            book.count = owner.persisted().getCount();
            owner.persisted().getEntries().forEach(book.entries::addLast);
        }
        return book;
    }

    /** A fresh book for a new generation: the count restarts. */
    static DriftBook fresh(DriftOwner owner) {
        return new DriftBook(owner.generation());
    }

    /**
     * Records the drift unless this change of the map was recorded already; true when new. The entry says
     * corrected: false until {@link #corrected} confirms that the map was put back.
     *
     * @param restoring the map is about to be restored (Enforce): a drift that looks like the previous one is then a new
     *        edit, not the same drift seen again
     */
    synchronized boolean record(Drift drift, boolean restoring, Instant now) {
        String map = drift.namespace() + "/" + drift.configMap();
        if (!versions.add(map + "@" + drift.version()) || drift.content() != null && drift.content().equals(uncorrectedContent.get(map))
                || !restoring && repeatsTheNewestEntry(drift)) {
            return false;
        }
        forgetOldest(versions);
        uncorrectedContent.remove(map);
        if (drift.content() != null) {
            uncorrectedContent.put(map, drift.content());
            forgetOldest(uncorrectedContent.keySet());
        }
        DriftEntry entry = new DriftEntry();
        entry.setNamespace(drift.namespace());
        entry.setConfigMap(drift.configMap());
        entry.setPaths(drift.paths());
        entry.setChangedBy(drift.changedBy());
        entry.setDetectedAt(now.toString());
        entry.setCorrected(false);
        count++;
        entries.addFirst(entry);
        while (entries.size() > DriftStatus.MAX_ENTRIES) {
            entries.removeLast();
        }
        return true;
    }

    /** The map now holds exactly the operator's content again: every drift recorded for it is corrected. */
    synchronized void corrected(String namespace, String configMap) {
        uncorrectedContent.remove(namespace + "/" + configMap);
        entries.stream()
                .filter(e -> namespace.equals(e.getNamespace()) && configMap.equals(e.getConfigMap()))
                .forEach(e -> e.setCorrected(true));
    }

    /** The drift part of the owner's status; null while nothing ever drifted. */
    synchronized DriftStatus snapshot() {
        if (count == 0) {
            return null;
        }
        DriftStatus status = new DriftStatus();
        status.setCount(count);
        status.setEntries(new ArrayList<>(entries));
        return status;
    }

    /** Keeps the newest {@link #REMEMBERED_VERSIONS} of an insertion-ordered set. */
    private static void forgetOldest(Set<String> remembered) {
        if (remembered.size() > REMEMBERED_VERSIONS) {
            remembered.remove(remembered.iterator().next());
        }
    }

    /**
     * An uncorrected drift that looks exactly like the newest entry for that map is the same drift seen again
     * (e.g. after a restart, under Audit), not a new one.
     */
    private boolean repeatsTheNewestEntry(Drift drift) {
        return entries.stream()
                .filter(e -> drift.namespace().equals(e.getNamespace()) && drift.configMap().equals(e.getConfigMap()))
                .findFirst()
                .filter(e -> Boolean.FALSE.equals(e.getCorrected()) && e.getPaths().equals(drift.paths())
                        && Objects.equals(e.getChangedBy(), drift.changedBy()))
                .isPresent();
    }
}
