package io.agentpolicy.operator.session;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.ExceptionState;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.ExceptionOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The audit trail of session decisions: one JSON line per decision or change of decision on the logger
 * {@value #LOGGER} with the seed's fields (shared/docs/api.md, "Reports and metrics"), and the counters
 * agentpolicy_decisions_total{phase, mode, tier} and agentpolicy_exceptions_total{outcome, tier}.
 */
@ApplicationScoped
public class AuditTrail {
    public static final String LOGGER = "agentpolicy.audit";
    private static final Logger AUDIT = Logger.getLogger(LOGGER);
    /** The mode label of a decision that grants none (Denied, PendingApproval, Expired). */
    public static final String NO_MODE = "none";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Time to approval: minutes for a code owner on call, hours to a day for a CTO (maxDuration is at most 24h). */
    private static final Duration[] APPROVAL_BUCKETS = Stream.of(1, 5, 15, 30, 60, 120, 240, 480, 1440, 2880)
            .map(Duration::ofMinutes).toArray(Duration[]::new);

    @Inject
    MeterRegistry registry;

    /**
     * Counts a session's exception reaching a new state (agentpolicy_exceptions_total{outcome, tier}: requested,
     * approved, rejected, expired); for an approval, also how long the approvers took from the session's creation to
     * the last approval (the histogram agentpolicy_exception_approval_seconds{tier}).
     */
    public void exceptionChanged(AgentSession session, Decision decision) {
        ExceptionOutcome exception = decision.exception();
        String tier = String.valueOf(decision.tier());
        registry.counter("agentpolicy.exceptions", "outcome", outcome(exception.state()), "tier", tier).increment();
        Duration toApproval = timeToApproval(session, exception);
        if (toApproval != null) {
            Timer.builder("agentpolicy.exception.approval").description("Time from a session's creation to its exception's last approval")
                    .serviceLevelObjectives(APPROVAL_BUCKETS).tag("tier", tier).register(registry).record(toApproval);
        }
    }

    public void record(AgentSession session, Decision decision, Instant now) {
        try {
            AUDIT.info(JSON.writeValueAsString(line(session, decision, now)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit record is plain strings and lists", e);
        }
        registry.counter("agentpolicy.decisions", "phase", decision.phase().value(),
                "mode", decision.effectiveMode() == null ? NO_MODE : decision.effectiveMode().value(),
                "tier", String.valueOf(decision.tier())).increment();
    }

    /** The audit record of a decision: the seed's fields first, then what else explains it. */
    static Map<String, Object> line(AgentSession session, Decision decision, Instant now) {
        ExceptionOutcome exception = decision.exception();
        boolean approvalRequired = exception != null && exception.state() != ExceptionState.NOT_APPLICABLE;
        boolean approved = exception != null && exception.state() == ExceptionState.APPROVED;
        Duration toApproval = approved ? timeToApproval(session, exception) : null;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", now.toString());
        line.put("repository", session.getSpec().getRepository());
        line.put("engineer", session.getSpec().getEngineer());
        line.put("requested_mode", session.getSpec().getRequestedMode() == null ? null : session.getSpec().getRequestedMode().value());
        line.put("effective_mode", decision.effectiveMode() == null ? null : decision.effectiveMode().value());
        line.put("action", action(decision.phase()));
        line.put("approval_required", approvalRequired);
        line.put("approved_by", approved ? exception.approvals().stream().map(ExceptionOutcome.CountedAnswer::approver).toList() : null);
        line.put("approval_time", approved ? lastApproval(exception).map(Rfc3339::format).orElse(null) : null);
        line.put("approval_duration_seconds", toApproval == null ? null : toApproval.toSeconds());
        line.put("namespace", session.getMetadata().getNamespace());
        line.put("session", session.getMetadata().getName());
        line.put("tier", decision.tier());
        line.put("seniority", decision.seniority() == null ? null : decision.seniority().value());
        line.put("task_type", session.getSpec().getTaskType());
        line.put("phase", decision.phase().value());
        line.put("reason", decision.reason());
        line.put("policies", decision.policies());
        if (exception != null) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("state", exception.state().value());
            details.put("reason", session.getSpec().getException() == null ? null : session.getSpec().getException().getReason());
            details.put("approvals", exception.approvals().stream().map(AuditTrail::approval).toList());
            details.put("missing", exception.missing());
            details.put("expires_at", exception.expiresAt() == null ? null : Rfc3339.format(exception.expiresAt()));
            line.put("exception", details);
        }
        return line;
    }

    private static Map<String, Object> approval(ExceptionOutcome.CountedAnswer answer) {
        Map<String, Object> approval = new LinkedHashMap<>();
        approval.put("approver", answer.approver());
        approval.put("groups", answer.groups());
        approval.put("at", Rfc3339.format(answer.at()));
        return approval;
    }

    /** What the decision did to the session, as the seed's "action". */
    static String action(SessionPhase phase) {
        return switch (phase) {
            case ADMITTED -> "admitted";
            case DOWNGRADED -> "downgraded";
            case DENIED -> "denied";
            case PENDING_APPROVAL -> "approval_requested";
            case EXPIRED -> "expired";
            case PENDING -> "pending";
        };
    }

    /** The outcome label of agentpolicy_exceptions_total. */
    static String outcome(ExceptionState state) {
        return switch (state) {
            case PENDING -> "requested";
            case APPROVED -> "approved";
            case REJECTED -> "rejected";
            case EXPIRED -> "expired";
            case NOT_APPLICABLE -> "not_applicable";
        };
    }

    private static Optional<Instant> lastApproval(ExceptionOutcome exception) {
        return exception.approvals().stream().map(ExceptionOutcome.CountedAnswer::at).max(Instant::compareTo);
    }

    /** From the session's creation to the last approval that counted; null unless approved. */
    private static Duration timeToApproval(AgentSession session, ExceptionOutcome exception) {
        Instant created = Rfc3339.parse(session.getMetadata().getCreationTimestamp());
        if (exception.state() != ExceptionState.APPROVED || created == null) {
            return null;
        }
        return lastApproval(exception).map(last -> Duration.between(created, last)).orElse(null);
    }
}
