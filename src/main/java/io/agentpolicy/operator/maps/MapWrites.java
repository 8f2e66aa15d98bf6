package io.agentpolicy.operator.maps;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.operator.reporting.OperatorMetrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The only place that writes rendered maps: server-side apply with the operator's field manager when something
 * differs, a replacement that removes someone else's content, a deletion. Only {@link RenderedMaps} calls it.
 */
@ApplicationScoped
class MapWrites {
    @Inject
    KubernetesClient client;

    @Inject
    OperatorMetrics metrics;

    /**
     * Writes the desired map unless it is already in place, and returns it as written (null when nothing was
     * written). It goes into the informer's cache so the next reconcile sees it before its watch event arrives.
     */
    ConfigMap apply(ConfigMap actual, ConfigMap desired, InformerEventSource<ConfigMap, ?> cache) {
        if (RenderedMap.isUpToDate(actual, desired)) {
            return null;
        }
        ConfigMap written = client.configMaps().inNamespace(desired.getMetadata().getNamespace()).resource(desired)
                .fieldManager(RenderedMap.FIELD_MANAGER).forceConflicts().serverSideApply();
        metrics.configMapWritten("apply");
        if (actual == null) {
            cache.handleRecentResourceCreate(ResourceID.fromResource(written), written);
        } else {
            cache.handleRecentResourceUpdate(ResourceID.fromResource(written), written, actual);
        }
        return written;
    }

    /**
     * Replaces a map that holds someone else's content (an edit, or a map the operator did not create) with exactly
     * the desired one: server-side apply would keep every key, label, annotation and finalizer it did not set itself.
     * The write is conditional on the version inspected (a newer edit fails it, and the retry sees that edit), and
     * it declares the operator's apply as the only field manager, as if the operator had created the map: later
     * applies then remove what they no longer set, and no one else's entry claims the data.
     */
    ConfigMap replace(ConfigMap current, ConfigMap desired, InformerEventSource<ConfigMap, ?> cache) {
        Resource<ConfigMap> resource = client.configMaps().inNamespace(current.getMetadata().getNamespace())
                .withName(current.getMetadata().getName());
        boolean terminating = current.getMetadata().getDeletionTimestamp() != null;
        if (terminating || Boolean.TRUE.equals(current.getImmutable())) {
            // Immutable data can only go with the map, and a map being deleted goes anyway: it is made anew. Its
            // finalizers go first, so that the deletion is immediate; the managed label comes with them, as the
            // chart's guard lets the operator write only maps that carry it.
            resource.patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).build(),
                    "{\"metadata\":{\"finalizers\":null,\"labels\":{\"" + ApiConstants.MANAGED_BY_LABEL + "\":\""
                            + ApiConstants.MANAGED_BY_VALUE + "\"},\"resourceVersion\":\"" + current.getMetadata().getResourceVersion() + "\"}}");
            if (!terminating) {
                resource.withGracePeriod(0).delete();
            }
            metrics.configMapWritten("delete");
            return apply(null, desired, cache);
        }
        // A merge patch, not a PUT: only a patch names its field manager, and an update would be recorded as the
        // client library's ("fabric8-kubernetes-client"), someone else as far as drift detection can tell.
        Map<String, Object> metadata = new HashMap<>();
        metadata.put("resourceVersion", current.getMetadata().getResourceVersion());
        metadata.put("labels", exactly(current.getMetadata().getLabels(), desired.getMetadata().getLabels()));
        metadata.put("annotations", exactly(current.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations()));
        metadata.put("ownerReferences", desired.getMetadata().getOwnerReferences());
        metadata.put("finalizers", null);
        metadata.put("managedFields", List.of(ownedByTheOperatorsApply(desired)));
        Map<String, Object> patch = new HashMap<>();
        patch.put("metadata", metadata);
        patch.put("data", exactly(current.getData(), desired.getData()));
        patch.put("binaryData", null);
        ConfigMap written = resource.patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager(RenderedMap.FIELD_MANAGER).build(),
                Serialization.asJson(patch));
        metrics.configMapWritten("replace");
        cache.handleRecentResourceUpdate(ResourceID.fromResource(written), written, current);
        return written;
    }

    /** A merge patch's map that leaves exactly the desired entries: those of the current one that it lacks are removed. */
    private static Map<String, String> exactly(Map<String, String> current, Map<String, String> desired) {
        Map<String, String> result = new HashMap<>();
        if (current != null) {
            current.keySet().forEach(key -> result.put(key, null));
        }
        result.putAll(desired);
        return result;
    }

    /** The managedFields entry a server-side apply of the desired map by the operator would leave, and no other. */
    static ManagedFieldsEntry ownedByTheOperatorsApply(ConfigMap desired) {
        Map<String, Object> metadata = new TreeMap<>();
        metadata.put("f:labels", fieldsOf(desired.getMetadata().getLabels().keySet()));
        metadata.put("f:annotations", fieldsOf(desired.getMetadata().getAnnotations().keySet()));
        List<OwnerReference> owners = desired.getMetadata().getOwnerReferences();
        if (owners != null && !owners.isEmpty()) {
            metadata.put("f:ownerReferences", owners.stream().collect(Collectors.toMap(
                    owner -> "k:{\"uid\":\"" + owner.getUid() + "\"}", owner -> Map.of(), (a, b) -> a, TreeMap::new)));
        }
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty(RenderedMap.DATA_FIELD, fieldsOf(desired.getData().keySet()));
        fields.setAdditionalProperty("f:metadata", metadata);
        return new ManagedFieldsEntryBuilder().withManager(RenderedMap.FIELD_MANAGER).withOperation("Apply").withApiVersion("v1")
                .withFieldsType("FieldsV1").withFieldsV1(fields).build();
    }

    private static Map<String, Object> fieldsOf(Set<String> keys) {
        return keys.stream().collect(Collectors.toMap(key -> "f:" + key, key -> Map.of(), (a, b) -> a, TreeMap::new));
    }

    /** Deletes a map the operator manages; a map without the managed label is never touched. */
    boolean delete(ConfigMap actual) {
        if (actual == null || !ApiConstants.MANAGED_BY_VALUE.equals(actual.getMetadata().getLabels().get(ApiConstants.MANAGED_BY_LABEL))) {
            return false;
        }
        client.configMaps().inNamespace(actual.getMetadata().getNamespace()).withName(actual.getMetadata().getName()).delete();
        metrics.configMapWritten("delete");
        return true;
    }
}
