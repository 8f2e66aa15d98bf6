package io.agentpolicy.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the operator under test (started in-process by @QuarkusTest) at the real test cluster, as its admin.
 */
public class OperatorTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestCluster cluster = TestCluster.get();
        var pki = cluster.stateDirectory().resolve("pki");
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", cluster.admin().getMasterUrl().toString(),
                "quarkus.kubernetes-client.ca-cert-file", pki.resolve("ca.crt").toString(),
                "quarkus.kubernetes-client.client-cert-file", pki.resolve("admin.crt").toString(),
                "quarkus.kubernetes-client.client-key-file", pki.resolve("admin.key").toString(),
                "quarkus.kubernetes-client.namespace", "default");
    }

    @Override
    public void stop() {
        // The cluster outlives the Quarkus application: other test classes share it; a JVM hook stops it.
    }
}
