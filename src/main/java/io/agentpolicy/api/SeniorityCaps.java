package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeniorityCaps {

    @JsonPropertyDescription("Cap for engineers in none of the mid or senior groups.")
    private SeniorityLevel junior;

    @JsonPropertyDescription("Cap for engineers in one of the mid groups (and none of the senior groups).")
    private SeniorityLevel mid;

    @JsonPropertyDescription("Cap for engineers in one of the senior groups.")
    private SeniorityLevel senior;

    @JsonPropertyDescription("Track record: which incidents (AgentIncident) escalate an engineer one level lower in a "
            + "namespace, and what lifts it. Absent: incidents change nothing.")
    private Escalation escalation;

    public SeniorityLevel getJunior() {
        return junior;
    }

    public void setJunior(SeniorityLevel junior) {
        this.junior = junior;
    }

    public SeniorityLevel getMid() {
        return mid;
    }

    public void setMid(SeniorityLevel mid) {
        this.mid = mid;
    }

    public SeniorityLevel getSenior() {
        return senior;
    }

    public void setSenior(SeniorityLevel senior) {
        this.senior = senior;
    }

    public Escalation getEscalation() {
        return escalation;
    }

    public void setEscalation(Escalation escalation) {
        this.escalation = escalation;
    }

    /** The entry for one level, or null when the policy does not mention it. */
    public SeniorityLevel level(Seniority seniority) {
        switch (seniority) {
            case JUNIOR:
                return junior;
            case MID:
                return mid;
            default:
                return senior;
        }
    }
}
