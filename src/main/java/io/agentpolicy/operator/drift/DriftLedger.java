package io.agentpolicy.operator.drift;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentpolicy.api.DriftEntry;
import io.agentpolicy.api.DriftStatus;
import io.agentpolicy.operator.support.Bounded;

/**
 * The drift record of each owner (PermissionPolicy or AgentSession): the total since the owner's current
 * generation and the newest entries. It lives in memory and is seeded from the owner's status, so the count
 * survives restarts; each change of a map is counted once, however many reconciles see it.
 */
@ApplicationScoped
public class DriftLedger {
    private static final Logger LOG = Logger.getLogger(DriftLedger.class);
    private static final int REMEMBERED_VERSIONS = 200;

    private static final class Book {
        final long generation;
        long count;
        final Deque<DriftEntry> entries = new ArrayDeque<>();
        final Set<String> versions = new LinkedHashSet<>();

        Book(long generation) {
            this.generation = generation;
        }
    }

    private final Map<String, Book> books = Bounded.map(Bounded.PER_POLICY_SET + Bounded.PER_SESSION);

    /**
     * Records the drift for the owner unless this change of the map was recorded already; true when new. The entry
     * says corrected: false until {@link #corrected} confirms that the map was put back.
     *
     * @param restoring the map is about to be restored (Enforce): a drift that looks like the previous one is then a new
     *        edit, not the same drift seen again
     */
    public synchronized boolean record(DriftOwner owner, Drift drift, boolean restoring, Instant now) {
        Book book = bookOf(owner);
        String version = drift.namespace() + "/" + drift.configMap() + "@" + drift.version();
        if (!book.versions.add(version) || !restoring && repeatsTheNewestEntry(book, drift)) {
            return false;
        }
        if (book.versions.size() > REMEMBERED_VERSIONS) {
            book.versions.remove(book.versions.iterator().next());
        }
        LOG.debugf("drift of %s recorded for %s (count %d)", version, owner.resource().getMetadata().getName(), book.count + 1);
        DriftEntry entry = new DriftEntry();
        entry.setNamespace(drift.namespace());
        entry.setConfigMap(drift.configMap());
        entry.setPaths(drift.paths());
        entry.setChangedBy(drift.changedBy());
        entry.setDetectedAt(now.toString());
        entry.setCorrected(false);
        book.count++;
        book.entries.addFirst(entry);
        while (book.entries.size() > DriftStatus.MAX_ENTRIES) {
            book.entries.removeLast();
        }
        return true;
    }

    /** The map now holds exactly the operator's content again: every drift recorded for it is corrected. */
    public synchronized void corrected(DriftOwner owner, String namespace, String configMap) {
        bookOf(owner).entries.stream()
                .filter(e -> namespace.equals(e.getNamespace()) && configMap.equals(e.getConfigMap()))
                .forEach(e -> e.setCorrected(true));
    }

    /** The drift part of the owner's status; null while nothing ever drifted. */
    public synchronized DriftStatus snapshot(DriftOwner owner) {
        Book book = bookOf(owner);
        if (book.count == 0) {
            return null;
        }
        DriftStatus status = new DriftStatus();
        status.setCount(book.count);
        status.setEntries(new ArrayList<>(book.entries));
        return status;
    }

    /**
     * An uncorrected drift that looks exactly like the newest entry for that map is the same drift seen again
     * (e.g. after a restart, under Audit), not a new one.
     */
    private static boolean repeatsTheNewestEntry(Book book, Drift drift) {
        return book.entries.stream()
                .filter(e -> drift.namespace().equals(e.getNamespace()) && drift.configMap().equals(e.getConfigMap()))
                .findFirst()
                .filter(e -> Boolean.FALSE.equals(e.getCorrected()) && e.getPaths().equals(drift.paths())
                        && Objects.equals(e.getChangedBy(), drift.changedBy()))
                .isPresent();
    }

    /** The owner's book for its current generation, seeded from the persisted status on first use. */
    private Book bookOf(DriftOwner owner) {
        Book book = books.get(owner.uid());
        if (book != null && book.generation == owner.generation()) {
            return book;
        }
        Book fresh = new Book(owner.generation());
        if (book == null && owner.persistedIsCurrent()) {
            fresh.count = owner.persisted().getCount();
            owner.persisted().getEntries().forEach(fresh.entries::addLast);
        }
        books.put(owner.uid(), fresh);
        return fresh;
    }
}
