package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to a session that asks for more than it may have. */
public enum OnViolation {
    @JsonProperty("Deny")
    DENY,
    @JsonProperty("Downgrade")
    DOWNGRADE
}
