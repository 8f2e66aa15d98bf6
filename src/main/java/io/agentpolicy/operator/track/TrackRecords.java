package io.agentpolicy.operator.track;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.api.EngineerStandingStatus;
import io.agentpolicy.engine.StandingNames;
import io.agentpolicy.engine.TrackRecord;
import io.agentpolicy.operator.reporting.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What the session and standing controllers share about track records: which incidents count, the history the engine
 * replays (read from durable objects only: incidents and the standing's session records), and creating a standing.
 */
public final class TrackRecords {
    /** On an EngineerStanding: the engineer's e-mail (a name cannot hold it; the status is empty until reconciled). */
    public static final String ENGINEER_ANNOTATION = ApiConstants.GROUP + "/engineer";
    /** Informer index of incidents and sessions by spec.engineer. */
    public static final String BY_ENGINEER = "byEngineer";

    private TrackRecords() {
    }

    /** An incident counts once the operator found it valid for its current spec (Ready=True, InvalidSpec never). */
    public static boolean counts(AgentIncident incident) {
        return incident.getStatus() != null && incident.getSpec() != null
                && Objects.equals(incident.getStatus().getObservedGeneration(), incident.getMetadata().getGeneration())
                && Conditions.isTrue(incident.getStatus().getConditions(), Conditions.READY);
    }

    /** The engineer's history: the incidents that count, and the sessions their standing records as ended. */
    public static TrackRecord.History history(Collection<AgentIncident> incidents, EngineerStandingStatus standing) {
        return TrackRecord.History.of(incidents.stream().filter(TrackRecords::counts).toList(), standing);
    }

    /** The engineer an incident or session names, as an index key (none for an object without one). */
    public static List<String> engineerKey(String engineer) {
        return engineer == null ? List.of() : List.of(engineer);
    }

    /**
     * Creates the engineer's (empty) standing; one that exists already is left alone. The operator never deletes one:
     * it holds the sessions that ended, which nothing else remembers.
     */
    public static void ensureStanding(KubernetesClient client, String engineer) {
        EngineerStanding standing = new EngineerStanding();
        standing.setMetadata(new ObjectMetaBuilder().withName(StandingNames.of(engineer))
                .withAnnotations(Map.of(ENGINEER_ANNOTATION, engineer))
                .withLabels(Map.of(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE)).build());
        try {
            client.resource(standing).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }
}
