package io.agentpolicy.engine;

import java.time.Instant;
import java.util.List;

import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionPhase;

/**
 * The outcome of deciding an AgentSession: what goes into its status, and the merged policy to render its map from.
 *
 * @param effectiveMode the mode the session runs in; null when Denied or Expired
 * @param tier the tier decided in (the unclassified tier for an unlabelled namespace)
 * @param policies the governing policies, sorted by name
 * @param reason the deciding rule and the policy it came from
 * @param policyViolation true when Audit admitted a session that breaks the policy (PolicyViolation condition, Event)
 * @param merged the merged governing policies; null when none governs the namespace
 * @param nextTransition the earliest future instant at which this decision may change by itself (an active override
 *        lapsing, the session expiring), for scheduling a reconcile; null when nothing is due
 * @param exception where the session's exception stands; null when it asks for none
 * @param escalation the engineer's standing in the namespace when it lowered the decision (AgentIncidents); null otherwise
 */
public record Decision(
        SessionPhase phase,
        PermissionMode effectiveMode,
        String tier,
        Seniority seniority,
        List<String> policies,
        String reason,
        boolean policyViolation,
        MergedPolicy merged,
        Instant nextTransition,
        ExceptionOutcome exception,
        TrackRecord.Standing escalation) {

    public Decision {
        policies = List.copyOf(policies);
    }

    /** A decision about a session that asks for no exception. */
    public Decision(SessionPhase phase, PermissionMode effectiveMode, String tier, Seniority seniority, List<String> policies,
            String reason, boolean policyViolation, MergedPolicy merged, Instant nextTransition) {
        this(phase, effectiveMode, tier, seniority, policies, reason, policyViolation, merged, nextTransition, null, null);
    }

    /** A decision with the outcome of the session's exception. */
    public Decision(SessionPhase phase, PermissionMode effectiveMode, String tier, Seniority seniority, List<String> policies,
            String reason, boolean policyViolation, MergedPolicy merged, Instant nextTransition, ExceptionOutcome exception) {
        this(phase, effectiveMode, tier, seniority, policies, reason, policyViolation, merged, nextTransition, exception, null);
    }

    /** The same decision with the exception's outcome. */
    public Decision withException(ExceptionOutcome outcome) {
        return new Decision(phase, effectiveMode, tier, seniority, policies, reason, policyViolation, merged, nextTransition, outcome, escalation);
    }

    /** The same decision, due again at next. */
    public Decision until(Instant next) {
        return new Decision(phase, effectiveMode, tier, seniority, policies, reason, policyViolation, merged, next, exception, escalation);
    }

    /** The same decision lowered by an escalation: its reason says why first, and it is due again when the escalation lifts. */
    public Decision escalatedBy(TrackRecord.Standing standing) {
        Instant next = standing.liftsAt() != null && (nextTransition == null || standing.liftsAt().isBefore(nextTransition))
                ? standing.liftsAt() : nextTransition;
        return new Decision(phase, effectiveMode, tier, seniority, policies, standing.reason() + "; " + reason, policyViolation,
                merged, next, exception, standing);
    }
}
