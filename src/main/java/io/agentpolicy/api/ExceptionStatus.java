package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where a session's exception stands: the approvals counted, those still missing, and when it lapses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExceptionStatus {

    @JsonPropertyDescription("Pending, Approved, Rejected, Expired or NotApplicable.")
    private ExceptionState state;

    @JsonPropertyDescription("The approvals counted for the session's current spec, one per approver.")
    private List<CountedApproval> approvals;

    @JsonPropertyDescription("The approvals still needed, each as the groups one of whose members may give it "
            + "(e.g. \"payments-code-owners\", or \"cto or vp-eng\").")
    private List<String> missing;

    @JsonPropertyDescription("When an approved exception lapses (RFC 3339): its last approval plus exceptions.maxDuration.")
    private String expiresAt;

    public ExceptionState getState() {
        return state;
    }

    public void setState(ExceptionState state) {
        this.state = state;
    }

    public List<CountedApproval> getApprovals() {
        return approvals;
    }

    public void setApprovals(List<CountedApproval> approvals) {
        this.approvals = approvals;
    }

    public List<String> getMissing() {
        return missing;
    }

    public void setMissing(List<String> missing) {
        this.missing = missing;
    }

    public String getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(String expiresAt) {
        this.expiresAt = expiresAt;
    }
}
