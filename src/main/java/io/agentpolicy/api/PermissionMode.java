package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The six Claude Code permission modes, spelled as Claude Code spells them and declared from least to most
 * autonomy. The declaration order is the mode's rank, used by every cap and downgrade.
 */
public enum PermissionMode {
    @JsonProperty("plan")
    PLAN("plan"),
    @JsonProperty("default")
    DEFAULT("default"),
    @JsonProperty("dontAsk")
    DONT_ASK("dontAsk"),
    @JsonProperty("acceptEdits")
    ACCEPT_EDITS("acceptEdits"),
    @JsonProperty("auto")
    AUTO("auto"),
    @JsonProperty("bypassPermissions")
    BYPASS_PERMISSIONS("bypassPermissions");

    private final String value;

    PermissionMode(String value) {
        this.value = value;
    }

    /** The spelling used in YAML and in managed-settings.json. */
    public String value() {
        return value;
    }

    /** 0 for plan up to 5 for bypassPermissions. */
    public int rank() {
        return ordinal();
    }

    public boolean isAbove(PermissionMode other) {
        return rank() > other.rank();
    }

    public static PermissionMode lowest(PermissionMode a, PermissionMode b) {
        return a.rank() <= b.rank() ? a : b;
    }

    /** Parses the Claude Code spelling; returns null for anything else. */
    public static PermissionMode fromValue(String value) {
        for (PermissionMode mode : values()) {
            if (mode.value.equals(value)) {
                return mode;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
