package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.SessionRecord;
import io.agentpolicy.engine.StandingNames;
import io.agentpolicy.testing.OperatorProcess;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The packaged operator is stopped between an incident and the end of a session: the session, deleted while it was
 * down, still counts as clean, once, and lifts the escalation as it would have without the restart. (An integration
 * test: it runs the jar built by `package`.)
 */
class StandingWhileStoppedIT {
    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void aSessionThatEndedWhileTheOperatorWasDownCountsOnce() throws Exception {
        String tier = unique("standing");
        String namespace = createNamespace(client, unique("standing"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        String engineer = unique("senior") + "@example.com";
        String shortUid;
        try (OperatorProcess operator = OperatorProcess.start()) {
            applyPolicy(client, unique("standing-policy"), """
                    tiers: [%s]
                    modes: {default: plan, allowed: [plan, default, acceptEdits], disableBypassPermissions: true, disableAuto: true, onViolation: Downgrade}
                    seniority:
                      mid: {maxMode: default, groups: [eng-mid]}
                      senior: {maxMode: acceptEdits, groups: [eng-senior]}
                      escalation: {senior: {critical: 1}, lift: {cleanSessions: 1}}
                    """.formatted(tier));
            createSession(namespace, "work", engineer);
            awaitMode(namespace, PermissionMode.ACCEPT_EDITS);
            client.resource(Resources.loadAll("""
                    apiVersion: agentpolicy.io/v1alpha1
                    kind: AgentIncident
                    metadata: {name: inc-1, namespace: %s}
                    spec: {engineer: %s, session: work, severity: Critical, occurredAt: "%s"}
                    """.formatted(namespace, engineer, Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS)),
                    AgentIncident.class).get(0)).create();
            awaitMode(namespace, PermissionMode.DEFAULT);
            shortUid = createSession(namespace, "short", engineer).getMetadata().getUid();
            awaitStanding(engineer, s -> record(s, shortUid) != null);
        }

        client.resources(AgentSession.class).inNamespace(namespace).withName("short").delete();

        EngineerStanding after;
        try (OperatorProcess operator = OperatorProcess.start()) {
            awaitMode(namespace, PermissionMode.ACCEPT_EDITS);
            after = awaitStanding(engineer, s -> s.getStatus().getEscalated() == null && record(s, shortUid).getEndedAt() != null);
            assertThat(after.getStatus().getCleanSessions()).isEqualTo(1);
            assertThat(after.getStatus().getSessions()).filteredOn(r -> r.getName().equals("short")).hasSize(1);
        }
        // Started once more: the session ended once, at the same instant; nothing is counted again.
        try (OperatorProcess operator = OperatorProcess.start()) {
            awaitMode(namespace, PermissionMode.ACCEPT_EDITS);
            EngineerStanding again = awaitStanding(engineer, s -> true);
            assertThat(again.getStatus().getSessions()).usingRecursiveComparison().isEqualTo(after.getStatus().getSessions());
            assertThat(again.getStatus().getCleanSessions()).isEqualTo(1);
        }
    }

    private AgentSession createSession(String namespace, String name, String engineer) {
        return client.resource(Resources.loadAll("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: %s, namespace: %s}
                spec: {engineer: %s, groups: [eng-senior], requestedMode: acceptEdits}
                """.formatted(name, namespace, engineer), AgentSession.class).get(0)).create();
    }

    private void awaitMode(String namespace, PermissionMode mode) {
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> {
            AgentSession work = client.resources(AgentSession.class).inNamespace(namespace).withName("work").get();
            return work.getStatus() != null && work.getStatus().getEffectiveMode() == mode;
        });
    }

    private EngineerStanding awaitStanding(String engineer, Predicate<EngineerStanding> condition) {
        return await().atMost(NamespaceBaselineTest.WITHIN).until(
                () -> client.resources(EngineerStanding.class).withName(StandingNames.of(engineer)).get(),
                s -> s != null && s.getStatus() != null && engineer.equals(s.getStatus().getEngineer()) && condition.test(s));
    }

    private static SessionRecord record(EngineerStanding standing, String uid) {
        List<SessionRecord> records = standing.getStatus().getSessions();
        return records == null ? null : records.stream().filter(r -> r.getUid().equals(uid)).findFirst().orElse(null);
    }
}
