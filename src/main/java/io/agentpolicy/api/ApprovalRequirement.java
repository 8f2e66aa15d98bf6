package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One approval an exception needs: a person in one of these groups. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ApprovalRequirement {

    @Required
    @Size(max = 32)
    @ValidationRule(value = "size(self) > 0", message = "each exceptions.approvals entry needs at least one group")
    @ValidationRule(value = "self.all(g, size(g) > 0 && size(g) <= 253)", message = "group names must be 1 to 253 characters long")
    @JsonPropertyDescription("Kubernetes groups; an approval by a member of any one of them meets this entry.")
    private List<String> groups;

    public List<String> getGroups() {
        return groups;
    }

    public void setGroups(List<String> groups) {
        this.groups = groups;
    }
}
