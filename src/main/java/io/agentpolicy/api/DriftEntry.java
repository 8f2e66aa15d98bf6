package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftEntry {

    @JsonPropertyDescription("Namespace of the drifted ConfigMap.")
    private String namespace;

    @JsonPropertyDescription("Name of the drifted ConfigMap.")
    private String configMap;

    @JsonPropertyDescription("JSON pointers into managed-settings.json that differ from the desired content; "
            + "\"\" for the whole document (deleted map or invalid JSON).")
    private List<String> paths;

    @JsonPropertyDescription("Field manager of the change, from managedFields (e.g. kubectl-edit, kubectl-patch).")
    private String changedBy;

    @JsonPropertyDescription("When the operator noticed the drift (RFC 3339).")
    private String detectedAt;

    @JsonPropertyDescription("Whether the operator restored the desired content (Enforce) or left it (Audit).")
    private Boolean corrected;

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getConfigMap() {
        return configMap;
    }

    public void setConfigMap(String configMap) {
        this.configMap = configMap;
    }

    public List<String> getPaths() {
        return paths;
    }

    public void setPaths(List<String> paths) {
        this.paths = paths;
    }

    public String getChangedBy() {
        return changedBy;
    }

    public void setChangedBy(String changedBy) {
        this.changedBy = changedBy;
    }

    public String getDetectedAt() {
        return detectedAt;
    }

    public void setDetectedAt(String detectedAt) {
        this.detectedAt = detectedAt;
    }

    public Boolean getCorrected() {
        return corrected;
    }

    public void setCorrected(Boolean corrected) {
        this.corrected = corrected;
    }
}
