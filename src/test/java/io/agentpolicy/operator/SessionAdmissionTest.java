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
import io.agentpolicy.operator.admission.AdmissionPolicies;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What ordinary users meet at `kubectl apply`, impersonated with --as/--as-group against the real API server:
 * the generated ValidatingAdmissionPolicies refuse modes a tier forbids, sessions for someone else, claimed
 * groups and pods with locked-out flags, each with a message that says why.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class SessionAdmissionTest {
    static final String ALICE = "alice@example.com";
    static final String BOB = "bob@example.com";
    static final KubernetesClient client = TestCluster.get().admin();
    static final String STRICT_TIER = unique("strict");
    static final String AUDIT_TIER = unique("audited");
    static final String STRICT_POLICY = unique("strict-policy");
    static final String AUDIT_POLICY = unique("audit-policy");
    static String strict;
    static String audited;

    @BeforeAll
    static void tiersAndRights() {
        applyPolicy(client, STRICT_POLICY, "tiers: [" + STRICT_TIER + "]\nenforcement: Enforce\nmodes: {default: plan, allowed: [plan, default, acceptEdits], "
                + "disableBypassPermissions: true, disableAuto: true, onViolation: Deny}");
        applyPolicy(client, AUDIT_POLICY, "tiers: [" + AUDIT_TIER + "]\nenforcement: Audit\nmodes: {default: default, allowed: [plan, default], "
                + "disableBypassPermissions: true, onViolation: Deny}");
        strict = createNamespace(client, unique("strict"), NamespaceBaselineTest.TIER_LABEL, STRICT_TIER).getMetadata().getName();
        audited = createNamespace(client, unique("audited"), NamespaceBaselineTest.TIER_LABEL, AUDIT_TIER).getMetadata().getName();
        client.resource(new ClusterRoleBuilder().withNewMetadata().withName("agent-user").endMetadata()
                .addNewRule().withApiGroups("agentpolicy.io").withResources("agentsessions")
                .withVerbs("get", "list", "create", "update", "patch").endRule()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list", "create").endRule()
                .build()).serverSideApply();
        for (String namespace : new String[] { strict, audited }) {
            client.resource(new RoleBindingBuilder().withNewMetadata().withName("agent-users").withNamespace(namespace).endMetadata()
                    .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("agent-user").endRoleRef()
                    .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(ALICE).endSubject()
                    .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(BOB).endSubject()
                    .build()).create();
        }
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> admissionKnows(STRICT_POLICY) && admissionKnows(AUDIT_POLICY));
        // The API server picks up changed admission policies a moment after they are stored: probe with dry runs.
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> Kubectl.run(session(strict, "probe", ALICE, "eng-mid",
                "bypassPermissions"), "apply", "--dry-run=server", "-f", "-").stderr().contains("does not allow bypassPermissions"));
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> Kubectl.run(session(audited, "probe", ALICE, "eng-mid",
                "bypassPermissions"), "apply", "--dry-run=server", "-f", "-").stderr().contains("admitted because enforcement is Audit"));
    }

    @Test
    void aModeTheTierForbidsIsRefusedWithTheTierAndPolicy() {
        Kubectl.Result result = Kubectl.apply(session(strict, "yolo", ALICE, "eng-mid", "bypassPermissions"), ALICE, "eng-mid");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("tier " + STRICT_TIER + " does not allow bypassPermissions (policy " + STRICT_POLICY
                + "); request a mode the tier allows");
        assertThat(client.resources(AgentSession.class).inNamespace(strict).withName("yolo").get()).isNull();
    }

    @Test
    void aSessionForSomeoneElseIsRefused() {
        Kubectl.Result result = Kubectl.apply(session(strict, "for-bob", BOB, "eng-mid", "default"), ALICE, "eng-mid");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("spec.engineer is bob@example.com but the request comes from alice@example.com: "
                + "a session may only be created for yourself");
    }

    @Test
    void claimingAGroupTheUserIsNotInIsRefused() {
        Kubectl.Result result = Kubectl.apply(session(strict, "claims-senior", ALICE, "eng-senior", "default"), ALICE, "eng-mid");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("spec.groups claims eng-senior, which alice@example.com is not a member of");
    }

    @Test
    void someoneElseCannotChangeASessionsSpec() {
        assertThat(Kubectl.apply(session(strict, "alices", ALICE, "eng-mid", "default"), ALICE, "eng-mid").succeeded()).isTrue();
        Kubectl.Result result = Kubectl.apply(session(strict, "alices", ALICE, "eng-mid", "plan"), BOB, "eng-mid");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("but the request comes from bob@example.com");
    }

    @Test
    void aTrustedGroupMayCreateASessionOnSomeonesBehalf() {
        Kubectl.Result result = Kubectl.apply(session(strict, "on-behalf", BOB, "eng-mid", "default"), null);
        assertThat(result.succeeded()).as(result.stderr()).isTrue();
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> phaseOf(strict, "on-behalf") == SessionPhase.ADMITTED);
    }

    @Test
    void aPodWithALockedOutFlagIsRefused() {
        assertThat(Kubectl.apply(session(strict, "pod-owner", ALICE, "eng-mid", "default"), ALICE, "eng-mid").succeeded()).isTrue();
        Kubectl.Result result = Kubectl.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: reckless, namespace: %s, labels: {agentpolicy.io/session: pod-owner}}
                spec:
                  containers:
                    - name: claude
                      image: claude:latest
                      command: [claude, --dangerously-skip-permissions, -p, "ship it"]
                """.formatted(strict), ALICE, "eng-mid");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("container claude passes --dangerously-skip-permissions", "above the effective mode of "
                + "AgentSession pod-owner", "tier " + STRICT_TIER, "remove the flag, or request the mode in the session");

        Kubectl.Result shellForm = Kubectl.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: sneaky, namespace: %s, labels: {agentpolicy.io/session: pod-owner}}
                spec:
                  containers:
                    - name: claude
                      image: claude:latest
                      command: [sh, -c, "claude --permission-mode auto -p 'ship it'"]
                """.formatted(strict), ALICE, "eng-mid");
        assertThat(shellForm.succeeded()).isFalse();
        assertThat(shellForm.stderr()).contains("container claude passes --enable-auto-mode or --permission-mode auto");
    }

    @Test
    void underAuditAForbiddenModeIsAdmittedWithAWarningAndReported() {
        Kubectl.Result result = Kubectl.apply(session(audited, "audited", ALICE, "eng-mid", "bypassPermissions"), ALICE, "eng-mid");
        assertThat(result.succeeded()).as(result.stderr()).isTrue();
        assertThat(result.stderr()).contains("Warning:", "tier " + AUDIT_TIER + " does not allow bypassPermissions (policy " + AUDIT_POLICY
                + "); admitted because enforcement is Audit");
        await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> {
            AgentSession session = client.resources(AgentSession.class).inNamespace(audited).withName("audited").get();
            assertThat(session.getStatus()).as("decided").isNotNull();
            assertThat(session.getStatus().getPhase()).isEqualTo(SessionPhase.ADMITTED);
            assertThat(session.getStatus().getEffectiveMode()).isEqualTo(PermissionMode.BYPASS_PERMISSIONS);
            assertThat(Conditions.isTrue(session.getStatus().getConditions(), Conditions.POLICY_VIOLATION)).isTrue();
        });
    }

    private static String session(String namespace, String name, String engineer, String group, String mode) {
        return """
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: %s, namespace: %s}
                spec: {engineer: %s, groups: [%s], requestedMode: %s, taskType: refactor}
                """.formatted(name, namespace, engineer, group, mode);
    }

    private static SessionPhase phaseOf(String namespace, String name) {
        AgentSession session = client.resources(AgentSession.class).inNamespace(namespace).withName(name).get();
        return session == null || session.getStatus() == null ? null : session.getStatus().getPhase();
    }

    /** Both the denying and the warning admission policy have been regenerated with the policy. */
    private static boolean admissionKnows(String policy) {
        return java.util.stream.Stream.of(AdmissionPolicies.SESSION_MODES, AdmissionPolicies.SESSION_MODE_WARNINGS, AdmissionPolicies.AGENT_PODS)
                .map(name -> client.resources(ValidatingAdmissionPolicy.class).withName(name).get())
                .allMatch(generated -> generated != null
                        && generated.getSpec().getVariables().stream().anyMatch(v -> v.getExpression().contains(policy)));
    }
}
