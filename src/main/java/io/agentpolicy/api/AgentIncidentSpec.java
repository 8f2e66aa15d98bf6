package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentIncidentSpec {

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("The engineer whose agent made the mistake, as in AgentSession spec.engineer, e.g. alice@example.com.")
    private String engineer;

    @Size(min = 1, max = 49)
    @JsonPropertyDescription("Optional: the AgentSession (in this namespace) the mistake happened in; it must be one of "
            + "spec.engineer's sessions.")
    private String session;

    @Required
    @JsonPropertyDescription("Minor, Significant or Critical. Juniors and mids are escalated by mistakes of any severity, "
            + "seniors by Critical ones (PermissionPolicy spec.seniority.escalation).")
    private IncidentSeverity severity;

    @Required
    @Size(max = 64)
    @Pattern(Rfc3339.PATTERN)
    @JsonPropertyDescription("When the mistake happened (RFC 3339, e.g. 2026-12-01T10:00:00Z); not after the incident is "
            + "recorded.")
    private String occurredAt;

    @Size(max = 1024)
    @JsonPropertyDescription("What went wrong, in a sentence; shown to the engineer in the escalation's reason.")
    private String summary;

    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Who recorded the incident; must be the user creating it (admission) unless that user is in a "
            + "trusted group filing on someone's behalf.")
    private String reportedBy;

    public String getEngineer() {
        return engineer;
    }

    public void setEngineer(String engineer) {
        this.engineer = engineer;
    }

    public String getSession() {
        return session;
    }

    public void setSession(String session) {
        this.session = session;
    }

    public IncidentSeverity getSeverity() {
        return severity;
    }

    public void setSeverity(IncidentSeverity severity) {
        this.severity = severity;
    }

    public String getOccurredAt() {
        return occurredAt;
    }

    public void setOccurredAt(String occurredAt) {
        this.occurredAt = occurredAt;
    }

    public String getSummary() {
        return summary;
    }

    public void setSummary(String summary) {
        this.summary = summary;
    }

    public String getReportedBy() {
        return reportedBy;
    }

    public void setReportedBy(String reportedBy) {
        this.reportedBy = reportedBy;
    }
}
