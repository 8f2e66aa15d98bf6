package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentSessionApprovalSpec {
    /** The largest integer a JSON number carries exactly (2^53 - 1); generations never come near it. */
    static final long MAX_GENERATION = 9_007_199_254_740_991L;

    @Required
    @Size(min = 1, max = 49)
    @JsonPropertyDescription("The AgentSession (in this namespace) whose exception this answers.")
    private String session;

    @Min(1)
    @Max(MAX_GENERATION)
    @JsonPropertyDescription("The session's metadata.generation this answer is about (kubectl get agentsession <name> "
            + "-o jsonpath='{.metadata.generation}'); absent means the session as created (generation 1). An edit of the "
            + "session's spec voids answers about earlier generations.")
    private Long sessionGeneration;

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Who answers, as Kubernetes knows the user; must be the user creating this object. "
            + "The session's own engineer never counts.")
    private String approver;

    @Required
    @Size(min = 1, max = 32)
    @ValidationRule(value = "self.all(g, size(g) > 0 && size(g) <= 253)", message = "group names must be 1 to 253 characters long")
    @JsonPropertyDescription("The groups the approver answers as; each must be one of the creating user's groups.")
    private List<String> groups;

    @Required
    @JsonPropertyDescription("Approve or Reject.")
    private ApprovalDecision decision;

    @Size(max = 1024)
    @JsonPropertyDescription("Why; recorded in the audit trail and, for a Reject, in the session's reason.")
    private String comment;

    public String getSession() {
        return session;
    }

    public void setSession(String session) {
        this.session = session;
    }

    public Long getSessionGeneration() {
        return sessionGeneration;
    }

    public void setSessionGeneration(Long sessionGeneration) {
        this.sessionGeneration = sessionGeneration;
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

    public ApprovalDecision getDecision() {
        return decision;
    }

    public void setDecision(ApprovalDecision decision) {
        this.decision = decision;
    }

    public String getComment() {
        return comment;
    }

    public void setComment(String comment) {
        this.comment = comment;
    }
}
