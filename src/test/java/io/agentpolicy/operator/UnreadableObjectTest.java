package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.settingsOf;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.agentpolicy.api.Condition;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One stored object the Java model cannot hold must not stop the operator. A policy with priority 3,000,000,000 is
 * refused at apply by today's schema, but one stored before the bound existed (here: under a CRD without it) is
 * still served by the API server; it is reported as Stalled on itself while every other policy keeps rendering.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class UnreadableObjectTest {
    static final KubernetesClient client = TestCluster.get().admin();
    static final String CRD = "permissionpolicies.agentpolicy.io";
    static final String TIER = unique("unreadable");
    static final String BAD = unique("unreadable-policy");

    @Test
    void anUnreadablePolicyIsReportedOnItselfAndStopsNoInformer() {
        storeAPolicyTheModelCannotHold();

        await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> {
            PermissionPolicy bad = client.resources(PermissionPolicy.class).withName(BAD).get();
            assertThat(bad.getStatus()).isNotNull();
            Condition stalled = Conditions.find(bad.getStatus().getConditions(), Conditions.STALLED);
            assertThat(stalled.getStatus()).isEqualTo(Condition.TRUE);
            assertThat(stalled.getMessage()).contains("spec.priority").contains("3000000000").contains("out of range");
        });

        // The policy informer still delivers: a policy created and changed after the bad one is rendered.
        String good = unique("readable-policy");
        applyPolicy(client, good, "tiers: [" + TIER + "]\nmodes: {default: plan}");
        String namespace = createNamespace(client, unique("unreadable"), NamespaceBaselineTest.TIER_LABEL, TIER).getMetadata().getName();
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> configMap(client, namespace, NamespaceBaselineTest.MAP) != null
                && settingsOf(configMap(client, namespace, NamespaceBaselineTest.MAP)).contains("\"defaultMode\": \"plan\""));
        applyPolicy(client, good, "tiers: [" + TIER + "]\nmodes: {default: default}");
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> settingsOf(configMap(client, namespace, NamespaceBaselineTest.MAP))
                .contains("\"defaultMode\": \"default\""));
    }

    /** Loosens the CRD, stores the policy, and puts the real CRD back: the object stays stored as it was. */
    private static void storeAPolicyTheModelCannotHold() {
        client.resources(CustomResourceDefinition.class).withName(CRD).edit(crd -> {
            crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec").getProperties()
                    .get("priority").setMaximum(null);
            return crd;
        });
        GenericKubernetesResource bad = new GenericKubernetesResourceBuilder()
                .withApiVersion("agentpolicy.io/v1alpha1").withKind("PermissionPolicy")
                .withNewMetadata().withName(BAD).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("tiers", java.util.List.of(TIER + "-bad"), "priority", 3_000_000_000L)))
                .build();
        // The loosened schema takes effect a moment after it is stored.
        await().atMost(NamespaceBaselineTest.WITHIN).ignoreExceptions()
                .until(() -> client.genericKubernetesResources("agentpolicy.io/v1alpha1", "PermissionPolicy").resource(bad).create() != null);
        TestCluster.get().installCrds(Path.of("crds", CRD + "-v1.yml"));
    }

    @AfterAll
    static void removeTheBadPolicy() {
        TestCluster.get().installCrds(Path.of("crds", CRD + "-v1.yml"));
        client.genericKubernetesResources("agentpolicy.io/v1alpha1", "PermissionPolicy").withName(BAD).delete();
    }
}
