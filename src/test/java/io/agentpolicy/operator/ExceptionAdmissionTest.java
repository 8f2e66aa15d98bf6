package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Exceptions at `kubectl apply`, impersonated against the real API server: a session may ask beyond the allowed set up
 * to the exception cap; approvals are given only in one's own name and groups, and never changed.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class ExceptionAdmissionTest {
    static final String ALICE = "alice@example.com";
    static final String CAROL = "carol@example.com";
    static final String DAVE = "dave@example.com";
    static final KubernetesClient client = TestCluster.get().admin();
    static final String TIER = unique("exc-adm");
    static final String POLICY = unique("exc-adm-policy");
    static String namespace;

    @BeforeAll
    static void tierAndRights() {
        applyPolicy(client, POLICY, """
                tiers: [%s]
                enforcement: Enforce
                modes: {default: plan, allowed: [plan, default, acceptEdits], disableBypassPermissions: true, onViolation: Deny}
                seniority: {senior: {maxMode: acceptEdits, groups: [eng-senior]}}
                exceptions: {maxMode: auto, approvals: [{groups: [cto]}, {groups: [code-owners]}], maxDuration: 8h}
                """.formatted(TIER));
        namespace = createNamespace(client, unique("exc-adm"), NamespaceBaselineTest.TIER_LABEL, TIER).getMetadata().getName();
        client.resource(new ClusterRoleBuilder().withNewMetadata().withName("exception-user").endMetadata()
                .addNewRule().withApiGroups("agentpolicy.io").withResources("agentsessions", "agentsessionapprovals")
                .withVerbs("get", "list", "create", "update", "patch").endRule()
                .build()).serverSideApply();
        RoleBindingBuilder binding = new RoleBindingBuilder().withNewMetadata().withName("exception-users").withNamespace(namespace).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("exception-user").endRoleRef();
        for (String user : new String[] { ALICE, CAROL, DAVE }) {
            binding.addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject();
        }
        client.resource(binding.build()).create();
        // The API server picks up generated admission policies a moment after they are stored: probe with dry runs.
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> Kubectl.run(approval("probe", DAVE, "cto", "Approve"), "apply",
                "--dry-run=server", "--as=" + CAROL, "--as-group=cto", "-f", "-").stderr().contains("only be given in your own name"));
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> Kubectl.run(session("probe", "auto", true), "apply",
                "--dry-run=server", "--as=" + ALICE, "--as-group=eng-senior", "-f", "-").succeeded());
    }

    @Test
    void aSessionAsksBeyondTheAllowedSetUpToTheExceptionCapAndIsAdmittedOnceBothApprove() {
        Kubectl.Result asked = Kubectl.apply(session("hotfix", "auto", true), ALICE, "eng-senior");
        assertThat(asked.succeeded()).as(asked.stderr()).isTrue();
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> phaseOf("hotfix") == SessionPhase.PENDING_APPROVAL);

        // what an approver types: kubectl apply of an AgentSessionApproval in their own name and group
        assertThat(Kubectl.apply(approval("hotfix-carol", CAROL, "cto", "Approve"), CAROL, "cto").succeeded()).isTrue();
        assertThat(Kubectl.apply(approval("hotfix-dave", DAVE, "code-owners", "Approve"), DAVE, "code-owners").succeeded()).isTrue();
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> phaseOf("hotfix") == SessionPhase.ADMITTED);
        assertThat(client.resources(AgentSession.class).inNamespace(namespace).withName("hotfix").get().getStatus().getEffectiveMode())
                .isEqualTo(PermissionMode.AUTO);
    }

    @Test
    void withoutAnExceptionOrAboveItsCapTheModeIsRefused() {
        Kubectl.Result plain = Kubectl.apply(session("plain", "auto", false), ALICE, "eng-senior");
        assertThat(plain.succeeded()).isFalse();
        assertThat(plain.stderr()).contains("does not allow auto (policy " + POLICY + ")");
        Kubectl.Result aboveCap = Kubectl.apply(session("too-far", "bypassPermissions", true), ALICE, "eng-senior");
        assertThat(aboveCap.succeeded()).isFalse();
        assertThat(aboveCap.stderr()).contains("does not allow bypassPermissions (policy " + POLICY + ")");
    }

    @Test
    void anApprovalInSomeoneElsesNameIsRefused() {
        Kubectl.Result result = Kubectl.apply(approval("forged", DAVE, "code-owners", "Approve"), CAROL, "cto", "code-owners");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("spec.approver is dave@example.com but the request comes from carol@example.com: "
                + "an approval may only be given in your own name");
    }

    @Test
    void anApprovalClaimingAGroupTheRequesterLacksIsRefused() {
        Kubectl.Result result = Kubectl.apply(approval("claims", CAROL, "code-owners", "Approve"), CAROL, "cto");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("spec.groups claims code-owners, which carol@example.com is not a member of");
    }

    @Test
    void anApprovalCannotBeEditedAfterCreation() {
        assertThat(Kubectl.apply(approval("second-thoughts", CAROL, "cto", "Reject"), CAROL, "cto").succeeded()).isTrue();
        Kubectl.Result result = Kubectl.apply(approval("second-thoughts", CAROL, "cto", "Approve"), CAROL, "cto");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("an AgentSessionApproval cannot be changed once created");
    }

    private static String session(String name, String mode, boolean withException) {
        return """
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: %s, namespace: %s}
                spec: {engineer: %s, groups: [eng-senior], requestedMode: %s%s}
                """.formatted(name, namespace, ALICE, mode, withException ? ", exception: {reason: \"INC-1 hotfix\"}" : "");
    }

    private static String approval(String name, String approver, String group, String decision) {
        return """
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSessionApproval
                metadata: {name: %s, namespace: %s}
                spec: {session: hotfix, sessionGeneration: 1, approver: %s, groups: [%s], decision: %s}
                """.formatted(name, namespace, approver, group, decision);
    }

    private static SessionPhase phaseOf(String name) {
        AgentSession session = client.resources(AgentSession.class).inNamespace(namespace).withName(name).get();
        return session == null || session.getStatus() == null ? null : session.getStatus().getPhase();
    }
}
