package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionStatus;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** agentpolicy.session-namespaces (Helm value config.sessionNamespaces) narrows the sessions decided, not the baselines. */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
@TestProfile(SessionNamespacesTest.OneWatchedNamespace.class)
class SessionNamespacesTest {
    static final String WATCHED = "sessions-watched";
    static final String UNWATCHED = "sessions-unwatched";

    public static class OneWatchedNamespace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentpolicy.session-namespaces", WATCHED);
        }
    }

    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void sessionsAreDecidedInTheWatchedNamespacesOnlyAndBaselinesEverywhere() {
        String tier = unique("watch");
        applyPolicy(client, unique("watch-policy"), "tiers: [" + tier + "]\nmodes: {default: default}");
        createNamespace(client, UNWATCHED, NamespaceBaselineTest.TIER_LABEL, tier);
        client.resource(session(UNWATCHED)).create();
        createNamespace(client, WATCHED, NamespaceBaselineTest.TIER_LABEL, tier);
        client.resource(session(WATCHED)).create();

        await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> {
            AgentSession decided = client.resources(AgentSession.class).inNamespace(WATCHED).withName("agent").get();
            assertThat(decided.getStatus()).isNotNull().extracting(AgentSessionStatus::getPhase).isEqualTo(SessionPhase.ADMITTED);
            assertThat(configMap(client, WATCHED, "agent-session-agent")).isNotNull();
        });
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> configMap(client, UNWATCHED, NamespaceBaselineTest.MAP) != null);
        // Created before the watched one, it would have been decided by now if its namespace were watched.
        assertThat(client.resources(AgentSession.class).inNamespace(UNWATCHED).withName("agent").get().getStatus()).isNull();
    }

    private static AgentSession session(String namespace) {
        return Resources.loadAll("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: agent, namespace: %s}
                spec: {engineer: dev@example.com, requestedMode: default, taskType: docs}
                """.formatted(namespace), AgentSession.class).get(0);
    }
}
