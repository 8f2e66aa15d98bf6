package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How bad an agent's mistake was; a senior is escalated by Critical incidents only. */
public enum IncidentSeverity {
    @JsonProperty("Minor")
    MINOR("Minor"),
    @JsonProperty("Significant")
    SIGNIFICANT("Significant"),
    @JsonProperty("Critical")
    CRITICAL("Critical");

    private final String value;

    IncidentSeverity(String value) {
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
