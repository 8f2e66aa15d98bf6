package io.agentpolicy.operator.policy;

import java.util.Set;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.maps.RenderedMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;

/**
 * Asks for the status of the policies named on a baseline map whenever the namespace-baseline controller has
 * converged or removed it: the policy controller watches no map itself (the baseline controller's informer is the
 * only one on baseline maps), and a refused write leaves no watch event behind.
 */
class BaselineMapChanges extends AbstractEventSource<Void, PermissionPolicy> {

    BaselineMapChanges() {
        super(Void.class, "baseline-map-changes");
    }

    /** It only triggers: there is nothing to cache. */
    @Override
    public Set<Void> getSecondaryResources(PermissionPolicy primary) {
        return Set.of();
    }

    void changed(ConfigMap map) {
        if (!isRunning() || map.getMetadata().getLabels() != null && map.getMetadata().getLabels().containsKey(ApiConstants.SESSION_LABEL)) {
            return;
        }
        RenderedMap.contributingPolicies(map).forEach(name -> getEventHandler().handleEvent(new Event(new ResourceID(name))));
    }
}
