package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;

/** The engineer's track record as the operator keeps it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EngineerStandingStatus {

    @JsonPropertyDescription("The engineer, as in AgentSession and AgentIncident spec.engineer.")
    private String engineer;

    @JsonPropertyDescription("Where the engineer is escalated, e.g. payments=mid, checkout=junior; absent when nowhere.")
    private String escalated;

    @JsonPropertyDescription("Clean sessions on record (ended with no incident while they ran).")
    private Integer cleanSessions;

    @Size(max = 256)
    @JsonPropertyDescription("The standing per namespace where the engineer had sessions or incidents, sorted by namespace; "
            + "at most 256: every namespace where the engineer is escalated, then those with their newest sessions.")
    private List<NamespaceStanding> namespaces;

    @JsonPropertyDescription("How many namespaces with the engineer's sessions or incidents namespaces does not list (none of "
            + "them escalated); absent when it lists all.")
    private Integer unlistedNamespaces;

    @Size(max = 1000)
    @JsonPropertyDescription("The engineer's sessions the operator saw: running ones (the newest 900) and the latest ended ones "
            + "(the newest 100). A session beyond the 900 is not recorded, so its end does not count as clean.")
    private List<SessionRecord> sessions;

    @JsonPropertyDescription("When an escalation of this engineer was last lifted (RFC 3339).")
    private String liftedAt;

    public String getEngineer() {
        return engineer;
    }

    public void setEngineer(String engineer) {
        this.engineer = engineer;
    }

    public String getEscalated() {
        return escalated;
    }

    public void setEscalated(String escalated) {
        this.escalated = escalated;
    }

    public Integer getCleanSessions() {
        return cleanSessions;
    }

    public void setCleanSessions(Integer cleanSessions) {
        this.cleanSessions = cleanSessions;
    }

    public List<NamespaceStanding> getNamespaces() {
        return namespaces;
    }

    public void setNamespaces(List<NamespaceStanding> namespaces) {
        this.namespaces = namespaces;
    }

    public Integer getUnlistedNamespaces() {
        return unlistedNamespaces;
    }

    public void setUnlistedNamespaces(Integer unlistedNamespaces) {
        this.unlistedNamespaces = unlistedNamespaces;
    }

    public List<SessionRecord> getSessions() {
        return sessions;
    }

    public void setSessions(List<SessionRecord> sessions) {
        this.sessions = sessions;
    }

    public String getLiftedAt() {
        return liftedAt;
    }

    public void setLiftedAt(String liftedAt) {
        this.liftedAt = liftedAt;
    }
}
