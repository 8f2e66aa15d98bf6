package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.OnViolation;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.admission.AdmissionPolicies;
import io.agentpolicy.testing.DecisionTable;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * shared/docs/domain.md's four tiers, with Deny and with Downgrade policies: for every seniority level and every
 * requested mode, a session ends in the phase and mode the hand-worked table says — refused at admission where
 * the tier does not allow the mode and the policy denies, decided by the operator otherwise.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class SessionDecisionTableTest {
    static final Set<String> TIERS_1_2_ALLOW = Set.of("plan", "default", "acceptEdits");
    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void everyLevelTierAndRequestedModeIsDecidedAsTheTableSays() {
        String run = unique("table");
        for (boolean deny : List.of(true, false)) {
            for (PermissionPolicy policy : Resources.loadAll(Resources.readResource("engine/domain-tiers.yaml"), PermissionPolicy.class)) {
                String tier = policy.getSpec().getTiers().get(0);
                policy.getMetadata().setName(policyName(run, deny, tier));
                policy.getSpec().setTiers(List.of(tierValue(run, deny, tier)));
                policy.getSpec().getModes().setOnViolation(deny ? OnViolation.DENY : OnViolation.DOWNGRADE);
                client.resource(policy).fieldManager(Resources.TEST_MANAGER).serverSideApply();
                createNamespace(client, tierValue(run, deny, tier), NamespaceBaselineTest.TIER_LABEL, tierValue(run, deny, tier));
            }
        }
        // Admission knows the new policies once the generated policy names them.
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> admissionNames(policyName(run, true, "4")));
        // ...and the API server enforces them a moment after they are stored: probe every refusing tier with a dry run.
        for (String tier : List.of("1", "2")) {
            await().atMost(NamespaceBaselineTest.WITHIN).until(() -> Kubectl.run("""
                    apiVersion: agentpolicy.io/v1alpha1
                    kind: AgentSession
                    metadata: {name: probe, namespace: %s}
                    spec: {engineer: e@example.com, requestedMode: bypassPermissions}
                    """.formatted(tierValue(run, true, tier)), "apply", "--dry-run=server", "-f", "-").stderr().contains("does not allow"));
        }

        List<Runnable> checks = new ArrayList<>();
        int index = 0;
        for (DecisionTable.Row row : DecisionTable.rows()) {
            for (boolean deny : List.of(true, false)) {
                String namespace = tierValue(run, deny, row.tier());
                AgentSession session = session(namespace, "s" + index++, row);
                boolean refusedAtAdmission = deny && row.requested() != null && Set.of("1", "2").contains(row.tier())
                        && !TIERS_1_2_ALLOW.contains(row.requested());
                if (refusedAtAdmission) {
                    assertThatThrownBy(() -> client.resource(session).create())
                            .hasMessageContaining("tier " + namespace + " does not allow " + row.requested()
                                    + " (policy " + policyName(run, true, row.tier()) + ")");
                    continue;
                }
                client.resource(session).create();
                DecisionTable.Outcome expected = row.outcome(deny);
                checks.add(() -> {
                    AgentSession decided = client.resources(AgentSession.class).inNamespace(namespace)
                            .withName(session.getMetadata().getName()).get();
                    assertThat(decided.getStatus()).as("%s under %s", row, deny ? "Deny" : "Downgrade").isNotNull();
                    assertThat(decided.getStatus().getPhase().value()).as("%s under %s: %s", row, deny ? "Deny" : "Downgrade",
                            decided.getStatus().getReason()).isEqualTo(expected.phase());
                    assertThat(decided.getStatus().getEffectiveMode()).isEqualTo(PermissionMode.fromValue(expected.effectiveMode()));
                    assertThat(decided.getStatus().getSeniority().value()).isEqualTo(row.level());
                });
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> checks.forEach(Runnable::run));
    }

    private boolean admissionNames(String policy) {
        ValidatingAdmissionPolicy generated = client.resources(ValidatingAdmissionPolicy.class)
                .withName(AdmissionPolicies.SESSION_MODES).get();
        return generated != null && generated.getSpec().getVariables().stream().anyMatch(v -> v.getExpression().contains(policy));
    }

    private static AgentSession session(String namespace, String name, DecisionTable.Row row) {
        AgentSession session = new AgentSession();
        session.getMetadata().setName(name);
        session.getMetadata().setNamespace(namespace);
        AgentSessionSpec spec = new AgentSessionSpec();
        spec.setEngineer("engineer@example.com");
        spec.setGroups(row.groups());
        spec.setRequestedMode(PermissionMode.fromValue(row.requested()));
        spec.setTaskType("refactor");
        session.setSpec(spec);
        return session;
    }

    private static String tierValue(String run, boolean deny, String tier) {
        return run + (deny ? "-deny-" : "-downgrade-") + tier;
    }

    private static String policyName(String run, boolean deny, String tier) {
        return tierValue(run, deny, tier) + "-policy";
    }

}
