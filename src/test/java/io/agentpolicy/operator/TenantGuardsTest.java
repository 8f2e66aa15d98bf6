package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A hostile tenant with `edit`-like rights in their namespace, impersonated against the real API server, tries to
 * get a weaker policy than the platform team's: pick their own tier, pre-create a rendered map, take over another
 * engineer's session, run a pod or a workload under it, or name a session too long to ever get a map. Each is
 * refused at admission with a message that names the rule and says what to do.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class TenantGuardsTest {
    static final String ALICE = "alice@example.com";
    static final String MALLORY = "mallory@example.com";
    static final KubernetesClient client = TestCluster.get().admin();
    static final String TIER = unique("guarded");
    static String namespace;

    @BeforeAll
    static void aTenantNamespaceWithAliceSession() {
        applyPolicy(client, unique("guarded-policy"), "tiers: [" + TIER + "]\nmodes: {default: plan, allowed: [plan, default, acceptEdits], "
                + "onViolation: Downgrade}\nseniority: {senior: {maxMode: acceptEdits, groups: [eng-senior]}}");
        namespace = createNamespace(client, unique("guarded"), NamespaceBaselineTest.TIER_LABEL, TIER).getMetadata().getName();
        client.resource(new ClusterRoleBuilder().withNewMetadata().withName("tenant-editor").endMetadata()
                .addNewRule().withApiGroups("").withResources("namespaces").withVerbs("get", "patch", "update").endRule()
                .addNewRule().withApiGroups("").withResources("pods", "configmaps").withVerbs("get", "list", "create", "patch").endRule()
                .addNewRule().withApiGroups("apps").withResources("deployments").withVerbs("get", "create").endRule()
                .addNewRule().withApiGroups("batch").withResources("jobs").withVerbs("get", "create").endRule()
                .addNewRule().withApiGroups("agentpolicy.io").withResources("agentsessions").withVerbs("get", "list", "create", "update", "patch").endRule()
                .build()).serverSideApply();
        // A RoleBinding in the namespace also lets them edit the Namespace object itself.
        client.resource(new RoleBindingBuilder().withNewMetadata().withName("tenant-editors").withNamespace(namespace).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("tenant-editor").endRoleRef()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(ALICE).endSubject()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(MALLORY).endSubject()
                .addNewSubject().withKind("ServiceAccount").withName("cluster-addon").withNamespace("kube-system").endSubject()
                .build()).create();
        assertThat(Kubectl.apply(session("alice-senior", ALICE, "eng-senior", "acceptEdits"), ALICE, "eng-senior").succeeded()).isTrue();
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> Kubectl.run(null, "label", "namespace", namespace, "--overwrite", "--dry-run=server",
                NamespaceBaselineTest.TIER_LABEL + "=4", "--as=" + MALLORY).stderr().contains("agentpolicy.io-namespace-tier"));
    }

    @Test
    void aTenantCannotPickTheirOwnTier() {
        Kubectl.Result relabel = Kubectl.run(null, "label", "namespace", namespace, "--overwrite", NamespaceBaselineTest.TIER_LABEL + "=4",
                "--as=" + MALLORY);
        assertThat(relabel.succeeded()).isFalse();
        assertThat(relabel.stderr()).contains("namespace " + namespace + " would go from tier " + TIER + " to tier 4, but the label "
                + "agentpolicy.io/tier decides which PermissionPolicies govern a namespace and only members of system:masters may add, change "
                + "or remove it: ask your platform team");
        Kubectl.Result unlabel = Kubectl.run(null, "label", "namespace", namespace, NamespaceBaselineTest.TIER_LABEL + "-", "--as=" + MALLORY);
        assertThat(unlabel.stderr()).contains("would go from tier " + TIER + " to no tier");
        assertThat(client.namespaces().withName(namespace).get().getMetadata().getLabels()).containsEntry(NamespaceBaselineTest.TIER_LABEL, TIER);

        Kubectl.Result otherLabel = Kubectl.run(null, "label", "namespace", namespace, "--overwrite", "team=payments", "--as=" + MALLORY);
        assertThat(otherLabel.succeeded()).as("labels other than the tier stay the tenant's").isTrue();
    }

    @Test
    void aTenantCannotPreCreateARenderedMap() {
        for (String name : new String[] { "agent-managed-settings", "agent-session-alice-senior-2" }) {
            Kubectl.Result result = Kubectl.run(null, "create", "configmap", name, "-n", namespace, "--from-literal=managed-mcp.json={}",
                    "--as=" + MALLORY);
            assertThat(result.succeeded()).as(name).isFalse();
            assertThat(result.stderr()).as(name).contains("the ConfigMap name " + name + " is reserved for the managed Claude Code settings "
                    + "agent-policy-operator renders", "choose another name");
        }
        assertThat(Kubectl.run(null, "create", "configmap", "app-config", "-n", namespace, "--as=" + MALLORY).succeeded()).isTrue();
    }

    @Test
    void aKubeSystemAddOnWithEditRightsCannotChangeARenderedMap() {
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> client.configMaps().inNamespace(namespace).withName("agent-managed-settings").get() != null);
        Kubectl.Result edit = Kubectl.run(null, "patch", "configmap", "agent-managed-settings", "-n", namespace, "--type=merge",
                "-p", "{\"data\":{\"managed-settings.json\":\"{}\"}}", "--as=system:serviceaccount:kube-system:cluster-addon",
                "--as-group=system:serviceaccounts");
        assertThat(edit.succeeded()).isFalse();
        assertThat(edit.stderr()).contains("ConfigMap " + namespace + "/agent-managed-settings is managed by agent-policy-operator and cannot be "
                + "changed by hand");
    }

    @Test
    void aSessionCannotBeTakenOverByRewritingItsEngineer() {
        Kubectl.Result takeover = Kubectl.apply(session("alice-senior", MALLORY, "eng-senior", "acceptEdits"), MALLORY, "eng-senior");
        assertThat(takeover.succeeded()).isFalse();
        assertThat(takeover.stderr()).contains("spec.engineer cannot change after the session is created: create a new session for the "
                + "other engineer");
        // Not even a trusted group can move a session to another engineer.
        Kubectl.Result trusted = Kubectl.run(null, "patch", "agentsession", "alice-senior", "-n", namespace, "--type=merge",
                "-p", "{\"spec\":{\"engineer\":\"" + MALLORY + "\"}}");
        assertThat(trusted.stderr()).contains("spec.engineer cannot change");
        assertThat(client.resources(AgentSession.class).inNamespace(namespace).withName("alice-senior").get().getSpec().getEngineer())
                .isEqualTo(ALICE);
    }

    @Test
    void aPodOrWorkloadUnderSomeoneElsesSessionIsRefused() {
        String message = "names AgentSession alice-senior of " + ALICE + ", but the request comes from " + MALLORY
                + ": only that engineer (or members of system:masters) may run pods under it; create your own AgentSession";
        Kubectl.Result pod = Kubectl.apply(AgentPodAdmissionTest.pod(namespace, "borrowed", "alice-senior", "[claude, --permission-mode, acceptEdits]"),
                MALLORY);
        assertThat(pod.succeeded()).isFalse();
        assertThat(pod.stderr()).contains("Pod borrowed " + message);

        Kubectl.Result job = Kubectl.apply("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: borrowed, namespace: %s}
                spec:
                  template:
                    metadata: {labels: {agentpolicy.io/session: alice-senior}}
                    spec:
                      restartPolicy: Never
                      containers: [{name: claude, image: claude}]
                """.formatted(namespace), MALLORY);
        assertThat(job.succeeded()).isFalse();
        assertThat(job.stderr()).contains("Job borrowed " + message);

        Kubectl.Result own = Kubectl.apply(AgentPodAdmissionTest.pod(namespace, "own", "alice-senior", "[claude, -p, review]"), ALICE);
        assertThat(own.succeeded()).as(own.stderr()).isTrue();
    }

    @Test
    void aSessionNameTooLongForItsMapIsRefusedAtApply() {
        Kubectl.Result result = Kubectl.apply(session("x".repeat(50), ALICE, "eng-senior", "default"), ALICE, "eng-senior");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("an AgentSession name has at most 49 characters (its ConfigMap agent-session-<name> must fit a "
                + "label value): choose a shorter name");
        assertThat(Kubectl.apply(session("x".repeat(49), ALICE, "eng-senior", "default"), ALICE, "eng-senior").succeeded()).isTrue();
    }

    private static String session(String name, String engineer, String group, String mode) {
        return """
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: %s, namespace: %s}
                spec: {engineer: %s, groups: [%s], requestedMode: %s, taskType: refactor}
                """.formatted(name, namespace, engineer, group, mode);
    }
}
