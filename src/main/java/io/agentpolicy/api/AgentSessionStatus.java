package io.agentpolicy.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentSessionStatus {

    @JsonPropertyDescription("Pending, PendingApproval, Admitted, Downgraded, Denied or Expired.")
    private SessionPhase phase;

    @JsonPropertyDescription("The mode the session runs in; absent when Denied or Expired.")
    private PermissionMode effectiveMode;

    @JsonPropertyDescription("The namespace tier the session was decided in (the unclassified tier for an unlabelled namespace).")
    private String tier;

    @JsonPropertyDescription("The level the session was decided at: from spec.groups (junior, mid or senior), one lower "
            + "while the engineer is escalated in this namespace (see escalatedFrom and the reason).")
    private Seniority seniority;

    @JsonPropertyDescription("The level from spec.groups when the engineer is escalated in this namespace (AgentIncidents, "
            + "their EngineerStanding); absent otherwise.")
    private Seniority escalatedFrom;

    @JsonPropertyDescription("The PermissionPolicies that governed the decision, sorted by name.")
    private List<String> policies;

    @JsonPropertyDescription("Why the decision came out as it did, naming the deciding rule and its policy.")
    private String reason;

    @JsonPropertyDescription("The session's exception, when spec.exception asks for one: state, approvals counted, "
            + "approvals missing, when it lapses.")
    private ExceptionStatus exception;

    @JsonPropertyDescription("Name of the session's managed-settings ConfigMap, when the session runs.")
    private String configMap;

    @JsonPropertyDescription("sha256 of the session's managed-settings.json bytes.")
    private String settingsHash;

    @JsonPropertyDescription("Compliance of the pods labelled agentpolicy.io/session with this session's name.")
    private PodCompliance pods;

    @JsonPropertyDescription("Ready, Stalled, Drifted and PolicyViolation conditions.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Changes made to the session's ConfigMap behind the operator's back.")
    private DriftStatus drift;

    @JsonPropertyDescription("The metadata.generation the operator last decided.")
    private Long observedGeneration;

    public SessionPhase getPhase() {
        return phase;
    }

    public void setPhase(SessionPhase phase) {
        this.phase = phase;
    }

    public PermissionMode getEffectiveMode() {
        return effectiveMode;
    }

    public void setEffectiveMode(PermissionMode effectiveMode) {
        this.effectiveMode = effectiveMode;
    }

    public String getTier() {
        return tier;
    }

    public void setTier(String tier) {
        this.tier = tier;
    }

    public Seniority getSeniority() {
        return seniority;
    }

    public void setSeniority(Seniority seniority) {
        this.seniority = seniority;
    }

    public Seniority getEscalatedFrom() {
        return escalatedFrom;
    }

    public void setEscalatedFrom(Seniority escalatedFrom) {
        this.escalatedFrom = escalatedFrom;
    }

    public List<String> getPolicies() {
        return policies;
    }

    public void setPolicies(List<String> policies) {
        this.policies = policies;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public ExceptionStatus getException() {
        return exception;
    }

    public void setException(ExceptionStatus exception) {
        this.exception = exception;
    }

    public String getConfigMap() {
        return configMap;
    }

    public void setConfigMap(String configMap) {
        this.configMap = configMap;
    }

    public String getSettingsHash() {
        return settingsHash;
    }

    public void setSettingsHash(String settingsHash) {
        this.settingsHash = settingsHash;
    }

    public PodCompliance getPods() {
        return pods;
    }

    public void setPods(PodCompliance pods) {
        this.pods = pods;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public DriftStatus getDrift() {
        return drift;
    }

    public void setDrift(DriftStatus drift) {
        this.drift = drift;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}
