package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An approver's answer to a session's exception. */
public enum ApprovalDecision {
    @JsonProperty("Approve")
    APPROVE("Approve"),
    @JsonProperty("Reject")
    REJECT("Reject");

    private final String value;

    ApprovalDecision(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
