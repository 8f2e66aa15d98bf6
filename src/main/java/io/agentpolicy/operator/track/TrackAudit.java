package io.agentpolicy.operator.track;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.NamespaceStanding;
import io.agentpolicy.operator.session.AuditTrail;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Track-record lines of the audit trail (the logger of {@link AuditTrail}) and their counters:
 * agentpolicy_incidents_total{severity, tier} and agentpolicy_escalations_total{tier, direction}. Engineers are in
 * the audit lines, never in metric labels (one series per engineer would grow without bound).
 */
@ApplicationScoped
public class TrackAudit {
    private static final Logger AUDIT = Logger.getLogger(AuditTrail.LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    MeterRegistry registry;

    /** An incident that now counts on its engineer's record. */
    public void incidentCounted(AgentIncident incident, String tier, Instant now) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", now.toString());
        line.put("action", "IncidentRecorded");
        line.put("namespace", incident.getMetadata().getNamespace());
        line.put("tier", tier);
        line.put("incident", incident.getMetadata().getName());
        line.put("engineer", incident.getSpec().getEngineer());
        line.put("session", incident.getSpec().getSession());
        line.put("severity", incident.getSpec().getSeverity().value());
        line.put("occurredAt", incident.getSpec().getOccurredAt());
        line.put("reportedBy", incident.getSpec().getReportedBy());
        line.put("summary", incident.getSpec().getSummary());
        write(line);
        registry.counter("agentpolicy.incidents", "severity", incident.getSpec().getSeverity().value(), "tier", tier).increment();
    }

    /** An engineer escalated (escalated = true) or lifted in one namespace. */
    public void standingChanged(String engineer, NamespaceStanding standing, boolean escalated, Instant now) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", now.toString());
        line.put("action", escalated ? "Escalated" : "DeEscalated");
        line.put("namespace", standing.getNamespace());
        line.put("tier", standing.getTier());
        line.put("engineer", engineer);
        line.put("seniority", standing.getSeniority() == null ? null : standing.getSeniority().value());
        line.put("effectiveSeniority", standing.getLevel() == null ? null : standing.getLevel().value());
        line.put("incidents", standing.getIncidents());
        line.put("reason", standing.getReason());
        write(line);
        registry.counter("agentpolicy.escalations", "tier", String.valueOf(standing.getTier()),
                "direction", escalated ? "escalated" : "de_escalated").increment();
    }

    private static void write(Map<String, Object> line) {
        try {
            AUDIT.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit record is plain strings and lists", e);
        }
    }
}
