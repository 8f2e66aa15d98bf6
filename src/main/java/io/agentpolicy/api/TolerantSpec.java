package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/** A spec that may stand for one that could not be read (see {@link UnreadableSpec}). */
public abstract class TolerantSpec {

    @JsonIgnore
    private UnreadableSpec.Reason unreadable;

    @JsonIgnore
    private JsonNode stored;

    /** Why the stored spec could not be read; null when it was read. */
    public UnreadableSpec.Reason unreadable() {
        return unreadable;
    }

    /** The spec as stored, when it could not be read. */
    public JsonNode stored() {
        return stored;
    }

    void markUnreadable(UnreadableSpec.Reason reason, JsonNode stored) {
        this.unreadable = reason;
        this.stored = stored;
    }
}
