package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.readResource;
import static io.agentpolicy.testing.Resources.settingsOf;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.testing.MetricsScraper;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The namespace baseline maps, written by the operator running in-process against the real API server. */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class NamespaceBaselineTest {
    private static final Logger LOG = Logger.getLogger(NamespaceBaselineTest.class);
    static final String TIER_LABEL = "agentpolicy.io/tier";
    static final String MAP = "agent-managed-settings";
    static final Duration WITHIN = Duration.ofSeconds(30);

    /** Everything the operator writes; the test itself writes only namespaces during the idle check. */
    static final String[] OPERATOR_RESOURCES = { "configmaps", "permissionpolicies", "agentsessions", "events" };

    final KubernetesClient client = TestCluster.get().admin();

    @TestHTTPResource("/q/metrics")
    java.net.URL metricsUrl;

    @Test
    void theExamplesRenderTheCommittedFixtures() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("examples/policies"))) {
            for (Path file : files.sorted().toList()) {
                for (HasMetadata policy : Resources.loadFile(client, file)) {
                    client.resource(policy).fieldManager(Resources.TEST_MANAGER).forceConflicts().serverSideApply();
                }
            }
        }
        for (String tier : List.of("1", "2", "3", "4")) {
            String namespace = createNamespace(client, unique("examples-tier-" + tier), TIER_LABEL, tier).getMetadata().getName();
            String expected = readResource("fixtures/baseline/tier-" + tier + ".json");
            await().atMost(WITHIN).untilAsserted(() -> assertThat(settingsOf(configMap(client, namespace, MAP))).isEqualTo(expected));

            ConfigMap map = configMap(client, namespace, MAP);
            assertThat(map.getData()).containsOnlyKeys("managed-settings.json");
            assertThat(map.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "agent-policy-operator")
                    .containsEntry("agentpolicy.io/tier", tier);
            String policyOfTier = client.resources(PermissionPolicy.class).list().getItems().stream()
                    .map(p -> p.getMetadata().getName()).filter(n -> n.startsWith("tier-" + tier + "-")).findFirst().orElseThrow();
            assertThat(map.getMetadata().getAnnotations())
                    .containsEntry("agentpolicy.io/policies", "org-baseline," + policyOfTier)
                    .containsEntry("agentpolicy.io/settings-hash", "sha256:" + sha256(expected));
            assertThat(map.getMetadata().getOwnerReferences()).extracting(OwnerReference::getName)
                    .containsExactlyInAnyOrder("org-baseline", policyOfTier);
        }
        await().atMost(WITHIN).untilAsserted(() -> assertThat(client.resources(PermissionPolicy.class).withName("tier-1-critical").get())
                .satisfies(p -> assertThat(Conditions.isTrue(p.getStatus().getConditions(), Conditions.READY)).isTrue()));
    }

    @Test
    void relabellingANamespaceRewritesItsMapAndRemovingTheLabelRemovesIt() {
        String strict = unique("strict");
        String loose = unique("loose");
        applyPolicy(client, unique("strict-policy"), "tiers: [" + strict + "]\nmodes: {default: plan, allowed: [plan, default], disableBypassPermissions: true, disableAuto: true}");
        applyPolicy(client, unique("loose-policy"), "tiers: [" + loose + "]\nmodes: {default: bypassPermissions}");
        String namespace = createNamespace(client, unique("relabel"), TIER_LABEL, loose).getMetadata().getName();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(settingsOf(configMap(client, namespace, MAP)))
                .contains("\"defaultMode\": \"bypassPermissions\"").doesNotContain("disable"));

        long relabelled = System.nanoTime();
        client.namespaces().withName(namespace).edit(ns -> {
            ns.getMetadata().getLabels().put(TIER_LABEL, strict);
            return ns;
        });
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> assertThat(settingsOf(configMap(client, namespace, MAP)))
                .contains("\"defaultMode\": \"plan\"", "\"disableBypassPermissionsMode\": \"disable\"", "\"disableAutoMode\": \"disable\""));
        LOG.infof("relabel to a stricter tier: map rewritten after %d ms", (System.nanoTime() - relabelled) / 1_000_000);

        long unlabelled = System.nanoTime();
        client.namespaces().withName(namespace).edit(ns -> {
            ns.getMetadata().getLabels().remove(TIER_LABEL);
            return ns;
        });
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).until(() -> configMap(client, namespace, MAP) == null);
        LOG.infof("tier label removed: map deleted after %d ms", (System.nanoTime() - unlabelled) / 1_000_000);
    }

    @Test
    void twoPoliciesMergeAndDeletingOneReRendersFromTheOther() {
        String tier = unique("merge");
        String first = "a-" + unique("first");
        String second = "b-" + unique("second");
        applyPolicy(client, first, "tiers: [" + tier + "]\nmodes: {default: acceptEdits, allowed: [plan, default, acceptEdits, auto]}\n"
                + "permissions: {allow: [\"Bash(npm test *)\"], deny: [\"Bash(rm -rf *)\"]}\nsettings: {model: sonnet, env: {A: \"1\"}}");
        applyPolicy(client, second, "tiers: [" + tier + "]\nmodes: {default: default, allowed: [plan, default, acceptEdits], disableBypassPermissions: true}\n"
                + "permissions: {deny: [\"Read(./.env)\", \"Bash(rm -rf *)\"]}\nsettings: {model: opus, env: {B: \"2\"}}");
        String namespace = createNamespace(client, unique("merged"), TIER_LABEL, tier).getMetadata().getName();

        String expectedMerged = """
                {
                  "disableAutoMode": "disable",
                  "env": {
                    "A": "1",
                    "B": "2"
                  },
                  "model": "sonnet",
                  "permissions": {
                    "allow": [
                      "Bash(npm test *)"
                    ],
                    "defaultMode": "default",
                    "deny": [
                      "Bash(rm -rf *)",
                      "Read(./.env)"
                    ],
                    "disableBypassPermissionsMode": "disable"
                  }
                }
                """;
        await().atMost(WITHIN).untilAsserted(() -> assertThat(settingsOf(configMap(client, namespace, MAP))).isEqualTo(expectedMerged));
        await().atMost(WITHIN).untilAsserted(() -> {
            PermissionPolicy policy = client.resources(PermissionPolicy.class).withName(second).get();
            assertThat(Conditions.find(policy.getStatus().getConditions(), Conditions.CONFLICTING))
                    .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"))
                    .satisfies(c -> assertThat(c.getMessage()).contains("/model"));
        });

        client.resources(PermissionPolicy.class).withName(first).delete();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(settingsOf(configMap(client, namespace, MAP))).isEqualTo("""
                {
                  "disableAutoMode": "disable",
                  "env": {
                    "B": "2"
                  },
                  "model": "opus",
                  "permissions": {
                    "defaultMode": "default",
                    "deny": [
                      "Bash(rm -rf *)",
                      "Read(./.env)"
                    ],
                    "disableBypassPermissionsMode": "disable"
                  }
                }
                """));
        assertThat(configMap(client, namespace, MAP).getMetadata().getAnnotations()).containsEntry("agentpolicy.io/policies", second);
    }

    @Test
    void deletingAPolicyThatChangedNothingStillDropsItsOwnershipAndLeavesTheOtherReady() {
        String tier = unique("owners");
        String kept = "a-" + unique("kept");
        String redundant = "b-" + unique("redundant");
        applyPolicy(client, kept, "tiers: [" + tier + "]\nmodes: {default: plan}");
        applyPolicy(client, redundant, "tiers: [" + tier + "]\nmodes: {default: plan}");
        String namespace = createNamespace(client, unique("owners"), TIER_LABEL, tier).getMetadata().getName();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(configMap(client, namespace, MAP)).isNotNull()
                .satisfies(map -> assertThat(map.getMetadata().getOwnerReferences()).extracting(OwnerReference::getName)
                        .containsExactlyInAnyOrder(kept, redundant)));
        String settings = settingsOf(configMap(client, namespace, MAP));

        client.resources(PermissionPolicy.class).withName(redundant).delete();
        await().atMost(WITHIN).untilAsserted(() -> {
            ConfigMap map = configMap(client, namespace, MAP);
            assertThat(map.getMetadata().getOwnerReferences()).extracting(OwnerReference::getName).containsExactly(kept);
            assertThat(map.getMetadata().getAnnotations()).containsEntry("agentpolicy.io/policies", kept);
            assertThat(settingsOf(map)).isEqualTo(settings);
            PermissionPolicy policy = client.resources(PermissionPolicy.class).withName(kept).get();
            assertThat(policy.getStatus()).as("status written").isNotNull();
            assertThat(Conditions.isTrue(policy.getStatus().getConditions(), Conditions.READY)).isTrue();
        });
    }

    @Test
    void anEmergencyOverrideCapsTheDefaultModeAndLapsesByItself() {
        String tier = unique("override");
        String policyName = unique("override-policy");
        String namespace = createNamespace(client, unique("override"), TIER_LABEL, tier).getMetadata().getName();
        Instant expiresAt = Instant.now().plusSeconds(6).truncatedTo(ChronoUnit.SECONDS);
        applyPolicy(client, policyName, "tiers: [" + tier + "]\nmodes: {default: acceptEdits}\n"
                + "emergencyOverride: {maxMode: plan, reason: \"INC-42 outage\", expiresAt: \"" + expiresAt + "\"}");

        await().atMost(WITHIN).untilAsserted(() -> assertThat(settingsOf(configMap(client, namespace, MAP)))
                .contains("\"defaultMode\": \"plan\""));
        await().atMost(WITHIN).untilAsserted(() -> {
            PermissionPolicy policy = client.resources(PermissionPolicy.class).withName(policyName).get();
            assertThat(policy.getStatus()).as("the policy's status is written").isNotNull();
            assertThat(policy.getStatus().getEmergencyOverride().getActive()).isTrue();
            assertThat(policy.getStatus().getEmergencyOverride().getExpiresAt()).isEqualTo(expiresAt.toString());
            assertThat(eventsAbout(policyName)).contains("OverrideActivated");
        });

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(settingsOf(configMap(client, namespace, MAP)))
                .contains("\"defaultMode\": \"acceptEdits\""));
        LOG.infof("override lapsed at %s; map restored %d ms later", expiresAt, Duration.between(expiresAt, Instant.now()).toMillis());
        await().atMost(WITHIN).untilAsserted(() -> {
            PermissionPolicy policy = client.resources(PermissionPolicy.class).withName(policyName).get();
            assertThat(policy.getStatus()).as("status written").isNotNull();
            assertThat(policy.getStatus().getEmergencyOverride().getActive()).isFalse();
            assertThat(eventsAbout(policyName)).contains("OverrideExpired");
        });
    }

    private List<String> eventsAbout(String policyName) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> policyName.equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
    }

    @Test
    void anIdleResyncOverAHundredNamespacesWritesNothing() {
        String tier = unique("idle");
        applyPolicy(client, unique("idle-policy"), "tiers: [" + tier + "]\nmodes: {default: plan}");
        List<String> namespaces = java.util.stream.IntStream.range(0, 100)
                .mapToObj(i -> createNamespace(client, unique("idle-" + i), TIER_LABEL, tier).getMetadata().getName()).toList();
        await().atMost(Duration.ofSeconds(60)).until(() -> namespaces.stream().allMatch(ns -> configMap(client, ns, MAP) != null));
        // Let the operator settle: the policy status reports every namespace rendered.
        await().atMost(WITHIN).until(() -> client.resources(PermissionPolicy.class).list().getItems().stream()
                .filter(p -> p.getSpec().getTiers() != null && p.getSpec().getTiers().contains(tier))
                .allMatch(p -> p.getStatus() != null && Integer.valueOf(100).equals(p.getStatus().getRenderedNamespaces())));

        long writesBefore = TestCluster.get().writeRequests(OPERATOR_RESOURCES);
        double reconcilesBefore = MetricsScraper.baselineReconciles(metricsUrl);
        // Touch every namespace without changing anything that matters: each is reconciled again.
        namespaces.forEach(ns -> client.namespaces().withName(ns).edit(n -> {
            n.getMetadata().setAnnotations(Map.of("touched", "yes"));
            return n;
        }));
        await().atMost(WITHIN).until(() -> MetricsScraper.baselineReconciles(metricsUrl) >= reconcilesBefore + 100);
        long writesAfter = TestCluster.get().writeRequests(OPERATOR_RESOURCES);
        LOG.infof("idle resync over 100 namespaces: %.0f reconciles, %d write requests", 
                MetricsScraper.baselineReconciles(metricsUrl) - reconcilesBefore, writesAfter - writesBefore);
        assertThat(writesAfter - writesBefore).isZero();
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
