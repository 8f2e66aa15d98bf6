package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A session's request to go beyond its caps, pending the approvals the namespace's policies name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SessionException {

    @Required
    @Size(max = 1024)
    @ValidationRule(value = "size(self) > 0", message = "spec.exception.reason must say why the session needs more than "
            + "its caps allow, e.g. \"hotfix INC-1234\"")
    @JsonPropertyDescription("Why the session needs more than its caps allow; shown to approvers and in the audit trail.")
    private String reason;

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }
}
