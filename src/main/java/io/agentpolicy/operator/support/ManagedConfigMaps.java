package io.agentpolicy.operator.support;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.engine.RenderedSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
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
 * The shape every rendered ConfigMap shares (one data key, the managed labels and annotations) and the only
 * place that writes them: server-side apply with one field manager, and only when something differs.
 */
@ApplicationScoped
public class ManagedConfigMaps {
    /** The field manager of every write; drift detection tells the operator's own writes apart by it. */
    public static final String FIELD_MANAGER = "agent-policy-operator";
    public static final String MANAGED_SELECTOR = ApiConstants.MANAGED_BY_LABEL + "=" + ApiConstants.MANAGED_BY_VALUE;
    /** The namespace baseline maps only (session maps carry the session label). */
    public static final String BASELINE_SELECTOR = MANAGED_SELECTOR + ",!" + ApiConstants.SESSION_LABEL;
    /** The managedFields key under which a field manager owns a map's data. */
    static final String DATA_FIELD = "f:data";

    @Inject
    KubernetesClient client;

    @Inject
    OperatorMetrics metrics;

    /** The desired map; labels beyond the managed ones (e.g. the session label) come in extraLabels. */
    public ConfigMap desired(String namespace, String name, RenderedSettings rendered, String tier, List<String> policies,
            List<OwnerReference> owners, Map<String, String> extraLabels) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE);
        labels.put(ApiConstants.DEFAULT_TIER_LABEL, tier);
        labels.putAll(extraLabels);
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name).withNamespace(namespace).withLabels(labels)
                .addToAnnotations(ApiConstants.SETTINGS_HASH_ANNOTATION, rendered.sha256())
                .addToAnnotations(ApiConstants.POLICIES_ANNOTATION, String.join(",", policies))
                .withOwnerReferences(owners)
                .endMetadata()
                .addToData(ApiConstants.SETTINGS_KEY, rendered.json())
                .build();
    }

    /** True when the actual map holds exactly the desired map: nothing missing, nothing of anyone else's. */
    public boolean isUpToDate(ConfigMap actual, ConfigMap desired) {
        if (actual == null || actual.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        return Objects.equals(actual.getData(), desired.getData())
                && (actual.getBinaryData() == null || actual.getBinaryData().isEmpty())
                && !Boolean.TRUE.equals(actual.getImmutable())
                && (actual.getMetadata().getFinalizers() == null || actual.getMetadata().getFinalizers().isEmpty())
                && Objects.equals(actual.getMetadata().getLabels(), desired.getMetadata().getLabels())
                && Objects.equals(actual.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations())
                && ownerUids(actual.getMetadata().getOwnerReferences()).equals(ownerUids(desired.getMetadata().getOwnerReferences()));
    }

    /**
     * Writes the desired map unless it is already in place, and returns it as written (null when nothing was
     * written). It goes into the informer's cache so the next reconcile sees it before its watch event arrives.
     */
    public ConfigMap apply(ConfigMap actual, ConfigMap desired, InformerEventSource<ConfigMap, ?> cache) {
        if (isUpToDate(actual, desired)) {
            return null;
        }
        ConfigMap written = client.configMaps().inNamespace(desired.getMetadata().getNamespace()).resource(desired)
                .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
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
    public ConfigMap replace(ConfigMap current, ConfigMap desired, InformerEventSource<ConfigMap, ?> cache) {
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
        ConfigMap written = resource.patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager(FIELD_MANAGER).build(),
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
        fields.setAdditionalProperty(DATA_FIELD, fieldsOf(desired.getData().keySet()));
        fields.setAdditionalProperty("f:metadata", metadata);
        return new ManagedFieldsEntryBuilder().withManager(FIELD_MANAGER).withOperation("Apply").withApiVersion("v1")
                .withFieldsType("FieldsV1").withFieldsV1(fields).build();
    }

    private static Map<String, Object> fieldsOf(Set<String> keys) {
        return keys.stream().collect(Collectors.toMap(key -> "f:" + key, key -> Map.of(), (a, b) -> a, TreeMap::new));
    }

    /** Deletes a map the operator manages; a map without the managed label is never touched. */
    public boolean delete(ConfigMap actual) {
        if (actual == null || !ApiConstants.MANAGED_BY_VALUE.equals(actual.getMetadata().getLabels().get(ApiConstants.MANAGED_BY_LABEL))) {
            return false;
        }
        client.configMaps().inNamespace(actual.getMetadata().getNamespace()).withName(actual.getMetadata().getName()).delete();
        metrics.configMapWritten("delete");
        return true;
    }

    /** The policies a map was rendered from, from its agentpolicy.io/policies annotation. */
    public static List<String> contributingPolicies(ConfigMap map) {
        Map<String, String> annotations = map.getMetadata().getAnnotations();
        String names = annotations == null ? null : annotations.get(ApiConstants.POLICIES_ANNOTATION);
        return names == null || names.isBlank() ? List.of() : List.of(names.split(","));
    }

    private static boolean contains(Map<String, String> actual, Map<String, String> expected) {
        return actual != null && actual.entrySet().containsAll(expected.entrySet());
    }

    private static Set<String> ownerUids(List<OwnerReference> owners) {
        return owners == null ? Set.of() : owners.stream().map(OwnerReference::getUid).collect(Collectors.toSet());
    }

    /** Whether the entry is someone else's than the operator's: the kind that drift detection looks at. */
    public static boolean byOtherManager(ManagedFieldsEntry entry) {
        return !FIELD_MANAGER.equals(entry.getManager());
    }

    /** Whether this field manager owns (part of) the map's data. */
    public static boolean ownsData(ManagedFieldsEntry entry) {
        return entry.getFieldsV1() != null && entry.getFieldsV1().getAdditionalProperties().containsKey(DATA_FIELD);
    }
}
