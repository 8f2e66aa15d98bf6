package io.agentpolicy.bench;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * What the benchmark sees of the work of the operator (or of Kyverno): the maps it renders and the AgentSessions,
 * through two watches (informers) opened before it starts. Each change is passed to the listeners with the instant it
 * arrived (System.nanoTime), which gives per-map timings without polling the API server.
 */
final class ClusterWatch implements AutoCloseable {
    private final List<BiConsumer<ConfigMap, Long>> mapListeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<GenericKubernetesResource, Long>> sessionListeners = new CopyOnWriteArrayList<>();
    private final SharedIndexInformer<ConfigMap> mapInformer;
    private final SharedIndexInformer<GenericKubernetesResource> sessionInformer;

    /** The operator's maps (labelled managed-by agent-policy-operator) and the sessions. */
    ClusterWatch(KubernetesClient client) {
        this(client, Scenario.MANAGED_BY, Scenario.OPERATOR);
    }

    /** The maps that carry the label with the value, and the sessions. */
    ClusterWatch(KubernetesClient client, String mapLabel, String mapLabelValue) {
        mapInformer = client.configMaps().inAnyNamespace().withLabel(mapLabel, mapLabelValue)
                .inform(handler(mapListeners));
        sessionInformer = client.genericKubernetesResources(Scenario.API_VERSION, "AgentSession").inAnyNamespace()
                .inform(handler(sessionListeners));
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    // Read from the informers' stores, complete once inform() returns: the handlers' notifications arrive later, and
    // a check made right after opening the watch (the re-check on a fresh LIST) saw 10,000 namespaces half-filled.
    Optional<ConfigMap> map(String namespace, String name) {
        return Optional.ofNullable(mapInformer.getStore().getByKey(key(namespace, name)));
    }

    Optional<GenericKubernetesResource> session(String namespace) {
        return Optional.ofNullable(sessionInformer.getStore().getByKey(key(namespace, Scenario.SESSION)));
    }

    void onMap(BiConsumer<ConfigMap, Long> listener) {
        mapListeners.add(listener);
    }

    void onSession(BiConsumer<GenericKubernetesResource, Long> listener) {
        sessionListeners.add(listener);
    }

    void removeListener(Object listener) {
        mapListeners.remove(listener);
        sessionListeners.remove(listener);
    }

    private static <T extends HasMetadata> ResourceEventHandler<T> handler(List<BiConsumer<T, Long>> listeners) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T added) {
                seen(added);
            }

            @Override
            public void onUpdate(T before, T after) {
                seen(after);
            }

            @Override
            public void onDelete(T deleted, boolean finalStateUnknown) {
                // Nothing to time: map() and session() read the store, which no longer holds it.
            }

            private void seen(T resource) {
                long at = System.nanoTime();
                listeners.forEach(listener -> listener.accept(resource, at));
            }
        };
    }

    @Override
    public void close() {
        mapInformer.close();
        sessionInformer.close();
    }
}
