package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a session's exception stands (status.exception.state). */
public enum ExceptionState {
    /** Waiting for approvals; the session has no map. */
    @JsonProperty("Pending")
    PENDING("Pending"),
    /** Every approval is in; the session runs in its requested mode until expiresAt. */
    @JsonProperty("Approved")
    APPROVED("Approved"),
    /** An eligible approver said no; the session is decided without the exception. */
    @JsonProperty("Rejected")
    REJECTED("Rejected"),
    /** The approved exception lapsed; the session is decided without it. */
    @JsonProperty("Expired")
    EXPIRED("Expired"),
    /** The exception cannot apply (not needed, none offered here, beyond its cap or an emergency override); see reason. */
    @JsonProperty("NotApplicable")
    NOT_APPLICABLE("NotApplicable");

    private final String value;

    ExceptionState(String value) {
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
