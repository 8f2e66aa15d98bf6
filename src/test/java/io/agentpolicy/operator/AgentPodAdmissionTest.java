package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.operator.admission.AdmissionPolicies;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Agent pods as their authors meet them at `kubectl apply`, impersonated against the real API server: every pod of
 * a governed namespace runs under the operator's /etc/claude-code (injected), and what would put Claude Code above
 * its map (a drop-in, a subPath mount, a launch flag, the exempt label) is refused under Enforce and admitted with
 * a warning under Audit, for pods and for the pod templates of workloads alike.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class AgentPodAdmissionTest {
    static final String ALICE = "alice@example.com";
    static final KubernetesClient client = TestCluster.get().admin();
    static final String ENFORCED_TIER = unique("pods-enforced");
    static final String AUDITED_TIER = unique("pods-audited");
    static final String ENFORCED_POLICY = unique("pods-enforced-policy");
    static final String AUDITED_POLICY = unique("pods-audited-policy");
    static final String PLAN_SESSION = "migration";
    static String enforced;
    static String audited;

    @BeforeAll
    static void governedNamespacesWithAPlanSession() {
        applyPolicy(client, ENFORCED_POLICY, "tiers: [" + ENFORCED_TIER + "]\nenforcement: Enforce\nmodes: {default: plan, allowed: [plan, default, "
                + "acceptEdits], disableBypassPermissions: true, disableAuto: true, onViolation: Downgrade}\n"
                + "seniority: {senior: {maxMode: acceptEdits, groups: [eng-senior]}}\n"
                + "taskOverrides: [{taskTypes: [schema-migration], maxMode: plan}]");
        applyPolicy(client, AUDITED_POLICY, "tiers: [" + AUDITED_TIER + "]\nenforcement: Audit\nmodes: {default: plan, allowed: [plan, default], "
                + "disableBypassPermissions: true, disableAuto: true, onViolation: Downgrade}");
        enforced = createNamespace(client, unique("pods-enforced"), NamespaceBaselineTest.TIER_LABEL, ENFORCED_TIER).getMetadata().getName();
        audited = createNamespace(client, unique("pods-audited"), NamespaceBaselineTest.TIER_LABEL, AUDITED_TIER).getMetadata().getName();
        client.resource(new ClusterRoleBuilder().withNewMetadata().withName("agent-pod-author").endMetadata()
                .addNewRule().withApiGroups("agentpolicy.io").withResources("agentsessions").withVerbs("get", "list", "create").endRule()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list", "create").endRule()
                .addNewRule().withApiGroups("apps").withResources("deployments").withVerbs("get", "create").endRule()
                .build()).serverSideApply();
        for (String namespace : List.of(enforced, audited)) {
            client.resource(new RoleBindingBuilder().withNewMetadata().withName("agent-pod-authors").withNamespace(namespace).endMetadata()
                    .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("agent-pod-author").endRoleRef()
                    .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(ALICE).endSubject()
                    .build()).create();
            // A senior on a schema migration: capped at plan by the task override.
            assertThat(Kubectl.apply("""
                    apiVersion: agentpolicy.io/v1alpha1
                    kind: AgentSession
                    metadata: {name: %s, namespace: %s}
                    spec: {engineer: %s, groups: [eng-senior], requestedMode: plan, taskType: schema-migration}
                    """.formatted(PLAN_SESSION, namespace, ALICE), ALICE, "eng-senior").succeeded()).isTrue();
        }
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> Stream.of(enforced, audited).allMatch(AgentPodAdmissionTest::planDecided));
        // The API server picks up changed admission policies a moment after they are stored: probe with dry runs.
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> Kubectl.run(pod(enforced, "probe", "", "[claude, --dangerously-skip-permissions]"),
                "apply", "--dry-run=server", "-f", "-").stderr().contains("outside the modes tier " + ENFORCED_TIER));
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> Kubectl.run(pod(audited, "probe", "", "[claude, --dangerously-skip-permissions]"),
                "apply", "--dry-run=server", "-f", "-").stderr().contains("admitted because enforcement is Audit"));
        // The injecting policy is a separate object, picked up on its own schedule.
        for (String namespace : List.of(enforced, audited)) {
            await().atMost(NamespaceBaselineTest.WITHIN).until(() -> Kubectl.run(pod(namespace, "probe", "", "[sleep, '1']"), "apply",
                    "--dry-run=server", "-o", "jsonpath={.spec.volumes[*].name}", "-f", "-").stdout().contains("agentpolicy-managed-settings"));
        }
    }

    @Test
    void aPodWithoutAnyMountOrLabelRunsUnderTheNamespaceMap() {
        Kubectl.Result result = Kubectl.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: plain, namespace: %s}
                spec:
                  initContainers: [{name: setup, image: busybox, command: ["true"]}]
                  containers: [{name: claude, image: claude}, {name: sidecar, image: busybox}]
                """.formatted(enforced), ALICE);
        assertThat(result.succeeded()).as(result.stderr()).isTrue();
        PodSpec spec = client.pods().inNamespace(enforced).withName("plain").get().getSpec();
        assertThat(spec.getVolumes()).filteredOn(v -> v.getName().equals("agentpolicy-managed-settings")).singleElement()
                .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("agent-managed-settings"))
                .satisfies(v -> assertThat(v.getConfigMap().getOptional()).isFalse());
        assertThat(Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream())).hasSize(3)
                .allSatisfy(c -> assertThat(c.getVolumeMounts()).as(c.getName()).singleElement()
                        .satisfies(m -> assertThat(m.getName()).isEqualTo("agentpolicy-managed-settings"))
                        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/etc/claude-code"))
                        .satisfies(m -> assertThat(m.getReadOnly()).isTrue()));
    }

    @Test
    void aSessionsPodAndItsEphemeralContainersRunUnderTheSessionMap() {
        assertThat(Kubectl.apply(pod(enforced, "session-pod", PLAN_SESSION, "[claude, -p, review]"), ALICE).succeeded()).isTrue();
        Pod created = client.pods().inNamespace(enforced).withName("session-pod").get();
        assertThat(created.getSpec().getVolumes()).extracting(Volume::getConfigMap).extracting("name").containsExactly("agent-session-" + PLAN_SESSION);

        Kubectl.Result debug = Kubectl.run(null, "debug", "-n", enforced, "session-pod", "--image=busybox", "-c", "debugger", "--", "sleep", "1");
        assertThat(debug.succeeded()).as(debug.stderr()).isTrue();
        List<VolumeMount> mounts = client.pods().inNamespace(enforced).withName("session-pod").get().getSpec().getEphemeralContainers().get(0)
                .getVolumeMounts();
        assertThat(mounts).extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/etc/claude-code", true));

        Kubectl.Result bypassDebugger = Kubectl.run(null, "debug", "-n", enforced, "session-pod", "--image=busybox", "-c", "yolo", "--",
                "claude", "--dangerously-skip-permissions");
        assertThat(bypassDebugger.succeeded()).isFalse();
        assertThat(bypassDebugger.stderr()).contains("container yolo passes --dangerously-skip-permissions");
    }

    @Test
    void aDropInUnderTheSettingsDirectoryIsRefusedEvenBesideADecoyThatMountsTheMap() {
        Kubectl.Result result = Kubectl.apply(dropInPod(enforced), ALICE);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("Pod drop-in: container claude mounts volume overrides at /etc/claude-code/managed-settings.d",
                "a drop-in overrides the operator's settings", "tier " + ENFORCED_TIER, "policies " + ENFORCED_POLICY,
                "admission policy agentpolicy.io-agent-pods", "remove the mount").doesNotContain("container decoy");
    }

    @Test
    void theSettingsFileMountedBySubPathIsRefused() {
        Kubectl.Result result = Kubectl.apply(subPathPod(enforced), ALICE);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("container setup mounts volume settings at /etc/claude-code/managed-settings.json "
                + "(subPath managed-settings.json)", "a subPath mount never sees a lockdown", "remove the mount");
    }

    @Test
    void aPlanSessionsPodPassingAHigherModeIsRefusedInEverySpelling() {
        for (String command : List.of("[claude, --permission-mode, acceptEdits]", "[claude, --permission-mode=acceptEdits]",
                "[sh, -c, \"claude --permission-mode 'acceptEdits' -p 'ship it'\"]", "[sh, -c, \"claude \\\"--permission-mode=acceptEdits\\\"\"]")) {
            Kubectl.Result result = Kubectl.apply(pod(enforced, "eager", PLAN_SESSION, command), ALICE);
            assertThat(result.succeeded()).as(command).isFalse();
            assertThat(result.stderr()).as(command).contains("Pod eager: container claude passes --permission-mode acceptEdits, above the "
                    + "effective mode of AgentSession " + PLAN_SESSION + " (plan, tier " + ENFORCED_TIER + ", admission policy "
                    + "agentpolicy.io-session-pods): remove the flag, or request the mode in the session");
        }
        for (String command : List.of("[sh, -c, \"claude --permission-mode $MODE\"]", "[claude, --permission-mode, \"$(MODE)\"]")) {
            Kubectl.Result runTime = Kubectl.apply(pod(enforced, "opaque", PLAN_SESSION, command), ALICE);
            assertThat(runTime.succeeded()).as(command).isFalse();
            assertThat(runTime.stderr()).as(command).contains("container claude passes --permission-mode with a value set at run time");
        }
        Kubectl.Result alias = Kubectl.apply(pod(enforced, "manual", PLAN_SESSION, "[claude, --permission-mode, manual]"), ALICE);
        assertThat(alias.stderr()).as("manual is Claude Code's alias of default").contains("container claude passes --permission-mode default");
        assertThat(Kubectl.apply(pod(enforced, "planner", PLAN_SESSION, "[claude, --permission-mode, plan]"), ALICE).succeeded()).isTrue();
    }

    @Test
    void aDeploymentWhoseTemplateBreaksARuleIsRefusedAtApply() {
        Kubectl.Result flag = Kubectl.apply(deployment(enforced, "eager-agents", PLAN_SESSION,
                "command: [sh, -c, \"claude --permission-mode 'acceptEdits'\"]"), ALICE);
        assertThat(flag.succeeded()).isFalse();
        assertThat(flag.stderr()).contains("Deployment eager-agents: container claude passes --permission-mode acceptEdits, above the "
                + "effective mode of AgentSession " + PLAN_SESSION);

        Kubectl.Result dropIn = Kubectl.apply(deployment(enforced, "drop-in-agents", "",
                "volumeMounts: [{name: overrides, mountPath: /etc/claude-code/managed-settings.d}]")
                + "      volumes: [{name: overrides, emptyDir: {}}]\n", ALICE);
        assertThat(dropIn.succeeded()).isFalse();
        assertThat(dropIn.stderr()).contains("Deployment drop-in-agents: container claude mounts volume overrides at "
                + "/etc/claude-code/managed-settings.d");
    }

    @Test
    void underAuditEachIsAdmittedWithAWarning() {
        record Case(String manifest, String warning) {
        }
        for (Case c : List.of(
                new Case(dropInPod(audited), "container claude mounts volume overrides at /etc/claude-code/managed-settings.d"),
                new Case(subPathPod(audited), "container setup mounts volume settings at /etc/claude-code/managed-settings.json"),
                new Case(pod(audited, "eager", PLAN_SESSION, "[sh, -c, \"claude --permission-mode 'acceptEdits'\"]"),
                        "container claude passes --permission-mode acceptEdits, above the effective mode of AgentSession " + PLAN_SESSION),
                new Case(deployment(audited, "eager-agents", PLAN_SESSION, "args: [--permission-mode=acceptEdits]"),
                        "Deployment eager-agents: container claude passes --permission-mode acceptEdits"))) {
            Kubectl.Result result = Kubectl.apply(c.manifest(), ALICE);
            assertThat(result.succeeded()).as(result.stderr()).isTrue();
            assertThat(result.stderr()).contains("Warning:", c.warning(), "tier " + AUDITED_TIER,
                    "admitted because enforcement is Audit; the violation is reported");
        }
        // ...and reported: the session counts its admitted pod as non-compliant.
        await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> assertThat(client.resources(AgentSession.class).inNamespace(audited)
                .withName(PLAN_SESSION).get().getStatus().getPods().getViolations()).extracting("pod", "container", "problem")
                .contains(org.assertj.core.groups.Tuple.tuple("eager", "claude", "starts Claude Code in acceptEdits, above this session's "
                        + "effective mode plan")));
    }

    @Test
    void onlyPrivilegedGroupsMayExemptAPod() {
        Kubectl.Result tenant = Kubectl.apply(pod(enforced, "exempt", "", "[sleep, '1']").replace("labels: {", "labels: {agentpolicy.io/exempt: 'true', "),
                ALICE);
        assertThat(tenant.succeeded()).isFalse();
        assertThat(tenant.stderr()).contains("Pod exempt carries the label agentpolicy.io/exempt: \"true\", which skips the managed Claude Code "
                + "settings; only members of system:masters may set it", "remove the label");

        Kubectl.Result admin = Kubectl.apply(pod(enforced, "exempt", "", "[sleep, '1']").replace("labels: {", "labels: {agentpolicy.io/exempt: 'true', "),
                null);
        assertThat(admin.succeeded()).as(admin.stderr()).isTrue();
        assertThat(client.pods().inNamespace(enforced).withName("exempt").get().getSpec().getContainers())
                .flatExtracting(Container::getVolumeMounts).isEmpty();
    }

    @Test
    void aTierNoPolicyCoversAllowsNoModeFlagButPlanAndInjectsNothing() {
        String unknownTier = unique("uncovered");
        String namespace = createNamespace(client, unique("uncovered"), NamespaceBaselineTest.TIER_LABEL, unknownTier).getMetadata().getName();
        await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> {
            Kubectl.Result bypass = Kubectl.run(pod(namespace, "uncovered", "", "[claude, --dangerously-skip-permissions]"), "apply", "-f", "-");
            assertThat(bypass.succeeded()).isFalse();
            assertThat(bypass.stderr()).contains("container claude passes --dangerously-skip-permissions", "outside the modes tier "
                    + unknownTier + " allows without a session: plan (policies none");
        });
        assertThat(Kubectl.run(pod(namespace, "plain", "", "[claude, --permission-mode, plan]"), "apply", "-f", "-").succeeded()).isTrue();
        List<Volume> volumes = client.pods().inNamespace(namespace).withName("plain").get().getSpec().getVolumes();
        assertThat(volumes == null ? List.<Volume>of() : volumes).extracting(Volume::getName).doesNotContain("agentpolicy-managed-settings");
    }

    @Test
    void anEditOfTheInjectingPolicyIsPutBack() {
        var policies = client.genericKubernetesResources("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy");
        Kubectl.Result edit = Kubectl.run(null, "patch", "mutatingadmissionpolicy", AdmissionPolicies.INJECT_SETTINGS, "--type=merge",
                "-p", "{\"spec\":{\"reinvocationPolicy\":\"Never\"}}");
        assertThat(edit.succeeded()).as(edit.stderr()).isTrue();
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> "IfNeeded".equals(((java.util.Map<?, ?>) policies
                .withName(AdmissionPolicies.INJECT_SETTINGS).get().getAdditionalProperties().get("spec")).get("reinvocationPolicy")));
    }

    static String pod(String namespace, String name, String session, String command) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s, labels: {app: agent%s}}
                spec:
                  containers:
                    - {name: claude, image: claude, command: %s}
                """.formatted(name, namespace, session.isEmpty() ? "" : ", agentpolicy.io/session: " + session, command);
    }

    private static String dropInPod(String namespace) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: drop-in, namespace: %s}
                spec:
                  containers:
                    - {name: decoy, image: claude, volumeMounts: [{name: agentpolicy-managed-settings, mountPath: /etc/claude-code}]}
                    - {name: claude, image: claude, volumeMounts: [{name: overrides, mountPath: /etc/claude-code/managed-settings.d}]}
                  volumes: [{name: overrides, emptyDir: {}}]
                """.formatted(namespace);
    }

    private static String subPathPod(String namespace) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: sub-path, namespace: %s}
                spec:
                  initContainers:
                    - name: setup
                      image: claude
                      volumeMounts: [{name: settings, mountPath: /etc/claude-code/managed-settings.json, subPath: managed-settings.json}]
                  containers: [{name: claude, image: claude}]
                  volumes: [{name: settings, configMap: {name: agent-managed-settings}}]
                """.formatted(namespace);
    }

    private static String deployment(String namespace, String name, String session, String container) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s, namespace: %s}
                spec:
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s%s}}
                    spec:
                      containers: [{name: claude, image: claude, %s}]
                """.formatted(name, namespace, name, name, session.isEmpty() ? "" : ", agentpolicy.io/session: " + session, container);
    }

    private static boolean planDecided(String namespace) {
        AgentSession session = client.resources(AgentSession.class).inNamespace(namespace).withName(PLAN_SESSION).get();
        return session != null && session.getStatus() != null && session.getStatus().getEffectiveMode() == PermissionMode.PLAN;
    }
}
