package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EmergencyOverrideStatus {

    @JsonPropertyDescription("True while the override caps sessions and the default mode.")
    private Boolean active;

    @JsonPropertyDescription("When the override was first seen by the operator (RFC 3339); the 24-hour limit counts from here.")
    private String activatedAt;

    @JsonPropertyDescription("When the override lapses (RFC 3339).")
    private String expiresAt;

    public Boolean getActive() {
        return active;
    }

    public void setActive(Boolean active) {
        this.active = active;
    }

    public String getActivatedAt() {
        return activatedAt;
    }

    public void setActivatedAt(String activatedAt) {
        this.activatedAt = activatedAt;
    }

    public String getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(String expiresAt) {
        this.expiresAt = expiresAt;
    }
}
