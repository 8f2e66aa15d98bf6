package io.agentpolicy.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PermissionPolicyStatus {

    @JsonPropertyDescription("The metadata.generation the operator last acted on.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready, Reconciling, Stalled, Drifted and Conflicting conditions.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("How many tiered namespaces this policy matches.")
    @Min(0)
    @Max(Integer.MAX_VALUE)
    private Integer matchedNamespaces;

    @JsonPropertyDescription("How many of them hold the desired managed-settings ConfigMap.")
    @Min(0)
    @Max(Integer.MAX_VALUE)
    private Integer renderedNamespaces;

    @JsonPropertyDescription("Changes made to rendered ConfigMaps behind the operator's back.")
    private DriftStatus drift;

    @JsonPropertyDescription("Whether the emergency override is in force.")
    private EmergencyOverrideStatus emergencyOverride;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Integer getMatchedNamespaces() {
        return matchedNamespaces;
    }

    public void setMatchedNamespaces(Integer matchedNamespaces) {
        this.matchedNamespaces = matchedNamespaces;
    }

    public Integer getRenderedNamespaces() {
        return renderedNamespaces;
    }

    public void setRenderedNamespaces(Integer renderedNamespaces) {
        this.renderedNamespaces = renderedNamespaces;
    }

    public DriftStatus getDrift() {
        return drift;
    }

    public void setDrift(DriftStatus drift) {
        this.drift = drift;
    }

    public EmergencyOverrideStatus getEmergencyOverride() {
        return emergencyOverride;
    }

    public void setEmergencyOverride(EmergencyOverrideStatus emergencyOverride) {
        this.emergencyOverride = emergencyOverride;
    }
}
