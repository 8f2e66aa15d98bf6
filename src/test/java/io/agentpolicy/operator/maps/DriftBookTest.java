package io.agentpolicy.operator.maps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.DriftEntry;
import io.agentpolicy.api.DriftStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** An owner's drift record: each change counted once, kept across restarts, restarted with a new generation. */
class DriftBookTest {
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final Drift EDIT = new Drift("payments", "agent-session-fix", List.of("/permissions/defaultMode"), "kubectl-edit", "11");

    @Test
    void aChangeSeenByManyReconcilesIsCountedOnce() {
        DriftBook book = DriftBook.of(owner(1, null, null));

        assertThat(book.record(EDIT, true, NOW)).isTrue();
        assertThat(book.record(EDIT, true, NOW.plusSeconds(1))).isFalse();

        assertThat(book.snapshot().getCount()).isEqualTo(1);
        assertThat(book.snapshot().getEntries()).singleElement().satisfies(entry -> {
            assertThat(entry.getPaths()).containsExactly("/permissions/defaultMode");
            assertThat(entry.getChangedBy()).isEqualTo("kubectl-edit");
            assertThat(entry.getCorrected()).isFalse();
        });
    }

    @Test
    void underAuditTheSameEditSeenAgainAfterARestartIsNotANewOne() {
        DriftBook book = DriftBook.of(owner(1, null, null));
        book.record(EDIT, false, NOW);
        // The same content at a new resourceVersion (e.g. a label added elsewhere), not restored: still one drift.
        Drift same = new Drift(EDIT.namespace(), EDIT.configMap(), EDIT.paths(), EDIT.changedBy(), "12");

        assertThat(book.record(same, false, NOW)).isFalse();
        Drift afterARestore = new Drift(EDIT.namespace(), EDIT.configMap(), EDIT.paths(), EDIT.changedBy(), "14");
        assertThat(book.record(afterARestore, true, NOW)).as("under Enforce it was restored in between: a new edit").isTrue();
    }

    @Test
    void theSameContentAtANewVersionBeforeAnyRestoreIsTheSameDrift() {
        DriftBook book = DriftBook.of(owner(1, null, null));
        Drift tenantsMap = new Drift("payments", "agent-managed-settings", List.of("metadata.finalizers", "data"), "helm", "20", "content-a");
        assertThat(book.record(tenantsMap, true, NOW)).isTrue();
        // The operator's delete set deletionTimestamp (a finalizer holds the map), so the takeover meets version 21.
        Drift terminating = new Drift(tenantsMap.namespace(), tenantsMap.configMap(), tenantsMap.paths(), "helm", "21", "content-a");
        assertThat(book.record(terminating, true, NOW)).isFalse();

        Drift editedAgain = new Drift(tenantsMap.namespace(), tenantsMap.configMap(), tenantsMap.paths(), "helm", "22", "content-b");
        assertThat(book.record(editedAgain, true, NOW)).as("other content: a new edit").isTrue();
        book.corrected(tenantsMap.namespace(), tenantsMap.configMap());
        Drift sameEditAfterTheRestore = new Drift(tenantsMap.namespace(), tenantsMap.configMap(), tenantsMap.paths(), "helm", "24", "content-b");
        assertThat(book.record(sameEditAfterTheRestore, true, NOW)).as("the same edit made again after the restore").isTrue();
        assertThat(book.snapshot().getCount()).isEqualTo(3);
    }

    @Test
    void correctedMarksTheMapsEntries() {
        DriftBook book = DriftBook.of(owner(1, null, null));
        book.record(EDIT, true, NOW);

        book.corrected("payments", "agent-session-fix");

        assertThat(book.snapshot().getEntries()).extracting(DriftEntry::getCorrected).containsExactly(true);
    }

    @Test
    void theCountContinuesFromTheStatusOfTheSameGeneration() {
        DriftStatus persisted = new DriftStatus();
        persisted.setCount(4L);
        persisted.setEntries(List.of());

        DriftBook book = DriftBook.of(owner(3, persisted, 3L));
        book.record(EDIT, true, NOW);

        assertThat(book.snapshot().getCount()).isEqualTo(5);
        assertThat(DriftBook.of(owner(4, persisted, 3L)).snapshot()).as("a status of an older generation").isNull();
    }

    @Test
    void nothingDriftedMeansNoRecord() {
        assertThat(DriftBook.of(owner(1, null, null)).snapshot()).isNull();
    }

    @Test
    void onlyTheNewestEntriesAreKept() {
        DriftBook book = DriftBook.of(owner(1, null, null));
        for (int version = 0; version < DriftStatus.MAX_ENTRIES + 3; version++) {
            book.record(new Drift("payments", "m", List.of("/x"), "kubectl", String.valueOf(version)), true, NOW);
        }

        assertThat(book.snapshot().getCount()).isEqualTo(DriftStatus.MAX_ENTRIES + 3);
        assertThat(book.snapshot().getEntries()).hasSize(DriftStatus.MAX_ENTRIES);
    }

    @Test
    void memoryStartsAFreshBookForANewGeneration() {
        MapMemory memory = new MapMemory();
        memory.book(owner(1, null, null)).record(EDIT, true, NOW);

        assertThat(memory.book(owner(1, null, null)).snapshot().getCount()).isEqualTo(1);
        assertThat(memory.book(owner(2, null, null)).snapshot()).isNull();
    }

    private static DriftOwner owner(long generation, DriftStatus persisted, Long persistedGeneration) {
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder().withName("fix").withNamespace("payments").withUid("uid-1").withGeneration(generation).build());
        return new DriftOwner(session, persisted, persistedGeneration);
    }
}
