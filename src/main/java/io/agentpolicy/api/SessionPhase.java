package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where an AgentSession stands after the operator has decided it. */
public enum SessionPhase {
    @JsonProperty("Pending")
    PENDING("Pending"),
    /** Asks for an exception that still lacks approvals; no map until they are in. */
    @JsonProperty("PendingApproval")
    PENDING_APPROVAL("PendingApproval"),
    @JsonProperty("Admitted")
    ADMITTED("Admitted"),
    @JsonProperty("Downgraded")
    DOWNGRADED("Downgraded"),
    @JsonProperty("Denied")
    DENIED("Denied"),
    @JsonProperty("Expired")
    EXPIRED("Expired");

    private final String value;

    SessionPhase(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** Admitted and Downgraded sessions run and get a session ConfigMap; the others do not. */
    public boolean runs() {
        return this == ADMITTED || this == DOWNGRADED;
    }

    @Override
    public String toString() {
        return value;
    }
}
