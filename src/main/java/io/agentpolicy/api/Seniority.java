package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An engineer's level, from least to most trusted; the declaration order is the level's rank. */
public enum Seniority {
    @JsonProperty("junior")
    JUNIOR("junior"),
    @JsonProperty("mid")
    MID("mid"),
    @JsonProperty("senior")
    SENIOR("senior");

    private final String value;

    Seniority(String value) {
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
