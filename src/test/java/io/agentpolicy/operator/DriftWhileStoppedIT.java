package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.latestDrift;
import static io.agentpolicy.testing.Resources.settingsOf;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionStatus;
import io.agentpolicy.api.DriftEntry;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.testing.OperatorProcess;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * The packaged operator is stopped, maps are edited and deleted behind its back, and it is started again: the
 * drift is found, reported and repaired. (An integration test: it runs the jar built by `package`.)
 */
class DriftWhileStoppedIT {
    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void driftMadeWhileTheOperatorWasDownIsReportedWhenItStarts() throws Exception {
        String tier = unique("downtime");
        String policy = unique("downtime-policy");
        String namespace = createNamespace(client, unique("downtime"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        String baseline;
        String sessionMap;
        try (OperatorProcess operator = OperatorProcess.start()) {
            applyPolicy(client, policy, "tiers: [" + tier + "]\nmodes: {default: plan, allowed: [plan, default], "
                    + "disableBypassPermissions: true, disableAuto: true}");
            client.resource(Resources.loadAll("""
                    apiVersion: agentpolicy.io/v1alpha1
                    kind: AgentSession
                    metadata: {name: night-shift, namespace: %s}
                    spec: {engineer: dev@example.com, requestedMode: default}
                    """.formatted(namespace), AgentSession.class).get(0)).create();
            await().atMost(NamespaceBaselineTest.WITHIN).until(() -> configMap(client, namespace, DriftTest.MAP) != null
                    && configMap(client, namespace, "agent-session-night-shift") != null);
            await().atMost(NamespaceBaselineTest.WITHIN).until(() -> {
                AgentSession session = client.resources(AgentSession.class).inNamespace(namespace).withName("night-shift").get();
                return session.getStatus() != null && session.getStatus().getConfigMap() != null;
            });
            baseline = settingsOf(configMap(client, namespace, DriftTest.MAP));
            sessionMap = settingsOf(configMap(client, namespace, "agent-session-night-shift"));
        }

        client.configMaps().inNamespace(namespace).withName(DriftTest.MAP).patch(PatchContext.of(PatchType.JSON_MERGE),
                DriftTest.dataPatch(DriftTest.withoutBypassLock(baseline)));
        client.configMaps().inNamespace(namespace).withName("agent-session-night-shift").delete();

        try (OperatorProcess operator = OperatorProcess.start()) {
            await().atMost(NamespaceBaselineTest.WITHIN).until(() -> baseline.equals(settingsOf(configMap(client, namespace, DriftTest.MAP)))
                    && sessionMap.equals(settingsOf(configMap(client, namespace, "agent-session-night-shift"))));
            await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> {
                DriftEntry edit = latestDrift(client, policy);
                assertThat(edit.getPaths()).containsExactly("/permissions/disableBypassPermissionsMode");
                assertThat(edit.getCorrected()).isTrue();
                AgentSessionStatus session = client.resources(AgentSession.class).inNamespace(namespace).withName("night-shift").get()
                        .getStatus();
                assertThat(session.getDrift()).as("status.drift of session night-shift").isNotNull();
                assertThat(session.getDrift().getEntries()).isNotEmpty();
                DriftEntry deletion = session.getDrift().getEntries().get(0);
                assertThat(deletion.getConfigMap()).isEqualTo("agent-session-night-shift");
                assertThat(deletion.getPaths()).containsExactly("");
                assertThat(deletion.getCorrected()).isTrue();
            });
        }
    }
}
