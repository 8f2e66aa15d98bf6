package io.agentpolicy.operator.maps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.engine.RenderedSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * The shape every rendered ConfigMap shares: one data key, the managed labels, the settings hash and the
 * contributing policies in annotations, and one field manager for every write the operator makes.
 */
public final class RenderedMap {
    /** The field manager of every write; drift detection tells the operator's own writes apart by it. */
    public static final String FIELD_MANAGER = "agent-policy-operator";
    public static final String MANAGED_SELECTOR = ApiConstants.MANAGED_BY_LABEL + "=" + ApiConstants.MANAGED_BY_VALUE;
    /** The namespace baseline maps only (session maps carry the session label). */
    public static final String BASELINE_SELECTOR = MANAGED_SELECTOR + ",!" + ApiConstants.SESSION_LABEL;
    /** The session maps only. */
    public static final String SESSION_SELECTOR = MANAGED_SELECTOR + "," + ApiConstants.SESSION_LABEL;
    /** The managedFields key under which a field manager owns a map's data. */
    public static final String DATA_FIELD = "f:data";

    private RenderedMap() {
    }

    /** The desired map; labels beyond the managed ones (e.g. the session label) come in extraLabels. */
    public static ConfigMap desired(String namespace, String name, RenderedSettings rendered, String tier, List<String> policies,
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
    public static boolean isUpToDate(ConfigMap actual, ConfigMap desired) {
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

    /** The policies a map was rendered from, from its agentpolicy.io/policies annotation. */
    public static List<String> contributingPolicies(ConfigMap map) {
        Map<String, String> annotations = map.getMetadata().getAnnotations();
        String names = annotations == null ? null : annotations.get(ApiConstants.POLICIES_ANNOTATION);
        return names == null || names.isBlank() ? List.of() : List.of(names.split(","));
    }

    /** "namespace/name": how the operator's memory and messages name a map. */
    public static String key(ConfigMap map) {
        return map.getMetadata().getNamespace() + "/" + map.getMetadata().getName();
    }

    /** Whether the entry is someone else's than the operator's: the kind that drift detection looks at. */
    public static boolean byOtherManager(ManagedFieldsEntry entry) {
        return !FIELD_MANAGER.equals(entry.getManager());
    }

    /** Whether this field manager owns (part of) the map's data. */
    public static boolean ownsData(ManagedFieldsEntry entry) {
        return entry.getFieldsV1() != null && entry.getFieldsV1().getAdditionalProperties().containsKey(DATA_FIELD);
    }

    private static Set<String> ownerUids(List<OwnerReference> owners) {
        return owners == null ? Set.of() : owners.stream().map(OwnerReference::getUid).collect(Collectors.toSet());
    }
}
