package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.maxMode) || has(self.raiseTo)", message = "a taskOverrides entry needs maxMode, raiseTo or both")
public class TaskOverride {

    @Required
    @Size(min = 1, max = 64)
    @ValidationRule(value = "self.all(t, size(t) > 0 && size(t) <= 63)", message = "task types must be 1 to 63 characters long")
    @JsonPropertyDescription("Task types (AgentSession spec.taskType) this cap applies to, e.g. schema-migration, payments.")
    private List<String> taskTypes;

    @JsonPropertyDescription("The highest mode a session of one of these task types may reach.")
    private PermissionMode maxMode;

    @JsonPropertyDescription("Lifts the seniority caps to this mode for these (low-risk) task types, without approval; "
            + "never beyond modes.allowed, a task cap or an active emergency override.")
    private PermissionMode raiseTo;

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

    public PermissionMode getRaiseTo() {
        return raiseTo;
    }

    public void setRaiseTo(PermissionMode raiseTo) {
        this.raiseTo = raiseTo;
    }
}
