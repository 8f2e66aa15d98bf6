package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentSessionSpec extends TolerantSpec {

    @Required
    @Size(min = 1, max = 253)
    // A session cannot be taken over by rewriting whom it is for.
    @ValidationRule(value = "self == oldSelf", message = "spec.engineer cannot change after the session is created: "
            + "create a new session for the other engineer")
    @JsonPropertyDescription("Who the agent acts for, as Kubernetes knows the user (e.g. alice@example.com). Must be the user "
            + "creating the session, unless that user is in a trusted group. Cannot change after creation.")
    private String engineer;

    @Size(max = 32)
    @ValidationRule(value = "self.all(g, size(g) > 0 && size(g) <= 253)", message = "group names must be 1 to 253 characters long")
    @JsonPropertyDescription("The engineer's groups that count for seniority; each must be one of the creating user's groups.")
    private List<String> groups;

    @JsonPropertyDescription("The mode the agent asks for; absent means the namespace's default mode. One of plan, default, "
            + "dontAsk, acceptEdits, auto, bypassPermissions.")
    private PermissionMode requestedMode;

    @Size(max = 63)
    @JsonPropertyDescription("Free-form task type matched against policies' taskOverrides, e.g. refactor, schema-migration.")
    private String taskType;

    @Size(max = 253)
    @JsonPropertyDescription("The repository the agent works on; informational, recorded in the audit trail.")
    private String repository;

    @Pattern(Rfc3339.PATTERN)
    @JsonPropertyDescription("When the session ends (RFC 3339); after it the session is Expired and loses its ConfigMap.")
    private String expiresAt;

    @JsonPropertyDescription("Asks to go beyond the caps with approval: the requested mode is granted, up to the namespace's "
            + "exceptions.maxMode, once the approvers its policies name have approved (AgentSessionApproval).")
    private SessionException exception;

    public String getEngineer() {
        return engineer;
    }

    public void setEngineer(String engineer) {
        this.engineer = engineer;
    }

    public List<String> getGroups() {
        return groups;
    }

    public void setGroups(List<String> groups) {
        this.groups = groups;
    }

    public PermissionMode getRequestedMode() {
        return requestedMode;
    }

    public void setRequestedMode(PermissionMode requestedMode) {
        this.requestedMode = requestedMode;
    }

    public String getTaskType() {
        return taskType;
    }

    public void setTaskType(String taskType) {
        this.taskType = taskType;
    }

    public String getRepository() {
        return repository;
    }

    public void setRepository(String repository) {
        this.repository = repository;
    }

    public String getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(String expiresAt) {
        this.expiresAt = expiresAt;
    }

    public SessionException getException() {
        return exception;
    }

    public void setException(SessionException exception) {
        this.exception = exception;
    }

}
