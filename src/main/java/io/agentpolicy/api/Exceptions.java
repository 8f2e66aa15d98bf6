package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Who may approve a session going beyond the caps, how far, and for how long (PermissionPolicy spec.exceptions). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Exceptions {
    /** Hours, minutes and seconds, e.g. 8h, 1h30m, 90m: a subset of Go durations that CEL's duration() reads too. */
    public static final String DURATION_PATTERN = "^([0-9]{1,3}h)?([0-9]{1,5}m)?([0-9]{1,6}s)?$";

    @Required
    @JsonPropertyDescription("The most an approved exception may grant; it may exceed modes.allowed. An active emergency "
            + "override still caps it.")
    private PermissionMode maxMode;

    @Required
    @Size(min = 1, max = 8)
    @JsonPropertyDescription("Every entry must be met, each by a different person in one of its groups, e.g. "
            + "[{groups: [cto]}, {groups: [payments-code-owners]}] for the CTO and a code owner.")
    private List<ApprovalRequirement> approvals;

    @Required
    @Size(min = 2, max = 16)
    @Pattern(DURATION_PATTERN)
    @ValidationRule(value = "duration(self) > duration('0s') && duration(self) <= duration('24h')",
            message = "exceptions.maxDuration must be more than 0s and at most 24h, e.g. 8h or 90m")
    @JsonPropertyDescription("How long an approved exception lasts after its last approval, e.g. 8h or 90m; at most 24h.")
    private String maxDuration;

    public PermissionMode getMaxMode() {
        return maxMode;
    }

    public void setMaxMode(PermissionMode maxMode) {
        this.maxMode = maxMode;
    }

    public List<ApprovalRequirement> getApprovals() {
        return approvals;
    }

    public void setApprovals(List<ApprovalRequirement> approvals) {
        this.approvals = approvals;
    }

    public String getMaxDuration() {
        return maxDuration;
    }

    public void setMaxDuration(String maxDuration) {
        this.maxDuration = maxDuration;
    }
}
