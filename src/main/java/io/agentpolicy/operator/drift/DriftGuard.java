package io.agentpolicy.operator.drift;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.Enforcement;
import io.agentpolicy.operator.support.Bounded;
import io.agentpolicy.operator.support.EventRecorder;
import io.agentpolicy.operator.support.EventRecorder.Reason;
import io.agentpolicy.operator.support.ManagedConfigMaps;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Brings rendered maps to their desired state while telling drift apart: someone else's change is recorded for
 * the map's owners, reported as Events and metrics, restored under Enforce and left exactly as it is under Audit.
 */
@ApplicationScoped
public class DriftGuard {
    /** The last resourceVersion seen or written per map (namespace/name): a map missing from here was deleted. */
    private final Map<String, String> lastSeen = Bounded.map(Bounded.PER_MAP);
    /** Changes already counted in the metric (a change may reach several owners, at different moments). */
    private final Set<String> counted = Bounded.set(Bounded.PER_MAP);
    /** The API server's answer to an apply that would change an immutable map's data, or to an invalid write. */
    private static final int UNPROCESSABLE_ENTITY = 422;
    /** RBAC or an admission policy refused the write. */
    private static final int FORBIDDEN = 403;
    /** Why the last write of a map (namespace/name) was refused; absent once a write passes. */
    private final Map<String, String> refusals = Bounded.map(Bounded.PER_MAP);
    private final List<Consumer<List<DriftOwner>>> refusalListeners = new CopyOnWriteArrayList<>();
    /** The last state of each map that the operator wrote, the reference for edits made on top of other edits. */
    private final Map<String, ConfigMap> lastWritten = Bounded.map(Bounded.PER_MAP);

    @Inject
    ManagedConfigMaps maps;

    @Inject
    DriftLedger ledger;

    @Inject
    EventRecorder events;

    @Inject
    MeterRegistry registry;

    @Inject
    KubernetesClient client;

    /**
     * @param expectedToExist the map is known to have been rendered before (its owner's status says so), so a
     *        missing one was deleted rather than never created
     */
    public void converge(ConfigMap actual, ConfigMap desired, Enforcement enforcement, List<DriftOwner> owners, String tier,
            boolean expectedToExist, InformerEventSource<ConfigMap, ?> cache, Instant now) {
        String key = key(desired);
        ConfigMap current = actual;
        Drift drift = null;
        if (current != null) {
            drift = DriftDetector.inspect(current, desired);
        } else if (expectedToExist || lastSeen.containsKey(key)) {
            // Gone from the label-selected cache: deleted, or its managed labels were removed.
            current = fetch(desired);
            drift = current != null ? DriftDetector.inspect(current, desired)
                    : DriftDetector.deleted(desired.getMetadata().getNamespace(), desired.getMetadata().getName(),
                            lastSeen.getOrDefault(key, "unknown"));
        }
        boolean restore = enforcement != Enforcement.AUDIT;
        if (drift != null) {
            report(drift, restore, owners, tier, now);
            if (!restore) {
                return;
            }
        }
        ConfigMap written;
        try {
            if (drift != null && current != null) {
                written = maps.replace(current, desired, cache);
            } else {
                written = current == null ? createOrAdopt(desired, cache) : maps.apply(current, desired, cache);
                Drift foreign = current == null && written != null ? DriftDetector.inspect(written, desired) : null;
                if (foreign != null) {
                    // A map of that name was there, outside the managed-label cache: someone else's. Adopting it means
                    // replacing it whole, whatever the enforcement: the operator never rendered what it holds.
                    report(foreign, true, owners, tier, now);
                    written = maps.replace(written, desired, cache);
                    drift = foreign;
                }
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == FORBIDDEN || e.getCode() == UNPROCESSABLE_ENTITY) {
                // Refused, not failed: retrying alone will not help, so the owners say so (Stalled) until it passes.
                refusals.put(key, "ConfigMap " + key + " cannot be written: " + (e.getStatus() != null && e.getStatus().getMessage() != null
                        ? e.getStatus().getMessage() : e.getMessage()));
                refusalListeners.forEach(listener -> listener.accept(owners));
            }
            throw e;
        }
        if (refusals.remove(key) != null) {
            refusalListeners.forEach(listener -> listener.accept(owners));
        }
        lastSeen.put(key, (written != null ? written : current).getMetadata().getResourceVersion());
        if (drift != null) {
            String namespace = desired.getMetadata().getNamespace();
            String name = desired.getMetadata().getName();
            String message = "restored ConfigMap " + namespace + "/" + name + " to the rendered settings";
            owners.forEach(owner -> ledger.corrected(owner, namespace, name));
            owners.forEach(owner -> events.record(owner.resource(), Reason.DriftCorrected, message));
            registry.counter("agentpolicy.drift.corrected", "tier", tier).increment();
        }
    }

    /**
     * Creates the map with a server-side apply, which also merges into a map of that name that is already there; one
     * that is immutable refuses the apply (422) and is returned as it is, to be adopted.
     */
    private ConfigMap createOrAdopt(ConfigMap desired, InformerEventSource<ConfigMap, ?> cache) {
        try {
            return maps.apply(null, desired, cache);
        } catch (KubernetesClientException e) {
            ConfigMap existing = e.getCode() == UNPROCESSABLE_ENTITY ? fetch(desired) : null;
            if (existing == null) {
                throw e;
            }
            return existing;
        }
    }

    private ConfigMap fetch(ConfigMap desired) {
        return client.configMaps().inNamespace(desired.getMetadata().getNamespace()).withName(desired.getMetadata().getName()).get();
    }

    /**
     * Sees every change of a map as the watch delivers it, so quick successive edits are each counted even when
     * one reconcile restores them all: a change away from a state the operator wrote is drift.
     */
    public void witness(ConfigMap previous, ConfigMap next, Enforcement enforcement, List<DriftOwner> owners, String tier,
            Instant now) {
        String key = key(next);
        if (DriftDetector.writtenByOperator(previous)) {
            lastWritten.put(key, previous);
        }
        ConfigMap reference = lastWritten.get(key);
        if (reference == null || owners.isEmpty() || DriftDetector.writtenByOperator(next)) {
            return;
        }
        Drift drift = DriftDetector.inspect(next, reference);
        if (drift != null) {
            report(drift, enforcement != Enforcement.AUDIT, owners, tier, now);
        }
    }

    /** Why the API server refuses the operator's writes of this map, while it does. */
    public Optional<String> refusal(String namespace, String name) {
        return Optional.ofNullable(refusals.get(namespace + "/" + name));
    }

    /** Tells the listener the owners of a map whose write was refused, or passes again after a refusal. */
    public void onRefusalChange(Consumer<List<DriftOwner>> listener) {
        refusalListeners.add(listener);
    }

    /** Removes a map that should no longer exist (no policy governs it, or the session does not run). */
    public void remove(ConfigMap actual) {
        if (maps.delete(actual)) {
            refusals.remove(key(actual));
            lastSeen.remove(key(actual));
            lastWritten.remove(key(actual));
        }
    }

    /** The drift a map shows right now, for the owners' Drifted condition; a deleted map counts. */
    public Drift currentDrift(ConfigMap actual, ConfigMap desired) {
        if (actual != null) {
            return DriftDetector.inspect(actual, desired);
        }
        String key = key(desired);
        if (!lastSeen.containsKey(key)) {
            return null;
        }
        // The caller's cache may not have seen a map the operator has just written: only the API server can say it is gone.
        ConfigMap current = fetch(desired);
        return current != null ? DriftDetector.inspect(current, desired)
                : DriftDetector.deleted(desired.getMetadata().getNamespace(), desired.getMetadata().getName(), lastSeen.get(key));
    }

    /** Reports drift seen while an owner's status is computed (each change is counted and announced once). */
    public void note(DriftOwner owner, Drift drift, Enforcement enforcement, String tier, Instant now) {
        report(drift, enforcement != Enforcement.AUDIT, List.of(owner), tier, now);
    }

    /** Records the drift for each owner that has not seen it yet, with an Event; counts each change once. */
    private void report(Drift drift, boolean restore, List<DriftOwner> owners, String tier, Instant now) {
        String message = "ConfigMap " + drift.namespace() + "/" + drift.configMap()
                + (drift.changedBy() == null ? " was deleted" : " was changed by " + drift.changedBy())
                + " at " + (drift.paths().equals(List.of("")) ? "the whole document" : String.join(", ", drift.paths()))
                + (restore ? "; restoring it (Enforce)" : "; left as it is (Audit)");
        for (DriftOwner owner : owners) {
            if (ledger.record(owner, drift, restore, now)) {
                events.record(owner.resource(), Reason.DriftDetected, message);
            }
        }
        if (!counted.add(drift.namespace() + "/" + drift.configMap() + "@" + drift.version())) {
            return;
        }
        registry.counter("agentpolicy.drift.detected", "tier", tier).increment();
    }

    private static String key(ConfigMap map) {
        return map.getMetadata().getNamespace() + "/" + map.getMetadata().getName();
    }
}
