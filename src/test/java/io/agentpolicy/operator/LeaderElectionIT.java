package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.settingsOf;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.agentpolicy.testing.OperatorProcess;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Two replicas of the packaged operator with leader election: one holds the Lease and works; when it is stopped as a
 * rollout stops it (SIGTERM), it exits within seconds and hands the Lease back, so the other leads at its next retry
 * instead of waiting for the lease to lapse. (The Helm chart runs two replicas this way.)
 */
class LeaderElectionIT {
    private static final Logger LOG = Logger.getLogger(LeaderElectionIT.class);
    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void theSecondReplicaTakesOverWhenTheLeaderStops() throws Exception {
        String lease = unique("agent-policy-operator");
        String tier = unique("elected");
        String policy = unique("elected-policy");
        String namespace = createNamespace(client, unique("elected"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        applyPolicy(client, policy, "tiers: [" + tier + "]\nmodes: {default: plan}");

        try (OperatorProcess first = OperatorProcess.start(replica("replica-a", lease));
                OperatorProcess second = OperatorProcess.start(replica("replica-b", lease))) {
            String leader = await().atMost(Duration.ofSeconds(60)).until(() -> holderOf(lease), holder -> holder != null);
            await().atMost(NamespaceBaselineTest.WITHIN).until(() -> configMap(client, namespace, NamespaceBaselineTest.MAP) != null);
            LOG.infof("%s leads", leader);

            long stopped = System.nanoTime();
            assertThat((leader.equals("replica-a") ? first : second).terminate(Duration.ofSeconds(5)))
                    .as("the leader exits within 5 s of SIGTERM").isTrue();
            LOG.infof("%s exited %d ms after SIGTERM", leader, (System.nanoTime() - stopped) / 1_000_000);
            assertThat(holderOf(lease)).as("the stopped leader released the lease").isNotEqualTo(leader);
            String next = leader.equals("replica-a") ? "replica-b" : "replica-a";
            await().atMost(Duration.ofSeconds(5)).until(() -> next.equals(holderOf(lease)));
            LOG.infof("%s took over %d ms after SIGTERM", next, (System.nanoTime() - stopped) / 1_000_000);

            applyPolicy(client, policy, "tiers: [" + tier + "]\nmodes: {default: default}");
            await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> assertThat(settingsOf(configMap(client, namespace,
                    NamespaceBaselineTest.MAP))).contains("\"defaultMode\": \"default\""));
        }
    }

    private static Map<String, String> replica(String identity, String lease) {
        return Map.of("HOSTNAME", identity,
                "AGENTPOLICY_LEADER_ELECTION_ENABLED", "true",
                "AGENTPOLICY_LEADER_ELECTION_LEASE_NAME", lease,
                "AGENTPOLICY_LEADER_ELECTION_LEASE_NAMESPACE", "default");
    }

    private String holderOf(String lease) {
        Lease current = client.resources(Lease.class).inNamespace("default").withName(lease).get();
        return current == null || current.getSpec() == null ? null : current.getSpec().getHolderIdentity();
    }
}
