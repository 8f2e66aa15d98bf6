package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EmergencyOverride {

    @Default("plan")
    @JsonPropertyDescription("The highest mode any session may reach while the override is active (default plan).")
    private PermissionMode maxMode;

    @Required
    @Size(min = 1, max = 1024)
    @JsonPropertyDescription("Why the lockdown is in place, e.g. \"INC-1234 payments outage\"; shown in events and session reasons.")
    private String reason;

    @Required
    @Pattern(Rfc3339.PATTERN)
    @JsonPropertyDescription("When the override lapses by itself (RFC 3339, e.g. 2026-11-22T09:00:00Z); at most 24 hours after activation.")
    private String expiresAt;

    public PermissionMode getMaxMode() {
        return maxMode;
    }

    public void setMaxMode(PermissionMode maxMode) {
        this.maxMode = maxMode;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(String expiresAt) {
        this.expiresAt = expiresAt;
    }
}
