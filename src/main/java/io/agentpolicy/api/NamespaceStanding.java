package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;

/** The engineer's standing in one namespace: the level sessions there are decided at, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NamespaceStanding {

    @JsonPropertyDescription("The namespace (the area of the escalation rules).")
    private String namespace;

    @JsonPropertyDescription("The namespace's tier at the engineer's last session there.")
    private String tier;

    @JsonPropertyDescription("The engineer's level from their groups (at their last session here), before any escalation.")
    private Seniority seniority;

    @JsonPropertyDescription("The level sessions here are decided at: one below seniority while escalated (a junior stays junior, capped at plan).")
    private Seniority level;

    @JsonPropertyDescription("Whether the engineer is escalated here.")
    private Boolean escalated;

    @Size(max = 20)
    @JsonPropertyDescription("The incidents that triggered (or renewed) the escalation, oldest first.")
    private List<String> incidents;

    @JsonPropertyDescription("When the last of those incidents occurred: clean sessions and the quiet period count from here.")
    private String since;

    @JsonPropertyDescription("Consecutive clean sessions here since the escalation's last incident.")
    private Integer cleanSessions;

    @JsonPropertyDescription("Clean sessions that lift the escalation (lift.cleanSessions).")
    private Integer cleanSessionsNeeded;

    @JsonPropertyDescription("When the escalation lifts by quiet time if no incident comes first (lift.orQuietFor).")
    private String liftsAt;

    @JsonPropertyDescription("Why, and what earns the faster modes back, in a sentence.")
    private String reason;

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getTier() {
        return tier;
    }

    public void setTier(String tier) {
        this.tier = tier;
    }

    public Seniority getSeniority() {
        return seniority;
    }

    public void setSeniority(Seniority seniority) {
        this.seniority = seniority;
    }

    public Seniority getLevel() {
        return level;
    }

    public void setLevel(Seniority level) {
        this.level = level;
    }

    public Boolean getEscalated() {
        return escalated;
    }

    public void setEscalated(Boolean escalated) {
        this.escalated = escalated;
    }

    public List<String> getIncidents() {
        return incidents;
    }

    public void setIncidents(List<String> incidents) {
        this.incidents = incidents;
    }

    public String getSince() {
        return since;
    }

    public void setSince(String since) {
        this.since = since;
    }

    public Integer getCleanSessions() {
        return cleanSessions;
    }

    public void setCleanSessions(Integer cleanSessions) {
        this.cleanSessions = cleanSessions;
    }

    public Integer getCleanSessionsNeeded() {
        return cleanSessionsNeeded;
    }

    public void setCleanSessionsNeeded(Integer cleanSessionsNeeded) {
        this.cleanSessionsNeeded = cleanSessionsNeeded;
    }

    public String getLiftsAt() {
        return liftsAt;
    }

    public void setLiftsAt(String liftsAt) {
        this.liftsAt = liftsAt;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }
}
