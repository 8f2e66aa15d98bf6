package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One of the engineer's sessions as the operator saw it: kept so that a session that ended (Expired or deleted) counts exactly once, also across restarts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SessionRecord {

    @JsonPropertyDescription("The session's metadata.uid.")
    private String uid;

    @JsonPropertyDescription("The session's namespace.")
    private String namespace;

    @JsonPropertyDescription("The session's name.")
    private String name;

    @JsonPropertyDescription("The tier the session was decided in.")
    private String tier;

    @JsonPropertyDescription("The engineer's level from the session's groups, before any escalation.")
    private Seniority seniority;

    @JsonPropertyDescription("When the session was created (RFC 3339).")
    private String startedAt;

    @JsonPropertyDescription("When the operator saw the session end (Expired or deleted); absent while it runs.")
    private String endedAt;

    public String getUid() {
        return uid;
    }

    public void setUid(String uid) {
        this.uid = uid;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
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

    public String getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(String startedAt) {
        this.startedAt = startedAt;
    }

    public String getEndedAt() {
        return endedAt;
    }

    public void setEndedAt(String endedAt) {
        this.endedAt = endedAt;
    }
}
