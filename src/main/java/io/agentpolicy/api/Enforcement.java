package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether violations are acted upon (Enforce) or only reported (Audit). */
public enum Enforcement {
    @JsonProperty("Enforce")
    ENFORCE,
    @JsonProperty("Audit")
    AUDIT
}
