package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TaskOverride {

    @Required
    @Size(min = 1, max = 64)
    @ValidationRule(value = "self.all(t, size(t) > 0 && size(t) <= 63)", message = "task types must be 1 to 63 characters long")
    @JsonPropertyDescription("Task types (AgentSession spec.taskType) this cap applies to, e.g. schema-migration, payments.")
    private List<String> taskTypes;

    @Required
    @JsonPropertyDescription("The highest mode a session of one of these task types may reach.")
    private PermissionMode maxMode;

    public List<String> getTaskTypes() {
        return taskTypes;
    }

    public void setTaskTypes(List<String> taskTypes) {
        this.taskTypes = taskTypes;
    }

    public PermissionMode getMaxMode() {
        return maxMode;
    }

    public void setMaxMode(PermissionMode maxMode) {
        this.maxMode = maxMode;
    }
}
