package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.latestDrift;
import static io.agentpolicy.testing.Resources.settingsOf;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.DriftEntry;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.admission.AdmissionPolicies;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With tamper protection switched off, anyone with ConfigMap rights can edit a rendered map: that is drift. */
@QuarkusTest
@TestProfile(ProtectionOffDriftTest.ProtectionOff.class)
@QuarkusTestResource(OperatorTestResource.class)
class ProtectionOffDriftTest {
    final KubernetesClient client = TestCluster.get().admin();

    /** The operator configured with agentpolicy.protect-managed-config-maps=false. */
    public static class ProtectionOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentpolicy.protect-managed-config-maps", "false");
        }
    }

    @Test
    void aNamespaceAdminsEditIsDriftThatIsReportedAndReverted() throws Exception {
        await().atMost(NamespaceBaselineTest.WITHIN).until(() ->
                client.resources(ValidatingAdmissionPolicy.class).withName(AdmissionPolicies.PROTECT_CONFIG_MAPS).get() == null);
        String tier = unique("unprotected");
        String policy = unique("unprotected-policy");
        applyPolicy(client, policy, "tiers: [" + tier + "]\nmodes: {default: plan, allowed: [plan, default], "
                + "disableBypassPermissions: true, disableAuto: true}");
        String namespace = createNamespace(client, unique("unprotected"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> configMap(client, namespace, DriftTest.MAP) != null);
        String rendered = settingsOf(configMap(client, namespace, DriftTest.MAP));
        client.resource(new RoleBindingBuilder().withNewMetadata().withName("edit").withNamespace(namespace).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("edit-configmaps").endRoleRef()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName("team-admin@example.com").endSubject()
                .build()).create();
        client.resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder().withNewMetadata().withName("edit-configmaps").endMetadata()
                .addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get", "list", "update", "patch", "delete").endRule()
                .build()).serverSideApply();

        Kubectl.Result patch = Kubectl.run(null, "patch", "configmap", DriftTest.MAP, "-n", namespace, "--type", "merge",
                "-p", DriftTest.dataPatch(DriftTest.withoutBypassLock(rendered)), "--as=team-admin@example.com");
        assertThat(patch.succeeded()).as(patch.stderr()).isTrue();

        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> rendered.equals(settingsOf(configMap(client, namespace, DriftTest.MAP))));
        await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> {
            DriftEntry entry = latestDrift(client, policy);
            assertThat(entry.getPaths()).containsExactly("/permissions/disableBypassPermissionsMode");
            assertThat(entry.getChangedBy()).isEqualTo("kubectl-patch");
            assertThat(entry.getCorrected()).isTrue();
        });
    }
}
