package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeniorityLevel {

    @JsonPropertyDescription("The highest mode an engineer of this level may reach; absent means uncapped.")
    private PermissionMode maxMode;

    @Size(max = 64)
    @ValidationRule(value = "self.all(g, size(g) > 0 && size(g) <= 253)", message = "group names must be 1 to 253 characters long")
    @JsonPropertyDescription("Kubernetes groups whose members have this level (matched against AgentSession spec.groups).")
    private List<String> groups;

    public PermissionMode getMaxMode() {
        return maxMode;
    }

    public void setMaxMode(PermissionMode maxMode) {
        this.maxMode = maxMode;
    }

    public List<String> getGroups() {
        return groups;
    }

    public void setGroups(List<String> groups) {
        this.groups = groups;
    }
}
