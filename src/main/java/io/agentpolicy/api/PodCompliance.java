package io.agentpolicy.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodCompliance {
    public static final int MAX_VIOLATIONS = 20;

    @JsonPropertyDescription("Pods that mount the session map at /etc/claude-code and pass no disabled flag.")
    @Min(0)
    @Max(Integer.MAX_VALUE)
    private Integer compliant;

    @JsonPropertyDescription("Pods that do not.")
    @Min(0)
    @Max(Integer.MAX_VALUE)
    private Integer nonCompliant;

    @JsonPropertyDescription("What is wrong with the non-compliant pods, at most 20 entries.")
    private List<PodViolation> violations = new ArrayList<>();

    public Integer getCompliant() {
        return compliant;
    }

    public void setCompliant(Integer compliant) {
        this.compliant = compliant;
    }

    public Integer getNonCompliant() {
        return nonCompliant;
    }

    public void setNonCompliant(Integer nonCompliant) {
        this.nonCompliant = nonCompliant;
    }

    public List<PodViolation> getViolations() {
        return violations;
    }

    public void setViolations(List<PodViolation> violations) {
        this.violations = violations;
    }
}
