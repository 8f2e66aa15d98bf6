package io.agentpolicy.operator.admission;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.support.ManagedConfigMaps;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.StartupEvent;

/**
 * Creates the generated admission policies that do not exist yet, so that {@link AdmissionPolicyReconciler}
 * (whose primaries they are) has something to keep current. Existing ones are left to the reconciler.
 */
public class AdmissionPolicyBootstrap {
    private static final Logger LOG = Logger.getLogger(AdmissionPolicyBootstrap.class);

    @Inject
    AdmissionPolicies admissionPolicies;

    @Inject
    KubernetesClient client;

    @Inject
    Clock clock;

    void onStart(@Observes StartupEvent start) {
        try {
            List<PermissionPolicy> policies = client.resources(PermissionPolicy.class).list().getItems();
            for (AdmissionPolicies.Generated generated : admissionPolicies.desired(policies, clock.instant())) {
                if (client.resources(ValidatingAdmissionPolicy.class).withName(generated.name()).get() == null) {
                    client.resource(generated.policy()).fieldManager(ManagedConfigMaps.FIELD_MANAGER).forceConflicts().serverSideApply();
                    client.resource(generated.binding()).fieldManager(ManagedConfigMaps.FIELD_MANAGER).forceConflicts().serverSideApply();
                    LOG.infof("created admission policy %s", generated.name());
                }
                for (GenericKubernetesResource companion : generated.alongside()) {
                    if (client.genericKubernetesResources(companion.getApiVersion(), companion.getKind())
                            .withName(companion.getMetadata().getName()).get() == null) {
                        client.resource(companion).fieldManager(ManagedConfigMaps.FIELD_MANAGER).forceConflicts().serverSideApply();
                        LOG.infof("created %s %s", companion.getKind(), companion.getMetadata().getName());
                    }
                }
            }
        } catch (KubernetesClientException e) {
            // Not fatal: without them admission is looser, the reconcile-time decisions still hold.
            LOG.errorf("could not create the admission policies: %s", e.getMessage());
        }
    }
}
