package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodViolation {

    @JsonPropertyDescription("Name of the non-compliant pod.")
    private String pod;

    @JsonPropertyDescription("Container at fault, when the problem is a container's command line.")
    private String container;

    @JsonPropertyDescription("What is wrong, e.g. \"passes --dangerously-skip-permissions\" or \"does not mount agent-session-x at /etc/claude-code\".")
    private String problem;

    public PodViolation() {
    }

    public PodViolation(String pod, String container, String problem) {
        this.pod = pod;
        this.container = container;
        this.problem = problem;
    }

    public String getPod() {
        return pod;
    }

    public void setPod(String pod) {
        this.pod = pod;
    }

    public String getContainer() {
        return container;
    }

    public void setContainer(String container) {
        this.container = container;
    }

    public String getProblem() {
        return problem;
    }

    public void setProblem(String problem) {
        this.problem = problem;
    }
}
