package io.agentpolicy.operator.maps;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.engine.Sha256;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;

/**
 * Tells drift (someone changed a rendered map) from an ordinary re-render (the policies changed). The operator
 * always writes the sha256 of the data into the agentpolicy.io/settings-hash annotation, so data that no longer
 * matches its own hash, a foreign field manager owning the data, or lost labels can only be someone else's doing.
 */
public final class DriftDetector {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DriftDetector() {
    }

    /** The drift of an existing map, or null when it holds what the operator wrote (possibly for older policies). */
    public static Drift inspect(ConfigMap actual, ConfigMap desired) {
        String namespace = actual.getMetadata().getNamespace();
        String name = actual.getMetadata().getName();
        String version = actual.getMetadata().getResourceVersion();
        Map<String, String> data = actual.getData() == null ? Map.of() : actual.getData();
        String text = data.get(ApiConstants.SETTINGS_KEY);
        String desiredText = desired.getData().get(ApiConstants.SETTINGS_KEY);
        String recordedHash = annotation(actual, ApiConstants.SETTINGS_HASH_ANNOTATION);

        List<String> foreign = foreignContent(actual, desired);
        if (!foreign.isEmpty()) {
            return new Drift(namespace, name, foreign, changedBy(actual), version, content(actual));
        }
        if (text.equals(desiredText) && Objects.equals(recordedHash, desired.getMetadata().getAnnotations()
                .get(ApiConstants.SETTINGS_HASH_ANNOTATION))) {
            return null;
        }
        boolean editedData = recordedHash == null || !recordedHash.equals(Sha256.settingsHash(text)) || foreignManagerOwnsData(actual);
        if (!editedData) {
            return null;
        }
        List<String> paths = text.equals(desiredText) ? List.of("metadata.annotations") : contentPaths(text, desiredText);
        return new Drift(namespace, name, paths, changedBy(actual), version, content(actual));
    }

    /**
     * What the map holds beyond, or instead of, the operator's own keys, labels and annotations: extra or missing
     * labels (or another managed-by value), annotations the operator does not write, a finalizer, immutability, data keys other than
     * managed-settings.json or binary data. A map someone else created under the rendered name shows all of these.
     */
    static List<String> foreignContent(ConfigMap actual, ConfigMap desired) {
        Map<String, String> labels = orEmpty(actual.getMetadata().getLabels());
        Map<String, String> annotations = orEmpty(actual.getMetadata().getAnnotations());
        Map<String, String> data = orEmpty(actual.getData());
        List<String> paths = new ArrayList<>();
        // The tier label's value follows the namespace: a relabelled namespace's map is re-rendered, not drifted.
        boolean labelsIntact = labels.keySet().equals(desired.getMetadata().getLabels().keySet())
                && desired.getMetadata().getLabels().entrySet().stream().allMatch(label -> label.getKey().equals(ApiConstants.DEFAULT_TIER_LABEL)
                        || label.getValue().equals(labels.get(label.getKey())));
        if (!labelsIntact) {
            paths.add("metadata.labels");
        }
        if (!desired.getMetadata().getAnnotations().keySet().containsAll(annotations.keySet())) {
            paths.add("metadata.annotations");
        }
        if (actual.getMetadata().getFinalizers() != null && !actual.getMetadata().getFinalizers().isEmpty()) {
            paths.add("metadata.finalizers");
        }
        if (Boolean.TRUE.equals(actual.getImmutable())) {
            paths.add("immutable");
        }
        if (!data.keySet().equals(Set.of(ApiConstants.SETTINGS_KEY))) {
            // A map without the settings key at all is unreadable as a whole (""), unless other findings name it.
            paths.add(data.containsKey(ApiConstants.SETTINGS_KEY) || !paths.isEmpty() ? "data" : "");
        }
        if (actual.getBinaryData() != null && !actual.getBinaryData().isEmpty()) {
            paths.add("binaryData");
        }
        return paths;
    }

    /** The map holds exactly what the operator wrote: its data matches its hash and nobody else owns the data. */
    public static boolean writtenByOperator(ConfigMap map) {
        String text = map.getData() == null ? null : map.getData().get(ApiConstants.SETTINGS_KEY);
        String recordedHash = annotation(map, ApiConstants.SETTINGS_HASH_ANNOTATION);
        return text != null && recordedHash != null && recordedHash.equals(Sha256.settingsHash(text)) && !foreignManagerOwnsData(map);
    }

    /** A map the operator had rendered that is gone. */
    public static Drift deleted(String namespace, String name, String lastVersion) {
        return new Drift(namespace, name, List.of(""), null, "deleted@" + lastVersion);
    }

    /** The whole document when it is not JSON; otherwise the pointers that differ semantically. */
    private static List<String> contentPaths(String text, String desiredText) {
        try {
            JsonNode actual = JSON.readTree(text);
            List<String> paths = JsonPointerDiff.paths(actual, JSON.readTree(desiredText));
            return paths.isEmpty() ? List.of("metadata.annotations") : paths;
        } catch (JsonProcessingException e) {
            return List.of("");
        }
    }

    private static boolean foreignManagerOwnsData(ConfigMap map) {
        return foreignEntries(map).anyMatch(RenderedMap::ownsData);
    }

    /** The most recent field manager other than the operator: who made the change. */
    static String changedBy(ConfigMap map) {
        return foreignEntries(map).max(Comparator.comparing(e -> e.getTime() == null ? "" : e.getTime()))
                .map(ManagedFieldsEntry::getManager).orElse(null);
    }

    private static java.util.stream.Stream<ManagedFieldsEntry> foreignEntries(ConfigMap map) {
        List<ManagedFieldsEntry> entries = map.getMetadata().getManagedFields();
        return entries == null ? java.util.stream.Stream.empty()
                : entries.stream().filter(RenderedMap::byOtherManager);
    }

    /**
     * A fingerprint of what the map holds, whatever its version: the operator's own deletion of a foreign map that a
     * finalizer holds changes the version (deletionTimestamp), not this.
     */
    static String content(ConfigMap map) {
        return Sha256.hex(String.join("\n", String.valueOf(new TreeMap<>(orEmpty(map.getMetadata().getLabels()))),
                String.valueOf(new TreeMap<>(orEmpty(map.getMetadata().getAnnotations()))), String.valueOf(map.getMetadata().getFinalizers()),
                String.valueOf(map.getImmutable()), String.valueOf(new TreeMap<>(orEmpty(map.getData()))),
                String.valueOf(new TreeMap<>(orEmpty(map.getBinaryData())))));
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static String annotation(ConfigMap map, String key) {
        return map.getMetadata().getAnnotations() == null ? null : map.getMetadata().getAnnotations().get(key);
    }
}
