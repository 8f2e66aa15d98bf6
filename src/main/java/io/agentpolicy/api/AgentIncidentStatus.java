package io.agentpolicy.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentIncidentStatus {

    @JsonPropertyDescription("Ready=True once the incident counts on the engineer's record; Stalled=True (reason InvalidSpec, "
            + "naming the field) when it cannot count, e.g. a session of another engineer or an occurredAt after the "
            + "incident was recorded.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The EngineerStanding that counts this incident.")
    private String standing;

    @JsonPropertyDescription("The metadata.generation the operator last checked.")
    private Long observedGeneration;

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getStanding() {
        return standing;
    }

    public void setStanding(String standing) {
        this.standing = standing;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}
