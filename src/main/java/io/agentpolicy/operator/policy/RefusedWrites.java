package io.agentpolicy.operator.policy;

import java.util.List;
import java.util.Set;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.maps.DriftOwner;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;

/**
 * Asks for the status of the policies owning a map whose write the API server refused, or passes again: a refused
 * write leaves no watch event behind, and the policy's Stalled condition has to say why its map is not rendered.
 */
class RefusedWrites extends AbstractEventSource<Void, PermissionPolicy> {

    RefusedWrites() {
        super(Void.class, "refused-writes");
    }

    /** It only triggers: there is nothing to cache. */
    @Override
    public Set<Void> getSecondaryResources(PermissionPolicy primary) {
        return Set.of();
    }

    void changed(List<DriftOwner> owners) {
        if (!isRunning()) {
            return;
        }
        owners.stream().filter(owner -> owner.resource() instanceof PermissionPolicy)
                .forEach(owner -> getEventHandler().handleEvent(new Event(ResourceID.fromResource(owner.resource()))));
    }
}
