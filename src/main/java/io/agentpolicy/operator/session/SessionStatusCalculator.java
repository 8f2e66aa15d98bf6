package io.agentpolicy.operator.session;

import java.time.Instant;
import java.util.List;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionStatus;
import io.agentpolicy.api.CountedApproval;
import io.agentpolicy.api.DriftStatus;
import io.agentpolicy.api.ExceptionStatus;
import io.agentpolicy.api.PodCompliance;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.ExceptionOutcome;
import io.agentpolicy.engine.RenderedSettings;
import io.agentpolicy.operator.maps.Drift;
import io.agentpolicy.operator.reporting.Conditions;

/**
 * Turns a decision (or the reason there is none) into an AgentSession status with kstatus conditions: pure
 * functions of what the reconciler observed.
 */
public final class SessionStatusCalculator {

    private SessionStatusCalculator() {
    }

    public static AgentSessionStatus decided(AgentSession session, AgentSessionStatus previous, Decision decision, RenderedSettings rendered,
            PodCompliance pods, Drift currentDrift, DriftStatus driftRecord, Instant now) {
        AgentSessionStatus status = base(session, previous);
        status.setDrift(driftRecord);
        status.setPhase(decision.phase());
        status.setEffectiveMode(decision.effectiveMode());
        status.setTier(decision.tier());
        status.setSeniority(decision.seniority());
        status.setEscalatedFrom(decision.escalation() == null ? null : decision.escalation().seniority());
        status.setPolicies(decision.policies());
        status.setReason(decision.reason());
        status.setException(exceptionStatus(decision.exception()));
        if (rendered != null) {
            status.setConfigMap(SessionConfigMap.nameOf(session.getMetadata().getName()));
            status.setSettingsHash(rendered.sha256());
        }
        status.setPods(pods);

        // The CRD checks the timestamp's shape; an impossible date (month 13) is only found here.
        boolean badSpec = session.getSpec().unreadable() != null
                || session.getSpec().getExpiresAt() != null && Rfc3339.parse(session.getSpec().getExpiresAt()) == null;
        Conditions conditions = new Conditions(previous.getConditions(), session.getMetadata().getGeneration(), now);
        conditions.set(Conditions.READY, decision.phase().runs(), decision.phase().value(), decision.reason());
        conditions.set(Conditions.STALLED, badSpec, badSpec ? "InvalidSpec" : "Decided",
                badSpec ? decision.reason() : "the session was decided");
        conditions.set(Conditions.DRIFTED, currentDrift != null, currentDrift == null ? "NoDrift" : "ConfigMapChanged",
                currentDrift == null ? "the session map holds the desired settings"
                        : currentDrift.describe());
        conditions.set(Conditions.POLICY_VIOLATION, decision.policyViolation(),
                decision.policyViolation() ? "AuditOnly" : "Compliant",
                decision.policyViolation() ? decision.reason() : "the session is within its policies");
        status.setConditions(conditions.build());
        return status;
    }

    private static ExceptionStatus exceptionStatus(ExceptionOutcome outcome) {
        if (outcome == null) {
            return null;
        }
        ExceptionStatus status = new ExceptionStatus();
        status.setState(outcome.state());
        status.setApprovals(outcome.approvals().isEmpty() ? null : outcome.approvals().stream()
                .map(a -> new CountedApproval(a.approver(), a.groups(), Rfc3339.format(a.at()))).toList());
        status.setMissing(outcome.missing().isEmpty() ? null : outcome.missing());
        status.setExpiresAt(outcome.expiresAt() == null ? null : Rfc3339.format(outcome.expiresAt()));
        return status;
    }

    /** The previous decision stays; Stalled says why nothing was decided. */
    public static AgentSessionStatus frozen(AgentSession session, AgentSessionStatus previous, List<String> invalidPolicies, Instant now) {
        AgentSessionStatus status = base(session, previous);
        status.setPhase(previous.getPhase() == null ? SessionPhase.PENDING : previous.getPhase());
        status.setEffectiveMode(previous.getEffectiveMode());
        status.setTier(previous.getTier());
        status.setSeniority(previous.getSeniority());
        status.setEscalatedFrom(previous.getEscalatedFrom());
        status.setPolicies(previous.getPolicies());
        status.setException(previous.getException());
        status.setConfigMap(previous.getConfigMap());
        status.setSettingsHash(previous.getSettingsHash());
        status.setPods(previous.getPods());
        String why = invalidPolicies.isEmpty()
                ? "namespace " + session.getMetadata().getNamespace() + " is not known yet"
                : "governing PermissionPolicy " + String.join(", ", invalidPolicies)
                        + " is invalid; the session keeps its last decision until the policy is fixed";
        status.setReason(previous.getReason() == null ? why : previous.getReason());
        Conditions conditions = new Conditions(previous.getConditions(), session.getMetadata().getGeneration(), now);
        boolean runs = status.getPhase().runs();
        conditions.set(Conditions.READY, runs, status.getPhase().value(), status.getReason());
        conditions.set(Conditions.STALLED, true, invalidPolicies.isEmpty() ? "NamespaceUnknown" : "InvalidPolicy", why);
        conditions.set(Conditions.DRIFTED, Conditions.isTrue(previous.getConditions(), Conditions.DRIFTED),
                "Unchanged", "kept from the last decision");
        conditions.set(Conditions.POLICY_VIOLATION, Conditions.isTrue(previous.getConditions(), Conditions.POLICY_VIOLATION),
                "Unchanged", "kept from the last decision");
        status.setConditions(conditions.build());
        return status;
    }

    private static AgentSessionStatus base(AgentSession session, AgentSessionStatus previous) {
        AgentSessionStatus status = new AgentSessionStatus();
        status.setObservedGeneration(session.getMetadata().getGeneration());
        status.setDrift(previous.getDrift());
        return status;
    }
}
