package io.agentpolicy.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.default) || !has(self.allowed) || self.default in self.allowed",
        message = "modes.default must be one of modes.allowed")
@ValidationRule(value = "!has(self.disableBypassPermissions) || !self.disableBypassPermissions || "
        + "((!has(self.allowed) || !('bypassPermissions' in self.allowed)) && (!has(self.default) || self.default != 'bypassPermissions'))",
        message = "modes.disableBypassPermissions is true, so bypassPermissions cannot be in modes.allowed or be modes.default")
@ValidationRule(value = "!has(self.disableAuto) || !self.disableAuto || "
        + "((!has(self.allowed) || !('auto' in self.allowed)) && (!has(self.default) || self.default != 'auto'))",
        message = "modes.disableAuto is true, so auto cannot be in modes.allowed or be modes.default")
public class Modes {

    @JsonProperty("default")
    @JsonPropertyDescription("The mode agents start in, rendered as permissions.defaultMode. With several policies the "
            + "lowest-ranked default wins. One of plan, default, dontAsk, acceptEdits, auto, bypassPermissions.")
    private PermissionMode defaultMode;

    @Size(min = 1, max = 6)
    @ValidationRule(value = "self.all(m, self.exists_one(n, n == m))", message = "modes.allowed lists a mode more than once")
    @JsonPropertyDescription("Modes an AgentSession may end up in; absent means all six. Modes outside this set are locked "
            + "out in the rendered file where Claude Code has a lock (bypassPermissions, auto).")
    private List<PermissionMode> allowed;

    @JsonPropertyDescription("Lock bypassPermissions out: rendered as permissions.disableBypassPermissionsMode: \"disable\".")
    private Boolean disableBypassPermissions;

    @JsonPropertyDescription("Lock auto mode out: rendered as top-level disableAutoMode: \"disable\".")
    private Boolean disableAuto;

    @JsonPropertyDescription("What happens to a session asking for more than allowed: Deny refuses it, Downgrade admits it in "
            + "the highest permitted mode. Unset casts no vote when policies merge (Deny wins unless all that set it say Downgrade).")
    private OnViolation onViolation;

    public PermissionMode getDefaultMode() {
        return defaultMode;
    }

    public void setDefaultMode(PermissionMode defaultMode) {
        this.defaultMode = defaultMode;
    }

    public List<PermissionMode> getAllowed() {
        return allowed;
    }

    public void setAllowed(List<PermissionMode> allowed) {
        this.allowed = allowed;
    }

    public Boolean getDisableBypassPermissions() {
        return disableBypassPermissions;
    }

    public void setDisableBypassPermissions(Boolean disableBypassPermissions) {
        this.disableBypassPermissions = disableBypassPermissions;
    }

    public Boolean getDisableAuto() {
        return disableAuto;
    }

    public void setDisableAuto(Boolean disableAuto) {
        this.disableAuto = disableAuto;
    }

    public OnViolation getOnViolation() {
        return onViolation;
    }

    public void setOnViolation(OnViolation onViolation) {
        this.onViolation = onViolation;
    }
}
