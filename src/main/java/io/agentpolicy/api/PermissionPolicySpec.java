package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.tiers) && size(self.tiers) > 0) || has(self.namespaceSelector)",
        message = "set spec.tiers, spec.namespaceSelector or both: a policy must say which namespaces it governs")
public class PermissionPolicySpec extends TolerantSpec {

    @Size(max = 32)
    @ValidationRule(value = "self.all(t, size(t) > 0 && size(t) <= 63)", message = "each tier must be 1 to 63 characters long")
    @JsonPropertyDescription("Namespace tiers this policy governs: a namespace matches when the value of its tier label "
            + "(agentpolicy.io/tier by default) is one of these. Examples use \"1\" (critical production) to \"4\" (non-production).")
    private List<String> tiers;

    @JsonPropertyDescription("Optional label selector on namespaces, ANDed with tiers. Without tiers it alone decides which "
            + "tiered namespaces the policy governs.")
    private LabelSelector namespaceSelector;

    @Default("0")
    @Min(Integer.MIN_VALUE)
    @Max(Integer.MAX_VALUE)
    @JsonPropertyDescription("Decides scalar conflicts in settings between policies that match the same namespace: the higher "
            + "priority wins, at equal priority the policy whose name sorts first. A 32-bit integer.")
    private Integer priority;

    @JsonPropertyDescription("Enforce reverts drift and denies or downgrades at admission; Audit decides and reports but never "
            + "reverts or blocks. Unset casts no vote when several policies merge (Enforce wins unless all that set it say Audit).")
    private Enforcement enforcement;

    @JsonPropertyDescription("Permission modes: the default mode, the modes sessions may end up in, and the bypass/auto locks.")
    private Modes modes;

    @JsonPropertyDescription("Permission rules rendered into permissions.allow/ask/deny and additionalDirectories, "
            + "validated against the Claude Code rule grammar.")
    private Permissions permissions;

    @JsonPropertyDescription("Mode caps by engineer seniority. A level absent here is uncapped; a user in none of the "
            + "levels' groups is junior.")
    private SeniorityCaps seniority;

    @Size(max = 64)
    @JsonPropertyDescription("Mode caps by the session's declared task type, e.g. schema-migration capped at plan.")
    private List<TaskOverride> taskOverrides;

    @JsonPropertyDescription("A temporary lockdown (e.g. during an incident) capping every session and the namespace default "
            + "mode; it lapses by itself at expiresAt, at most 24 hours after activation.")
    private EmergencyOverride emergencyOverride;

    @JsonPropertyDescription("Who may approve a session going beyond the caps (AgentSession spec.exception), up to which mode "
            + "and for how long. Without it no exception is possible in the namespaces this policy governs.")
    private Exceptions exceptions;

    @PreserveUnknownFields
    @JsonPropertyDescription("Any other managed-settings.json keys (hooks, sandbox, env, allowManagedPermissionRulesOnly, ...), "
            + "deep-merged across policies. Keys Claude Code does not know are kept and reported; wrong value types are refused.")
    private JsonNode settings;

    public List<String> getTiers() {
        return tiers;
    }

    public void setTiers(List<String> tiers) {
        this.tiers = tiers;
    }

    public LabelSelector getNamespaceSelector() {
        return namespaceSelector;
    }

    public void setNamespaceSelector(LabelSelector namespaceSelector) {
        this.namespaceSelector = namespaceSelector;
    }

    public Integer getPriority() {
        return priority;
    }

    public void setPriority(Integer priority) {
        this.priority = priority;
    }

    public Enforcement getEnforcement() {
        return enforcement;
    }

    public void setEnforcement(Enforcement enforcement) {
        this.enforcement = enforcement;
    }

    public Modes getModes() {
        return modes;
    }

    public void setModes(Modes modes) {
        this.modes = modes;
    }

    public Permissions getPermissions() {
        return permissions;
    }

    public void setPermissions(Permissions permissions) {
        this.permissions = permissions;
    }

    public SeniorityCaps getSeniority() {
        return seniority;
    }

    public void setSeniority(SeniorityCaps seniority) {
        this.seniority = seniority;
    }

    public List<TaskOverride> getTaskOverrides() {
        return taskOverrides;
    }

    public void setTaskOverrides(List<TaskOverride> taskOverrides) {
        this.taskOverrides = taskOverrides;
    }

    public Exceptions getExceptions() {
        return exceptions;
    }

    public void setExceptions(Exceptions exceptions) {
        this.exceptions = exceptions;
    }

    public EmergencyOverride getEmergencyOverride() {
        return emergencyOverride;
    }

    public void setEmergencyOverride(EmergencyOverride emergencyOverride) {
        this.emergencyOverride = emergencyOverride;
    }

    public JsonNode getSettings() {
        return settings;
    }

    public void setSettings(JsonNode settings) {
        this.settings = settings;
    }
}
