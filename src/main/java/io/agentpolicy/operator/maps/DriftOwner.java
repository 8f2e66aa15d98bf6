package io.agentpolicy.operator.maps;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.DriftStatus;
import io.agentpolicy.api.PermissionPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** The resource a rendered map is reported to, with the drift record its status already holds. */
public record DriftOwner(HasMetadata resource, DriftStatus persisted, Long persistedGeneration) {

    public static DriftOwner of(PermissionPolicy policy) {
        return policy.getStatus() == null ? new DriftOwner(policy, null, null)
                : new DriftOwner(policy, policy.getStatus().getDrift(), policy.getStatus().getObservedGeneration());
    }

    public static DriftOwner of(AgentSession session) {
        return session.getStatus() == null ? new DriftOwner(session, null, null)
                : new DriftOwner(session, session.getStatus().getDrift(), session.getStatus().getObservedGeneration());
    }

    String uid() {
        return resource.getMetadata().getUid();
    }

    long generation() {
        return resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    }

    /** The persisted count belongs to the current generation (the count restarts with each generation). */
    boolean persistedIsCurrent() {
        return persisted != null && persisted.getCount() != null && persistedGeneration != null && persistedGeneration == generation();
    }
}
