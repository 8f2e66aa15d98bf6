package io.agentpolicy.operator.support;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.engine.RenderedSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
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

    /** True when the actual map already holds everything the desired map says (extra metadata is tolerated). */
    public boolean isUpToDate(ConfigMap actual, ConfigMap desired) {
        if (actual == null || actual.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        return Objects.equals(actual.getData(), desired.getData())
                && (actual.getBinaryData() == null || actual.getBinaryData().isEmpty())
                && contains(actual.getMetadata().getLabels(), desired.getMetadata().getLabels())
                && contains(actual.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations())
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
     * Puts a changed map back. Content server-side apply cannot remove (data keys someone added, binaryData, owners
     * the operator did not set) goes first, by a merge patch; then a forced apply of the desired map takes back every
     * field the operator renders from whoever changed it, so no other field manager owns the data afterwards and the
     * next re-render is not mistaken for drift. Both writes are conditional on the version inspected: a newer edit
     * fails them, and the retry sees (and counts) it.
     */
    @SuppressWarnings("unchecked")
    public ConfigMap restore(ConfigMap current, ConfigMap desired, InformerEventSource<ConfigMap, ?> cache) {
        String version = current.getMetadata().getResourceVersion();
        Map<String, Object> foreign = foreignContentRemoval(current, desired);
        if (!foreign.isEmpty()) {
            ((Map<String, Object>) foreign.computeIfAbsent("metadata", k -> new HashMap<String, Object>())).put("resourceVersion", version);
            ConfigMap cleaned = client.configMaps().inNamespace(current.getMetadata().getNamespace()).withName(current.getMetadata().getName())
                    .patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager(FIELD_MANAGER).build(),
                            Serialization.asJson(foreign));
            metrics.configMapWritten("restore");
            version = cleaned.getMetadata().getResourceVersion();
        }
        ConfigMap conditional = new ConfigMapBuilder(desired).editMetadata().withResourceVersion(version).endMetadata().build();
        ConfigMap written = client.configMaps().inNamespace(desired.getMetadata().getNamespace()).resource(conditional)
                .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        metrics.configMapWritten("restore");
        cache.handleRecentResourceUpdate(ResourceID.fromResource(written), written, current);
        return written;
    }

    /** A merge patch removing what the map holds beyond the desired one and apply would keep; empty when nothing. */
    private static Map<String, Object> foreignContentRemoval(ConfigMap current, ConfigMap desired) {
        Map<String, Object> patch = new HashMap<>();
        if (current.getData() != null && !desired.getData().keySet().containsAll(current.getData().keySet())) {
            Map<String, Object> data = new HashMap<>();
            current.getData().keySet().stream().filter(key -> !desired.getData().containsKey(key)).forEach(key -> data.put(key, null));
            patch.put("data", data);
        }
        if (current.getBinaryData() != null && !current.getBinaryData().isEmpty()) {
            patch.put("binaryData", null);
        }
        if (!ownerUids(current.getMetadata().getOwnerReferences()).equals(ownerUids(desired.getMetadata().getOwnerReferences()))) {
            patch.put("metadata", new HashMap<>(Map.of("ownerReferences", desired.getMetadata().getOwnerReferences())));
        }
        return patch;
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
