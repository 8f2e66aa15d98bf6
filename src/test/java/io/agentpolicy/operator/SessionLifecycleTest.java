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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.operator.session.AuditTrail;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Sessions over their life: decided, mapped, re-decided when policy or time moves, audited. */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class SessionLifecycleTest {
    private static final Logger LOG = Logger.getLogger(SessionLifecycleTest.class);
    static final Duration WITHIN = NamespaceBaselineTest.WITHIN;
    static final List<String> auditLines = new CopyOnWriteArrayList<>();
    static final Handler auditCapture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            auditLines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    final KubernetesClient client = TestCluster.get().admin();

    @BeforeAll
    static void captureTheAuditTrail() {
        java.util.logging.Logger.getLogger(AuditTrail.LOGGER).addHandler(auditCapture);
    }

    @AfterAll
    static void stopCapturing() {
        java.util.logging.Logger.getLogger(AuditTrail.LOGGER).removeHandler(auditCapture);
    }

    @Test
    void theExampleSessionsAreDecidedMappedAndAudited() throws Exception {
        applyExamples("examples/namespaces.yaml", "examples/policies", "examples/sessions");
        Map<String, String> expected = Map.of(
                "sandbox/junior-docs", "Admitted:acceptEdits",
                "orders/mid-bugfix", "Downgraded:default",
                "payments/mid-review", "Admitted:default",
                "analytics/senior-migration", "Downgraded:plan",
                "sandbox/senior-prototype", "Admitted:bypassPermissions");
        expected.forEach((id, outcome) -> await().atMost(WITHIN).untilAsserted(() -> {
            AgentSession session = session(id);
            assertThat(session.getStatus()).as("status written").isNotNull();
            assertThat(session.getStatus().getPhase().value() + ":" + session.getStatus().getEffectiveMode()).isEqualTo(outcome);
            String name = id.split("/")[1];
            ConfigMap map = configMap(client, session.getMetadata().getNamespace(), "agent-session-" + name);
            assertThat(settingsOf(map)).isEqualTo(readResource("fixtures/sessions/" + name + ".json"));
            assertThat(map.getMetadata().getLabels()).containsEntry("agentpolicy.io/session", name)
                    .containsEntry("app.kubernetes.io/managed-by", "agent-policy-operator");
            assertThat(map.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(owner -> assertThat(owner.getName()).isEqualTo(name))
                    .satisfies(owner -> assertThat(owner.getController()).isTrue());
            assertThat(session.getStatus().getSettingsHash()).isEqualTo(map.getMetadata().getAnnotations().get("agentpolicy.io/settings-hash"));
        }));

        AgentSession migration = session("analytics/senior-migration");
        assertThat(migration.getStatus().getReason())
                .isEqualTo("requested acceptEdits; task type schema-migration is capped at plan (policy org-baseline); downgraded to plan");
        assertThat(migration.getStatus().getSeniority().value()).isEqualTo("senior");
        assertThat(migration.getStatus().getPolicies()).containsExactly("org-baseline", "tier-3-internal");

        JsonNode audit = await().atMost(WITHIN).until(() -> auditLine("analytics", "senior-migration"), line -> line != null);
        assertThat(audit.get("tier").asText()).isEqualTo("3");
        assertThat(audit.get("repository").asText()).isEqualTo("reporting-warehouse");
        assertThat(audit.get("engineer").asText()).isEqualTo("sam@example.com");
        assertThat(audit.get("seniority").asText()).isEqualTo("senior");
        assertThat(audit.get("requested_mode").asText()).isEqualTo("acceptEdits");
        assertThat(audit.get("effective_mode").asText()).isEqualTo("plan");
        assertThat(audit.get("action").asText()).isEqualTo("downgraded");
        assertThat(audit.get("phase").asText()).isEqualTo("Downgraded");
        assertThat(audit.get("reason").asText()).isEqualTo(migration.getStatus().getReason());
        assertThat(audit.get("policies")).extracting(JsonNode::asText).containsExactly("org-baseline", "tier-3-internal");
        assertThat(Instant.parse(audit.get("timestamp").asText())).isBefore(Instant.now());

        // The agent pod once its session is decided and the API server enforces the injection (a dry run shows when).
        for (HasMetadata pod : Resources.loadFile(client, Path.of("examples/pods/agent-pod.yaml"))) {
            await().atMost(WITHIN).until(() -> ((Pod) client.resource(pod).dryRun().fieldManager(Resources.TEST_MANAGER).forceConflicts()
                    .serverSideApply()).getSpec().getVolumes().stream().anyMatch(v -> v.getName().equals("agentpolicy-managed-settings")));
        }
        applyExamples("examples/pods");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(session("payments/mid-review").getStatus().getPods())
                .satisfies(pods -> assertThat(pods.getCompliant()).isEqualTo(1))
                .satisfies(pods -> assertThat(pods.getNonCompliant()).isZero()));
    }

    @Test
    void anEmergencyOverrideMovesRunningSessionsToPlanAndTheyReturnWhenItLapses() {
        String tier = unique("incident");
        String policy = unique("tier-2-like");
        String spec = "tiers: [" + tier + "]\nmodes: {default: default, allowed: [plan, default, acceptEdits], disableBypassPermissions: true, "
                + "disableAuto: true, onViolation: Downgrade}\nseniority: {senior: {maxMode: acceptEdits, groups: [eng-senior]}}";
        applyPolicy(client, policy, spec);
        String namespace = createNamespace(client, unique("incident"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        createSession(namespace, "edits", "acceptEdits", "eng-senior");
        createSession(namespace, "asks", "default", "eng-senior");
        await().atMost(WITHIN).until(() -> modesOf(namespace).equals(List.of("default", "acceptEdits")));

        Instant lapse = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS);
        Instant declared = Instant.now();
        applyPolicy(client, policy, spec + "\nemergencyOverride: {maxMode: plan, reason: \"INC-7 database failover\", expiresAt: \"" + lapse + "\"}");
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> modesOf(namespace).equals(List.of("plan", "plan")));
        LOG.infof("emergency override: sessions at plan %d ms after it was declared", Duration.between(declared, Instant.now()).toMillis());
        AgentSession edits = client.resources(AgentSession.class).inNamespace(namespace).withName("edits").get();
        assertThat(edits.getStatus()).as("status written").isNotNull();
        assertThat(edits.getStatus().getPhase()).isEqualTo(SessionPhase.DOWNGRADED);
        assertThat(edits.getStatus().getReason()).contains("emergency override caps at plan", "INC-7 database failover");
        assertThat(settingsOf(configMap(client, namespace, "agent-session-edits"))).contains("\"defaultMode\": \"plan\"");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(eventReasons(namespace, "edits")).contains("Downgraded"));

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> modesOf(namespace).equals(List.of("default", "acceptEdits")));
        LOG.infof("emergency override lapsed at %s: sessions back %d ms later", lapse, Duration.between(lapse, Instant.now()).toMillis());
        assertThat(settingsOf(configMap(client, namespace, "agent-session-edits"))).contains("\"defaultMode\": \"acceptEdits\"");
    }

    @Test
    void aSessionExpiresAtItsInstantAndLosesItsMap() {
        String tier = unique("expiry");
        applyPolicy(client, unique("expiry-policy"), "tiers: [" + tier + "]\nmodes: {default: default}");
        String namespace = createNamespace(client, unique("expiry"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        Instant expiresAt = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
        AgentSession session = sessionObject(namespace, "short", "default", "eng");
        session.getSpec().setExpiresAt(expiresAt.toString());
        client.resource(session).create();
        await().atMost(WITHIN).until(() -> configMap(client, namespace, "agent-session-short") != null);

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> phaseOf(namespace, "short") == SessionPhase.EXPIRED);
        LOG.infof("session expired %d ms after its expiresAt", Duration.between(expiresAt, Instant.now()).toMillis());
        await().atMost(WITHIN).until(() -> configMap(client, namespace, "agent-session-short") == null);
        AgentSession expired = client.resources(AgentSession.class).inNamespace(namespace).withName("short").get();
        assertThat(expired.getStatus()).as("status written").isNotNull();
        assertThat(expired.getStatus().getEffectiveMode()).isNull();
        assertThat(expired.getStatus().getConfigMap()).isNull();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(eventReasons(namespace, "short")).contains("Admitted", "Expired"));
    }

    @Test
    void aStatusFakedBySomeoneElseIsPutBack() {
        String tier = unique("faked");
        applyPolicy(client, unique("faked-policy"), "tiers: [" + tier + "]\nmodes: {default: plan, allowed: [plan, default]}");
        String namespace = createNamespace(client, unique("faked"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        createSession(namespace, "modest", "default", "eng");
        await().atMost(WITHIN).until(() -> phaseOf(namespace, "modest") == SessionPhase.ADMITTED);
        AgentSession decided = client.resources(AgentSession.class).inNamespace(namespace).withName("modest").get();

        long faked = System.nanoTime();
        Kubectl.Result patch = Kubectl.run(null, "patch", "agentsession", "modest", "-n", namespace, "--subresource=status",
                "--type=merge", "-p", "{\"status\":{\"effectiveMode\":\"bypassPermissions\",\"reason\":\"approved by me\"}}",
                "--as=tenant@example.com", "--as-group=system:masters");
        assertThat(patch.succeeded()).as(patch.stderr()).isTrue();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            AgentSession now = client.resources(AgentSession.class).inNamespace(namespace).withName("modest").get();
            assertThat(now.getStatus()).as("status written").isNotNull();
            assertThat(now.getStatus().getEffectiveMode()).isEqualTo(decided.getStatus().getEffectiveMode());
            assertThat(now.getStatus().getReason()).isEqualTo(decided.getStatus().getReason());
        });
        LOG.infof("faked session status put back after %d ms", (System.nanoTime() - faked) / 1_000_000);
    }

    @Test
    void aSessionAdmittedBeforeAnyPolicyExistedIsDecidedWhenOneArrivesAndTightenedLater() {
        String tier = unique("late");
        String namespace = createNamespace(client, unique("late"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        createSession(namespace, "early", "acceptEdits", "eng");
        await().atMost(WITHIN).until(() -> phaseOf(namespace, "early") == SessionPhase.DENIED);
        assertThat(client.resources(AgentSession.class).inNamespace(namespace).withName("early").get().getStatus().getReason())
                .isEqualTo("no PermissionPolicy governs namespace " + namespace + ", tier " + tier);

        String policy = unique("late-policy");
        applyPolicy(client, policy, "tiers: [" + tier + "]\nmodes: {default: default, onViolation: Downgrade}");
        await().atMost(WITHIN).until(() -> phaseOf(namespace, "early") == SessionPhase.ADMITTED);
        assertThat(configMap(client, namespace, "agent-session-early")).isNotNull();

        applyPolicy(client, policy, "tiers: [" + tier + "]\nmodes: {default: default, allowed: [plan, default], onViolation: Downgrade}");
        await().atMost(WITHIN).until(() -> phaseOf(namespace, "early") == SessionPhase.DOWNGRADED);
        assertThat(settingsOf(configMap(client, namespace, "agent-session-early"))).contains("\"defaultMode\": \"default\"");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(eventReasons(namespace, "early")).contains("Denied", "Admitted", "Downgraded"));
    }

    @Test
    void podsWithoutTheMountOrWithALockedFlagAreReportedNonCompliant() {
        String tier = unique("pods");
        applyPolicy(client, unique("pods-policy"), "tiers: [" + tier + "]\nmodes: {default: default}\nenforcement: Audit");
        String namespace = createNamespace(client, unique("pods"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        createSession(namespace, "agent", "default", "eng");
        await().atMost(WITHIN).until(() -> configMap(client, namespace, "agent-session-agent") != null);

        // Exempt (an admin may set it), so admission neither mounts the map nor refuses the flag: the check still sees both.
        client.resource(new PodBuilder().withNewMetadata().withName("unmounted").withNamespace(namespace)
                .addToLabels("agentpolicy.io/session", "agent").addToLabels("agentpolicy.io/exempt", "true").endMetadata()
                .withNewSpec().addNewContainer().withName("claude").withImage("claude:latest")
                .withArgs("--dangerously-skip-permissions", "-p", "fix it").endContainer().endSpec().build()).create();

        await().atMost(WITHIN).untilAsserted(() -> {
            AgentSession session = client.resources(AgentSession.class).inNamespace(namespace).withName("agent").get();
            assertThat(session.getStatus()).as("status written").isNotNull();
            assertThat(session.getStatus().getPods().getNonCompliant()).isEqualTo(1);
            assertThat(session.getStatus().getPods().getViolations()).extracting("problem").containsExactlyInAnyOrder(
                    "does not mount ConfigMap agent-session-agent at /etc/claude-code",
                    "starts Claude Code in bypassPermissions, above this session's effective mode default");
            assertThat(eventReasons(namespace, "agent")).contains("PodNonCompliant");
        });
    }

    private void applyExamples(String... paths) throws Exception {
        for (String path : paths) {
            List<Path> files;
            try (Stream<Path> listing = Files.isDirectory(Path.of(path)) ? Files.list(Path.of(path)) : Stream.of(Path.of(path))) {
                files = listing.sorted().toList();
            }
            for (Path file : files) {
                for (HasMetadata resource : Resources.loadFile(client, file)) {
                    client.resource(resource).fieldManager(Resources.TEST_MANAGER).forceConflicts().serverSideApply();
                }
            }
        }
    }

    private AgentSession session(String id) {
        String[] parts = id.split("/");
        return client.resources(AgentSession.class).inNamespace(parts[0]).withName(parts[1]).get();
    }

    private JsonNode auditLine(String namespace, String session) throws Exception {
        for (String line : auditLines) {
            JsonNode json = new ObjectMapper().readTree(line);
            if (namespace.equals(json.get("namespace").asText()) && session.equals(json.get("session").asText())) {
                return json;
            }
        }
        return null;
    }

    private void createSession(String namespace, String name, String mode, String group) {
        client.resource(sessionObject(namespace, name, mode, group)).create();
    }

    private static AgentSession sessionObject(String namespace, String name, String mode, String group) {
        return Resources.loadAll("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: %s, namespace: %s}
                spec: {engineer: dev@example.com, groups: [%s], requestedMode: %s, taskType: refactor}
                """.formatted(name, namespace, group, mode), AgentSession.class).get(0);
    }

    private List<String> modesOf(String namespace) {
        return client.resources(AgentSession.class).inNamespace(namespace).list().getItems().stream()
                .sorted(java.util.Comparator.comparing(s -> s.getMetadata().getName()))
                .map(s -> s.getStatus() == null || s.getStatus().getEffectiveMode() == null ? "-" : s.getStatus().getEffectiveMode().value())
                .toList();
    }

    private SessionPhase phaseOf(String namespace, String name) {
        AgentSession session = client.resources(AgentSession.class).inNamespace(namespace).withName(name).get();
        return session.getStatus() == null ? null : session.getStatus().getPhase();
    }

    private List<String> eventReasons(String namespace, String involved) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> involved.equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
    }

}
