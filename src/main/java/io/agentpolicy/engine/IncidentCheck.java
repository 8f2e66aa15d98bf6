package io.agentpolicy.engine;

import java.time.Duration;
import java.time.Instant;

import io.agentpolicy.api.AgentIncidentSpec;
import io.agentpolicy.api.Rfc3339;

/**
 * What the schema cannot check of an AgentIncident (shared/docs/api.md, "Track record"): an incident that fails here
 * counts on nobody's record. The operator reports it as Stalled/InvalidSpec; the CLI as an error.
 */
public final class IncidentCheck {
    /** Clocks of the recorder and the API server disagree a little; more than this is a date in the future. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private IncidentCheck() {
    }

    /**
     * Why the incident cannot count, naming the field; null when it counts. recorded is when it was filed (its
     * creationTimestamp; null for a file not applied yet, whose incident simply counts from its occurredAt on),
     * sessionEngineer the engineer of the session spec.session names (null when it names none or the session is gone).
     */
    public static String problem(AgentIncidentSpec spec, Instant recorded, String sessionEngineer) {
        Instant occurred = Rfc3339.parse(spec.getOccurredAt());
        if (occurred == null) {
            return "spec.occurredAt \"" + spec.getOccurredAt() + "\" is not an RFC 3339 timestamp (e.g. 2026-12-01T10:00:00Z)";
        }
        if (recorded != null && occurred.isAfter(recorded.plus(CLOCK_SKEW))) {
            return "spec.occurredAt " + spec.getOccurredAt() + " is after the incident was recorded (" + Rfc3339.format(recorded)
                    + "): an incident records a mistake that happened; it counts on nobody's record";
        }
        if (sessionEngineer != null && !sessionEngineer.equals(spec.getEngineer())) {
            return "spec.session " + spec.getSession() + " is a session of " + sessionEngineer + ", not of " + spec.getEngineer()
                    + ": an incident about a session counts on the record of that session's engineer only; it counts on "
                    + "nobody's record";
        }
        return null;
    }
}
