package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.driftOf;
import static io.agentpolicy.testing.Resources.latestDrift;
import static io.agentpolicy.testing.Resources.settingsOf;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentpolicy.api.DriftEntry;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.MetricsScraper;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Drift of rendered maps on the real API server: hand edits by break-glass users are reported with the path and
 * the field manager and reverted under Enforce, left alone under Audit; everyone else is refused at admission.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class DriftTest {
    private static final Logger LOG = Logger.getLogger(DriftTest.class);
    static final String MAP = NamespaceBaselineTest.MAP;
    static final Duration WITHIN = NamespaceBaselineTest.WITHIN;
    static final String BREAK_GLASS = "oncall@example.com";

    final KubernetesClient client = TestCluster.get().admin();

    @TestHTTPResource("/q/metrics")
    URL metrics;

    /** A tier-1-like policy (bypass and auto locked) governing a fresh namespace; returns {policy, namespace}. */
    private String[] lockedTier(String enforcement) {
        String tier = unique("drift");
        String policy = unique("drift-policy");
        applyPolicy(client, policy, "tiers: [" + tier + "]\nenforcement: " + enforcement
                + "\nmodes: {default: plan, allowed: [plan, default, acceptEdits], disableBypassPermissions: true, disableAuto: true}");
        String namespace = createNamespace(client, unique("drift"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        await().atMost(WITHIN).until(() -> configMap(client, namespace, MAP) != null);
        return new String[] { policy, namespace };
    }

    @Test
    void aBreakGlassEditIsRestoredAndReportedWithThePathAndTheFieldManager() throws Exception {
        String[] setup = lockedTier("Enforce");
        String policy = setup[0];
        String namespace = setup[1];
        String rendered = settingsOf(configMap(client, namespace, MAP));
        double correctedBefore = MetricsScraper.sum(metrics, "agentpolicy_drift_corrected_total");

        long edited = System.nanoTime();
        Kubectl.Result patch = Kubectl.run(null, "patch", "configmap", MAP, "-n", namespace, "--type", "merge",
                "-p", dataPatch(withoutBypassLock(rendered)), "--as=" + BREAK_GLASS, "--as-group=system:masters");
        assertThat(patch.succeeded()).as(patch.stderr()).isTrue();

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).until(() -> rendered.equals(settingsOf(configMap(client, namespace, MAP))));
        LOG.infof("break-glass edit restored after %d ms", (System.nanoTime() - edited) / 1_000_000);

        await().atMost(WITHIN).untilAsserted(() -> {
            PermissionPolicy status = client.resources(PermissionPolicy.class).withName(policy).get();
            DriftEntry entry = latestDrift(client, policy);
            assertThat(entry.getNamespace()).isEqualTo(namespace);
            assertThat(entry.getConfigMap()).isEqualTo(MAP);
            assertThat(entry.getPaths()).containsExactly("/permissions/disableBypassPermissionsMode");
            assertThat(entry.getChangedBy()).isEqualTo("kubectl-patch");
            assertThat(entry.getCorrected()).isTrue();
            assertThat(driftOf(client, policy).getCount()).isEqualTo(1);
            assertThat(Conditions.find(status.getStatus().getConditions(), Conditions.DRIFTED).getStatus()).isEqualTo("False");
            assertThat(eventReasons(policy)).contains("DriftDetected", "DriftCorrected");
        });
        await().atMost(WITHIN).untilAsserted(() -> assertThat(MetricsScraper.sum(metrics, "agentpolicy_drift_corrected_total"))
                .isGreaterThan(correctedBefore));
    }

    @Test
    void anInteractiveEditThatBreaksTheJsonIsRestoredAndNamesKubectlEdit() {
        String[] setup = lockedTier("Enforce");
        String namespace = setup[1];
        String rendered = settingsOf(configMap(client, namespace, MAP));
        // A scripted editor: deleting the lock's line leaves a trailing comma, so the file is no JSON any more.
        Kubectl.Result edit = Kubectl.runWith(Map.of("KUBE_EDITOR", "sed -i /disableBypassPermissionsMode/d"), null,
                "edit", "configmap", MAP, "-n", namespace, "--as=" + BREAK_GLASS, "--as-group=system:masters");
        assertThat(edit.succeeded()).as(edit.stderr()).isTrue();
        await().atMost(WITHIN).until(() -> rendered.equals(settingsOf(configMap(client, namespace, MAP))));
        await().atMost(WITHIN).untilAsserted(() -> assertThat(latestDrift(client, setup[0]))
                .satisfies(entry -> assertThat(entry.getPaths()).containsExactly(""))
                .satisfies(entry -> assertThat(entry.getChangedBy()).isEqualTo("kubectl-edit")));
    }

    @Test
    void underAuditTheEditStaysDriftedUntilFixedByHand() throws Exception {
        String[] setup = lockedTier("Audit");
        String policy = setup[0];
        String namespace = setup[1];
        String rendered = settingsOf(configMap(client, namespace, MAP));
        String edited = withoutBypassLock(rendered);
        assertThat(Kubectl.run(null, "patch", "configmap", MAP, "-n", namespace, "--type", "merge", "-p", dataPatch(edited),
                "--as=" + BREAK_GLASS, "--as-group=system:masters").succeeded()).isTrue();

        await().atMost(WITHIN).untilAsserted(() -> {
            PermissionPolicy status = client.resources(PermissionPolicy.class).withName(policy).get();
            assertThat(Conditions.isTrue(status.getStatus().getConditions(), Conditions.DRIFTED)).isTrue();
            assertThat(Conditions.find(status.getStatus().getConditions(), Conditions.DRIFTED).getMessage())
                    .contains("/permissions/disableBypassPermissionsMode", "kubectl-patch");
            assertThat(latestDrift(client, policy).getCorrected()).isFalse();
        });
        assertThat(settingsOf(configMap(client, namespace, MAP))).as("Audit never touches the map").isEqualTo(edited);

        assertThat(Kubectl.run(null, "patch", "configmap", MAP, "-n", namespace, "--type", "merge", "-p", dataPatch(rendered),
                "--as=" + BREAK_GLASS, "--as-group=system:masters").succeeded()).isTrue();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(Conditions.isTrue(
                client.resources(PermissionPolicy.class).withName(policy).get().getStatus().getConditions(), Conditions.DRIFTED)).isFalse());
        assertThat(driftOf(client, policy).getCount()).isEqualTo(1);
    }

    @Test
    void theOperatorsOwnReRendersAreNeverDriftAfterARestore() throws Exception {
        String[] setup = lockedTier("Enforce");
        String policy = setup[0];
        String namespace = setup[1];
        String rendered = settingsOf(configMap(client, namespace, MAP));
        assertThat(Kubectl.run(null, "patch", "configmap", MAP, "-n", namespace, "--type", "merge", "-p",
                dataPatch(withoutBypassLock(rendered)), "--as=" + BREAK_GLASS, "--as-group=system:masters").succeeded()).isTrue();
        await().atMost(WITHIN).until(() -> rendered.equals(settingsOf(configMap(client, namespace, MAP))));
        await().atMost(WITHIN).untilAsserted(() -> assertThat(driftOf(client, policy).getCount()).isEqualTo(1));

        // After the restore the operator alone owns the data: later re-renders are the policy's, not drift.
        assertThat(configMap(client, namespace, MAP).getMetadata().getManagedFields())
                .allSatisfy(entry -> assertThat(entry.getManager()).isNotEqualTo("before-first-apply"));
        String tier = client.namespaces().withName(namespace).get().getMetadata().getLabels().get(NamespaceBaselineTest.TIER_LABEL);
        for (String mode : List.of("default", "acceptEdits", "plan")) {
            applyPolicy(client, policy, "tiers: [" + tier + "]\nenforcement: Enforce\nmodes: {default: " + mode
                    + ", allowed: [plan, default, acceptEdits], disableBypassPermissions: true, disableAuto: true}");
            await().atMost(WITHIN).until(() -> settingsOf(configMap(client, namespace, MAP)).contains("\"defaultMode\": \"" + mode + "\""));
        }
        await().atMost(WITHIN).until(() -> Conditions.isTrue(client.resources(PermissionPolicy.class).withName(policy).get()
                .getStatus().getConditions(), Conditions.READY));
        assertThat(driftOf(client, policy).getCount()).isEqualTo(1);
        assertThat(eventReasons(policy)).containsOnlyOnce("DriftDetected");
    }

    @Test
    void aNamespaceMovedFromAnAuditTierToAStricterOneFollowsItAtOnce() {
        String[] audit = lockedTier("Audit");
        applyPolicy(client, audit[0], "tiers: [" + client.namespaces().withName(audit[1]).get().getMetadata().getLabels()
                .get(NamespaceBaselineTest.TIER_LABEL) + "]\nenforcement: Audit\nmodes: {default: default}");
        String namespace = audit[1];
        await().atMost(WITHIN).until(() -> settingsOf(configMap(client, namespace, MAP)).contains("\"defaultMode\": \"default\""));
        String strictTier = unique("drift-strict");
        String strict = unique("drift-strict-policy");
        applyPolicy(client, strict, "tiers: [" + strictTier + "]\nenforcement: Enforce\nmodes: {default: plan}");

        client.namespaces().withName(namespace).edit(ns -> {
            ns.getMetadata().getLabels().put(NamespaceBaselineTest.TIER_LABEL, strictTier);
            return ns;
        });
        await().atMost(WITHIN).until(() -> settingsOf(configMap(client, namespace, MAP)).contains("\"defaultMode\": \"plan\""));
        assertThat(configMap(client, namespace, MAP).getMetadata().getLabels()).containsEntry(NamespaceBaselineTest.TIER_LABEL, strictTier);
        assertThat(eventReasons(audit[0])).doesNotContain("DriftDetected");
        assertThat(eventReasons(strict)).doesNotContain("DriftDetected");
    }

    @Test
    void aDeletedMapIsRecreatedAndReported() {
        String[] setup = lockedTier("Enforce");
        String namespace = setup[1];
        String rendered = settingsOf(configMap(client, namespace, MAP));
        assertThat(Kubectl.run(null, "delete", "configmap", MAP, "-n", namespace, "--as=" + BREAK_GLASS,
                "--as-group=system:masters").succeeded()).isTrue();
        await().atMost(WITHIN).until(() -> rendered.equals(settingsOf(configMap(client, namespace, MAP))));
        await().atMost(WITHIN).untilAsserted(() -> assertThat(latestDrift(client, setup[0]))
                .satisfies(entry -> assertThat(entry.getPaths()).containsExactly(""))
                .satisfies(entry -> assertThat(entry.getCorrected()).isTrue()));
    }

    @Test
    void twoQuickEditsAreBothCountedAndTheMapEndsCorrect() throws Exception {
        String[] setup = lockedTier("Enforce");
        String namespace = setup[1];
        String rendered = settingsOf(configMap(client, namespace, MAP));
        ObjectNode first = (ObjectNode) new ObjectMapper().readTree(rendered);
        first.put("model", "opus");
        ObjectNode second = first.deepCopy();
        second.put("model", "haiku");
        KubernetesClient breakGlass = TestCluster.get().as(BREAK_GLASS, "system:masters");
        // Unconditional merge patches, one right after the other, as two people (or a script) would send them.
        for (ObjectNode edit : List.of(first, second)) {
            breakGlass.configMaps().inNamespace(namespace).withName(MAP)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), dataPatch(edit.toPrettyString()));
        }
        await().atMost(WITHIN).until(() -> rendered.equals(settingsOf(configMap(client, namespace, MAP))));
        await().atMost(WITHIN).untilAsserted(() -> assertThat(driftOf(client, setup[0]).getCount()).isEqualTo(2));
    }

    @Test
    void aNamespaceAdminIsRefusedWithTheManagedMapMessage() {
        String[] setup = lockedTier("Enforce");
        String namespace = setup[1];
        String teamAdmin = "team-admin@example.com";
        client.resource(new RoleBuilder().withNewMetadata().withName("configmap-admin").withNamespace(namespace).endMetadata()
                .addNewRule().withApiGroups("").withResources("configmaps")
                .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endRule().build()).create();
        client.resource(new RoleBindingBuilder().withNewMetadata().withName("team-admin").withNamespace(namespace).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("configmap-admin").endRoleRef()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(teamAdmin).endSubject()
                .build()).create();
        String rendered = settingsOf(configMap(client, namespace, MAP));
        String expected = "ConfigMap " + namespace + "/" + MAP + " is managed by agent-policy-operator and cannot be changed by hand: "
                + "it is rendered from PermissionPolicy " + setup[0] + "; change the policy instead";

        Kubectl.Result patch = Kubectl.run(null, "patch", "configmap", MAP, "-n", namespace, "--type", "merge",
                "-p", "{\"data\":{\"managed-settings.json\":\"{}\"}}", "--as=" + teamAdmin);
        assertThat(patch.succeeded()).isFalse();
        assertThat(patch.stderr()).contains(expected);
        Kubectl.Result delete = Kubectl.run(null, "delete", "configmap", MAP, "-n", namespace, "--as=" + teamAdmin);
        assertThat(delete.succeeded()).isFalse();
        assertThat(delete.stderr()).contains(expected);
        assertThat(settingsOf(configMap(client, namespace, MAP))).isEqualTo(rendered);
        // Their own maps stay theirs.
        assertThat(Kubectl.run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine, namespace: " + namespace + "}\ndata: {a: b}\n",
                "apply", "-f", "-", "--as=" + teamAdmin).succeeded()).isTrue();
    }

    static String withoutBypassLock(String rendered) throws Exception {
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(rendered);
        ((ObjectNode) json.get("permissions")).remove("disableBypassPermissionsMode");
        return json.toPrettyString();
    }

    static String dataPatch(String settings) throws Exception {
        ObjectNode patch = new ObjectMapper().createObjectNode();
        patch.putObject("data").put("managed-settings.json", settings);
        return patch.toString();
    }

    private List<String> eventReasons(String policy) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> policy.equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
    }

}
