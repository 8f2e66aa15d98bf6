package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** agentpolicy.max-session-duration ends a session at its creation plus the maximum, however far its expiresAt. */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
@TestProfile(SessionLifetimeLimitTest.ShortLifetime.class)
class SessionLifetimeLimitTest {
    private static final Logger LOG = Logger.getLogger(SessionLifetimeLimitTest.class);
    static final Duration MAX = Duration.ofSeconds(8);

    public static class ShortLifetime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentpolicy.max-session-duration", MAX.toSeconds() + "s");
        }
    }

    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void aSessionExpiringInTheYear9999EndsWhenItsLifetimeIsOver() {
        String tier = unique("lifetime");
        applyPolicy(client, unique("lifetime-policy"), "tiers: [" + tier + "]\nmodes: {default: default}");
        String namespace = createNamespace(client, unique("lifetime"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        AgentSession created = client.resource(Resources.loadAll("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: forever, namespace: %s}
                spec: {engineer: dev@example.com, groups: [eng], requestedMode: default, expiresAt: "9999-12-31T00:00:00Z"}
                """.formatted(namespace), AgentSession.class).get(0)).create();
        Instant end = Instant.parse(created.getMetadata().getCreationTimestamp()).plus(MAX);

        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> configMap(client, namespace, "agent-session-forever") != null);
        // The map is written before the status that records it.
        await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> assertThat(phase(namespace)).isEqualTo(SessionPhase.ADMITTED));

        await().atMost(MAX.plus(NamespaceBaselineTest.WITHIN)).pollInterval(Duration.ofMillis(50))
                .until(() -> phase(namespace) == SessionPhase.EXPIRED);
        Instant seen = Instant.now();
        LOG.infof("session expired %d ms after its maximum lifetime ended", Duration.between(end, seen).toMillis());
        assertThat(seen).as("expired at its lifetime's end, not before").isAfterOrEqualTo(end);
        AgentSession expired = client.resources(AgentSession.class).inNamespace(namespace).withName("forever").get();
        assertThat(expired.getStatus().getReason()).isEqualTo("session reached the maximum lifetime of PT8S at " + end
                + " (agentpolicy.max-session-duration), whatever its expiresAt");
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> configMap(client, namespace, "agent-session-forever") == null);
    }

    private SessionPhase phase(String namespace) {
        AgentSession session = client.resources(AgentSession.class).inNamespace(namespace).withName("forever").get();
        return session.getStatus() == null ? null : session.getStatus().getPhase();
    }
}
