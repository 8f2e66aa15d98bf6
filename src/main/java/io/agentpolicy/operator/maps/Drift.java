package io.agentpolicy.operator.maps;

import java.util.List;

/**
 * A rendered map that differs from what the operator last wrote, changed by someone else.
 *
 * @param paths JSON pointers into managed-settings.json that differ; "" for the whole document (deleted map,
 *        invalid JSON or a missing data key); "metadata.labels" / "metadata.annotations" / "data" for the map itself
 * @param changedBy the field manager of the change, from managedFields; null when unknown (a deletion)
 * @param version the drifted map's resourceVersion ("deleted@..." for a deletion), to count each change once
 * @param content a fingerprint of what the drifted map holds (labels, annotations, finalizers, data), null when
 *        unknown: the same content at another version (a deletion in progress) is the same drift
 */
public record Drift(String namespace, String configMap, List<String> paths, String changedBy, String version, String content) {

    /** A drift whose content is not known: each version counts on its own. */
    public Drift(String namespace, String configMap, List<String> paths, String changedBy, String version) {
        this(namespace, configMap, paths, changedBy, version, null);
    }

    /** e.g. "ConfigMap payments/agent-managed-settings differs at /permissions/defaultMode (changed by kubectl-edit)". */
    public String describe() {
        return "ConfigMap " + namespace + "/" + configMap
                + (paths.equals(List.of("")) ? " is missing or unreadable" : " differs at " + String.join(", ", paths))
                + (changedBy == null ? "" : " (changed by " + changedBy + ")");
    }
}
