package io.agentpolicy.operator.session;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.ExceptionState;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.ExceptionOutcome;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The audit trail of session decisions: one JSON line per decision or change of decision on the logger
 * {@value #LOGGER}, and the counter agentpolicy_decisions_total{phase, tier}.
 */
@ApplicationScoped
public class AuditTrail {
    public static final String LOGGER = "agentpolicy.audit";
    private static final Logger AUDIT = Logger.getLogger(LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    MeterRegistry registry;

    /**
     * Counts a session's exception reaching a new state (agentpolicy_exceptions_total{outcome}); for an approval, also
     * how long the approvers took from the session's creation to the last approval (agentpolicy_exception_approval_seconds).
     */
    public void exceptionChanged(AgentSession session, ExceptionOutcome exception) {
        registry.counter("agentpolicy.exceptions", "outcome", exception.state().value()).increment();
        Instant created = Rfc3339.parse(session.getMetadata().getCreationTimestamp());
        if (exception.state() == ExceptionState.APPROVED && created != null) {
            exception.approvals().stream().map(ExceptionOutcome.CountedAnswer::at).max(Instant::compareTo)
                    .ifPresent(last -> registry.timer("agentpolicy.exception.approval").record(Duration.between(created, last)));
        }
    }

    public void record(AgentSession session, Decision decision, Instant now) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", now.toString());
        line.put("namespace", session.getMetadata().getNamespace());
        line.put("session", session.getMetadata().getName());
        line.put("tier", decision.tier());
        line.put("repository", session.getSpec().getRepository());
        line.put("engineer", session.getSpec().getEngineer());
        line.put("seniority", decision.seniority() == null ? null : decision.seniority().value());
        line.put("taskType", session.getSpec().getTaskType());
        line.put("requestedMode", session.getSpec().getRequestedMode() == null ? null : session.getSpec().getRequestedMode().value());
        line.put("effectiveMode", decision.effectiveMode() == null ? null : decision.effectiveMode().value());
        line.put("phase", decision.phase().value());
        line.put("reason", decision.reason());
        line.put("policies", decision.policies());
        if (decision.exception() != null) {
            Map<String, Object> exception = new LinkedHashMap<>();
            exception.put("state", decision.exception().state().value());
            exception.put("reason", session.getSpec().getException() == null ? null : session.getSpec().getException().getReason());
            exception.put("approvals", decision.exception().approvals().stream().map(a -> Map.of("approver", a.approver(),
                    "groups", a.groups(), "at", Rfc3339.format(a.at()))).toList());
            exception.put("missing", decision.exception().missing());
            exception.put("expiresAt", decision.exception().expiresAt() == null ? null : Rfc3339.format(decision.exception().expiresAt()));
            line.put("exception", exception);
        }
        try {
            AUDIT.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit record is plain strings and lists", e);
        }
        registry.counter("agentpolicy.decisions", "phase", decision.phase().value(), "tier", String.valueOf(decision.tier()))
                .increment();
    }
}
