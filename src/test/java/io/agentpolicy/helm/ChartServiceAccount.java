package io.agentpolicy.helm;

import java.util.Map;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.testing.Helm;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Installs the chart into a fresh namespace of the test cluster and points the operator under test at the API
 * server with a token of the chart's ServiceAccount, and nothing else: it runs with exactly the chart's RBAC.
 * The release's Deployment never starts (no kubelet); the in-process operator stands in for its pods.
 */
public class ChartServiceAccount implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestCluster cluster = TestCluster.get();
        KubernetesClient admin = cluster.admin();
        String release = Resources.unique("rbac-proof");
        Helm.install(release, release);
        String serviceAccount = release + "-agent-policy-operator";

        // The generated admission policies must be written by this identity, not left over from an earlier run.
        admin.resources(ValidatingAdmissionPolicyBinding.class).withLabel(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE).delete();
        admin.resources(ValidatingAdmissionPolicy.class).withLabel(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE).delete();

        String token = admin.serviceAccounts().inNamespace(release).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", admin.getMasterUrl().toString(),
                "quarkus.kubernetes-client.ca-cert-file", cluster.stateDirectory().resolve("pki/ca.crt").toString(),
                "quarkus.kubernetes-client.token", token,
                // In a pod both come from the ServiceAccount's namespace (the chart sets the lease namespace so).
                "quarkus.kubernetes-client.namespace", release,
                "agentpolicy.leader-election.lease-namespace", release);
    }

    @Override
    public void stop() {
        // The release stays: namespaces never finish deleting here, and the cluster goes away with the JVM.
    }
}
