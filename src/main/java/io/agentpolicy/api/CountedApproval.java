package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An approval that counted towards a session's exception (status.exception.approvals). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CountedApproval {

    @JsonPropertyDescription("Who approved, as Kubernetes knows the user.")
    private String approver;

    @JsonPropertyDescription("The groups the approver approved as.")
    private List<String> groups;

    @JsonPropertyDescription("When the approval was made (its creationTimestamp, RFC 3339).")
    private String at;

    public CountedApproval() {
    }

    public CountedApproval(String approver, List<String> groups, String at) {
        this.approver = approver;
        this.groups = groups;
        this.at = at;
    }

    public String getApprover() {
        return approver;
    }

    public void setApprover(String approver) {
        this.approver = approver;
    }

    public List<String> getGroups() {
        return groups;
    }

    public void setGroups(List<String> groups) {
        this.groups = groups;
    }

    public String getAt() {
        return at;
    }

    public void setAt(String at) {
        this.at = at;
    }
}
