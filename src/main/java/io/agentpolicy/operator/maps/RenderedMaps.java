package io.agentpolicy.operator.maps;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.DriftStatus;
import io.agentpolicy.api.Enforcement;
import io.agentpolicy.operator.maps.MapMemory.MapRecord;
import io.agentpolicy.operator.reporting.EventRecorder.Reason;
import io.agentpolicy.operator.reporting.EventRecorder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The one owner of rendered maps. Reconcilers say what a map should hold ({@link Target}) and this brings it there,
 * telling someone else's change (drift) from a re-render: drift is recorded for the map's owners, reported as Events
 * and metrics, restored under Enforce and left exactly as it is under Audit. The watch only records what it saw
 * ({@link #witnessed}); everything else happens on the reconcilers' threads. All per-map and per-owner memory is in
 * one bounded {@link MapMemory}.
 *
 * <p>A hand edit, followed: the watch hands the edited map to {@link #witnessed}, which keeps it; the reconcile that
 * the same event triggers calls {@link #converge}, which inspects it with {@link DriftDetector}, reports it and
 * writes the desired map back through {@link MapWrites}.
 */
@ApplicationScoped
public class RenderedMaps {
    /** The API server's answer to an apply that would change an immutable map's data, or to an invalid write. */
    private static final int UNPROCESSABLE_ENTITY = 422;
    /** RBAC or an admission policy refused the write. */
    private static final int FORBIDDEN = 403;

    /**
     * What one map should be.
     *
     * @param owners the resources its drift is reported to (the contributing policies, or the session)
     * @param tier the metrics' label
     */
    public record Target(ConfigMap desired, Enforcement enforcement, List<DriftOwner> owners, String tier) {
        boolean restores() {
            return enforcement != Enforcement.AUDIT;
        }
    }

    /**
     * What a map is, for its owners' status.
     *
     * @param drift someone else's change the map shows now (a deleted map counts); null when none
     * @param refusal why the API server refuses the operator's writes of the map; null when it does not
     */
    public record State(boolean upToDate, Drift drift, String refusal) {
    }

    private final MapMemory memory = new MapMemory();
    private final List<Consumer<ConfigMap>> changeListeners = new CopyOnWriteArrayList<>();
    /** The informers that watch rendered maps, one per kind of map (baseline, session), each map in exactly one. */
    private final List<InformerEventSource<ConfigMap, ?>> informers = new CopyOnWriteArrayList<>();

    @Inject
    MapWrites writes;

    @Inject
    EventRecorder events;

    @Inject
    MeterRegistry registry;

    @Inject
    KubernetesClient client;

    /**
     * Brings the map to its target, reporting the drift found on the way.
     *
     * @param actual the map as the caller's cache has it
     * @param expectedToExist the map is known to have been rendered before (its owner's status says so), so a
     *        missing one was deleted rather than never created
     * @param cache the caller's informer, told of every write so its next reconcile reads it
     */
    public void converge(ConfigMap actual, Target target, boolean expectedToExist, InformerEventSource<ConfigMap, ?> cache, Instant now) {
        ConfigMap desired = target.desired();
        MapRecord record = memory.map(RenderedMap.key(desired));
        try {
            converge(actual, target, expectedToExist, cache, now, record);
        } finally {
            // Written, restored, refused or found as it should be: the owners' status may change either way, and the
            // policies that no longer contribute (named on the actual map) must hear of it too.
            changeListeners.forEach(listener -> listener.accept(desired));
            if (actual != null) {
                changeListeners.forEach(listener -> listener.accept(actual));
            }
        }
    }

    private void converge(ConfigMap actual, Target target, boolean expectedToExist, InformerEventSource<ConfigMap, ?> cache, Instant now,
            MapRecord record) {
        ConfigMap desired = target.desired();
        reportWitnessed(record, target, now);
        ConfigMap current = actual;
        Drift drift = null;
        if (current != null) {
            drift = DriftDetector.inspect(current, desired);
        } else if (expectedToExist || record.lastVersion != null) {
            // Gone from the label-selected cache: deleted, or its managed labels were removed.
            current = fetch(desired);
            drift = driftOfFetched(current, desired, record.lastVersion);
        }
        if (drift != null) {
            report(drift, target.restores(), target, now);
            if (!target.restores()) {
                return;
            }
        }
        ConfigMap written;
        try {
            if (drift != null && current != null) {
                written = writes.replace(current, desired, cache);
            } else {
                written = current == null ? createOrAdopt(desired, cache) : writes.apply(current, desired, cache);
                Drift foreign = current == null && written != null ? DriftDetector.inspect(written, desired) : null;
                if (foreign != null) {
                    // A map of that name was there, outside the managed-label cache: someone else's. Adopting it means
                    // replacing it whole, whatever the enforcement: the operator never rendered what it holds.
                    report(foreign, true, target, now);
                    written = writes.replace(written, desired, cache);
                    drift = foreign;
                }
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == FORBIDDEN || e.getCode() == UNPROCESSABLE_ENTITY) {
                // Refused, not failed: retrying alone will not help, so the owners say so (Stalled) until it passes.
                record.refusal = "ConfigMap " + RenderedMap.key(desired) + " cannot be written: "
                        + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage());
            }
            throw e;
        }
        record.refusal = null;
        record.lastVersion = (written != null ? written : current).getMetadata().getResourceVersion();
        if (drift != null) {
            String namespace = desired.getMetadata().getNamespace();
            String name = desired.getMetadata().getName();
            String message = "restored ConfigMap " + namespace + "/" + name + " to the rendered settings";
            target.owners().forEach(owner -> memory.book(owner).corrected(namespace, name));
            target.owners().forEach(owner -> events.record(owner.resource(), Reason.DriftCorrected, message));
            registry.counter("agentpolicy.drift.corrected", "tier", target.tier()).increment();
        }
    }

    /**
     * The map as its owners' status shows it. Drift found here is recorded too: under Audit nothing restores it,
     * and a policy sharing a map with others may see it before the namespace's reconcile does.
     */
    public State state(ConfigMap actual, Target target, Instant now) {
        ConfigMap desired = target.desired();
        MapRecord record = memory.seen(RenderedMap.key(desired));
        Drift drift = null;
        if (actual != null) {
            drift = DriftDetector.inspect(actual, desired);
        } else if (record != null && record.lastVersion != null) {
            // The caller's cache may not have seen a map the operator has just written: only the API server can say it is gone.
            drift = driftOfFetched(fetch(desired), desired, record.lastVersion);
        }
        if (drift != null) {
            report(drift, target.restores(), target, now);
        }
        return new State(RenderedMap.isUpToDate(actual, desired), drift, record == null ? null : record.refusal);
    }

    /**
     * The watch's handler for a changed map: it only records. A change away from a state the operator wrote is kept,
     * so quick successive edits are each counted even when one reconcile restores them all.
     */
    public void witnessed(ConfigMap before, ConfigMap after) {
        MapRecord record = memory.map(RenderedMap.key(after));
        if (DriftDetector.writtenByOperator(before)) {
            record.lastWritten = before;
        }
        ConfigMap reference = record.lastWritten;
        if (reference != null && !DriftDetector.writtenByOperator(after)) {
            record.witness(after, reference);
        }
    }

    /** Removes a map that should no longer exist (no policy governs it, or the session does not run). */
    public void remove(ConfigMap actual) {
        if (writes.delete(actual)) {
            memory.forgetMap(RenderedMap.key(actual));
            changeListeners.forEach(listener -> listener.accept(actual));
        }
    }

    /** The drift part of the owner's status; null while nothing ever drifted. */
    public DriftStatus driftRecord(DriftOwner owner) {
        return memory.book(owner).snapshot();
    }

    /** Forgets a deleted owner's drift record. */
    public void forgetOwner(HasMetadata owner) {
        memory.forgetOwner(owner.getMetadata().getUid());
    }

    /**
     * Tells the listener of every map converged or removed, so that the statuses reading it are computed again: a
     * refused write, for one, leaves no watch event behind.
     */
    public void onChange(Consumer<ConfigMap> listener) {
        changeListeners.add(listener);
    }

    /** Registers an informer of rendered maps, for {@link #get}: the controller that renders them owns it. */
    public void watchedBy(InformerEventSource<ConfigMap, ?> informer) {
        informers.add(informer);
    }

    /** A rendered map as the informers have it (including the operator's own writes not yet seen by the watch). */
    public Optional<ConfigMap> get(String namespace, String name) {
        ResourceID id = new ResourceID(name, namespace);
        // Another controller's informer may not have started yet (controllers start in parallel): it holds nothing then.
        return informers.stream().filter(InformerEventSource::isRunning).map(informer -> informer.get(id)).flatMap(Optional::stream)
                .findFirst();
    }

    /** Reports the drift of each change the watch saw since the last reconcile of the map. */
    private void reportWitnessed(MapRecord record, Target target, Instant now) {
        for (MapMemory.Witnessed seen : record.takeWitnessed()) {
            Drift drift = DriftDetector.inspect(seen.change(), seen.reference());
            if (drift != null) {
                report(drift, target.restores(), target, now);
            }
        }
    }

    /**
     * Creates the map with a server-side apply, which also merges into a map of that name that is already there; one
     * that is immutable refuses the apply (422) and is returned as it is, to be adopted.
     */
    private ConfigMap createOrAdopt(ConfigMap desired, InformerEventSource<ConfigMap, ?> cache) {
        try {
            return writes.apply(null, desired, cache);
        } catch (KubernetesClientException e) {
            ConfigMap existing = e.getCode() == UNPROCESSABLE_ENTITY ? fetch(desired) : null;
            if (existing == null) {
                throw e;
            }
            return existing;
        }
    }

    /** The drift of a map missing from the cache, as the API server has it: changed, or deleted when it has none. */
    private static Drift driftOfFetched(ConfigMap fetched, ConfigMap desired, String lastVersion) {
        return fetched != null ? DriftDetector.inspect(fetched, desired)
                : DriftDetector.deleted(desired.getMetadata().getNamespace(), desired.getMetadata().getName(),
                        lastVersion == null ? "unknown" : lastVersion);
    }

    private ConfigMap fetch(ConfigMap desired) {
        return client.configMaps().inNamespace(desired.getMetadata().getNamespace()).withName(desired.getMetadata().getName()).get();
    }

    /** Records the drift for each owner that has not seen it yet, with an Event; counts each change once. */
    private void report(Drift drift, boolean restore, Target target, Instant now) {
        String message = "ConfigMap " + drift.namespace() + "/" + drift.configMap()
                + (drift.changedBy() == null ? " was deleted" : " was changed by " + drift.changedBy())
                + " at " + (drift.paths().equals(List.of("")) ? "the whole document" : String.join(", ", drift.paths()))
                + (restore ? "; restoring it (Enforce)" : "; left as it is (Audit)");
        boolean recorded = false;
        for (DriftOwner owner : target.owners()) {
            if (memory.book(owner).record(drift, restore, now)) {
                events.record(owner.resource(), Reason.DriftDetected, message);
                recorded = true;
            }
        }
        // Once per change of the map, however many owners share it; not at all for a drift seen again.
        if (recorded && memory.map(drift.namespace() + "/" + drift.configMap()).firstCount(drift.version())) {
            registry.counter("agentpolicy.drift.detected", "tier", target.tier()).increment();
        }
    }
}
