package io.agentpolicy.examples;

import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.testing.AdjustableClock;
import io.agentpolicy.testing.ArgoCdHealth;
import io.agentpolicy.testing.ExampleSessions;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every file in examples/ is applied to the real API server (or, for the Argo CD health checks, run), so the
 * examples never rot: the GitOps base and the agent pod for real with the operator deciding them, the emergency
 * lockdown through its documented kubectl patch, the Argo CD and Flux objects by server-side dry run against
 * their tools' real CRDs.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class ExamplesTest {
    static final Path EXAMPLES = Path.of("examples");
    static final Duration WITHIN = Duration.ofSeconds(30);
    static final String LOCKDOWN = "emergency/tier-2-lockdown.yaml";
    static final String AGENT_POD = "pods/agent-pod.yaml";
    static final String REFUSED_POD = "refused/pod-above-its-session.yaml";
    static final String EXCEPTION_SESSION = "exceptions/senior-bypass-payments.yaml";
    static final String EXCEPTION_APPROVALS = "exceptions/approvals.yaml";
    static final String APPROVERS = "exceptions/approvers.yaml";
    static final String INCIDENT = "incidents/inc-1234-sam.yaml";
    static final String INCIDENT_RECORDERS = "incidents/recorders.yaml";
    static final List<String> APPLIED_DIRECTLY = List.of("kustomization.yaml", AGENT_POD, REFUSED_POD, "argocd/argocd-cm.yaml",
            EXCEPTION_SESSION, EXCEPTION_APPROVALS, APPROVERS, INCIDENT, INCIDENT_RECORDERS);
    static final List<String> DRY_RUN = List.of("argocd/application.yaml", "flux/gitrepository.yaml", "flux/kustomization.yaml");
    static final List<String> HEALTH_CHECKS = List.of("argocd/health/agentpolicy.io/PermissionPolicy/health.lua",
            "argocd/health/agentpolicy.io/AgentSession/health.lua");

    static final KubernetesClient client = TestCluster.get().admin();

    @AfterAll
    static void removeWhatOtherTestsCreateThemselves() {
        // Other tests apply the example sessions and expect to see them decided (and audited) then, and expect
        // tier 2 governed by org-baseline and tier-2-standard alone.
        ExampleSessions.OUTCOMES.keySet().forEach(id -> client.resources(AgentSession.class).inNamespace(id.split("/")[0])
                .withName(id.split("/")[1]).delete());
        client.resources(PermissionPolicy.class).withName("tier-2-lockdown").delete();
    }

    @Test
    void everyFileInExamplesIsAppliedOrRun() throws IOException {
        Set<String> covered = new TreeSet<>(kustomizationResources());
        covered.addAll(APPLIED_DIRECTLY);
        covered.addAll(DRY_RUN);
        covered.addAll(HEALTH_CHECKS);
        Set<String> present;
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            present = files.filter(Files::isRegularFile).map(f -> EXAMPLES.relativize(f).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(present).as("files in examples/ (a new one needs a place in this test)").isEqualTo(covered);
    }

    @Test
    void theGitOpsBaseAppliesAndTheOperatorDecidesEverySession() throws IOException {
        applyTheBase();
        ExampleSessions.OUTCOMES.forEach((id, outcome) -> await().atMost(WITHIN)
                .untilAsserted(() -> assertThat(outcomeOf(session(id))).as(id).isEqualTo(outcome)));
        await().atMost(WITHIN).untilAsserted(() -> assertThat(client.resources(PermissionPolicy.class).list().getItems())
                .filteredOn(p -> kustomizationPolicyNames().contains(p.getMetadata().getName()))
                .hasSize(kustomizationPolicyNames().size())
                .allSatisfy(p -> assertThat(ArgoCdHealth.of("PermissionPolicy", p).status()).as(p.getMetadata().getName()).isEqualTo("Healthy")));
        ExampleSessions.OUTCOMES.keySet().forEach(id -> assertThat(ArgoCdHealth.of("AgentSession", session(id)).status()).as(id)
                .isEqualTo("Healthy"));

        // The API server enforces admission policies a moment after they are stored: a dry run shows when it mounts.
        await().atMost(WITHIN).until(() -> Kubectl.run(null, "apply", "--server-side", "--dry-run=server", "-o",
                "jsonpath={.spec.containers[0].volumeMounts}", "-f", EXAMPLES.resolve(AGENT_POD).toString()).stdout()
                .contains("agentpolicy-managed-settings"));
        Kubectl.Result pod = Kubectl.run(null, "apply", "--server-side", "-f", EXAMPLES.resolve(AGENT_POD).toString());
        assertThat(pod.succeeded()).as(pod.stderr()).isTrue();
        Kubectl.Result mounts = Kubectl.shell(documentedCommand(AGENT_POD));
        assertThat(mounts.stdout()).as(mounts.stderr())
                .isEqualTo("[{\"mountPath\":\"/etc/claude-code\",\"name\":\"agentpolicy-managed-settings\",\"readOnly\":true}]");
        assertThat(client.pods().inNamespace("payments").withName("mid-review-agent").get().getSpec().getVolumes())
                .extracting(v -> v.getConfigMap().getName()).containsExactly("agent-session-mid-review");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(session("payments/mid-review").getStatus().getPods())
                .satisfies(pods -> assertThat(pods.getCompliant()).isEqualTo(1))
                .satisfies(pods -> assertThat(pods.getNonCompliant()).isZero()));
    }

    @Test
    void theExampleExceptionWaitsForTheCtoAndACodeOwnerThenRunsAsBypass() throws IOException {
        applyTheBase();
        for (String file : List.of(APPROVERS, EXCEPTION_SESSION)) {
            Kubectl.Result apply = Kubectl.run(null, "apply", "--server-side", "-f", EXAMPLES.resolve(file).toString());
            assertThat(apply.succeeded()).as(apply.stderr()).isTrue();
        }
        await().atMost(WITHIN).untilAsserted(() -> assertThat(Kubectl.shell(documentedCommand(EXCEPTION_SESSION)).stdout())
                .isEqualTo("[\"cto\",\"payments-code-owners\"]"));
        assertThat(outcomeOf(session("payments/senior-bypass"))).isEqualTo("PendingApproval:null");
        List<String> approvals = documentedCommand(EXCEPTION_APPROVALS).lines().toList();
        // The API server enforces the generated approval policy a moment after it is stored.
        await().atMost(WITHIN).untilAsserted(() -> assertThat(Kubectl.shell(approvals.get(0)).succeeded()).isTrue());
        await().atMost(WITHIN).untilAsserted(() -> assertThat(Kubectl.shell(documentedCommand(EXCEPTION_SESSION)).stdout())
                .isEqualTo("[\"payments-code-owners\"]"));
        Kubectl.Result second = Kubectl.shell(approvals.get(1));
        assertThat(second.succeeded()).as(second.stderr()).isTrue();
        await().atMost(WITHIN).untilAsserted(() -> assertThat(outcomeOf(session("payments/senior-bypass"))).isEqualTo("Admitted:bypassPermissions"));
        client.resources(AgentSession.class).inNamespace("payments").withName("senior-bypass").delete();
    }

    @Test
    void theExampleIncidentEscalatesSamInOrdersAsDocumented() throws IOException {
        // The example incident happened on 2026-12-01 and lifts after 90 quiet days: the operator's clock is put on the
        // next day, so the test shows the escalation whenever it runs.
        AdjustableClock.advance(Duration.between(Instant.now(), Instant.parse("2026-12-02T10:00:00Z")));
        try {
            applyTheBase();
            await().atMost(WITHIN).until(() -> outcomeOf(session("orders/senior-hotfix")).equals("Admitted:acceptEdits"));
            Kubectl.Result recorders = Kubectl.run(null, "apply", "--server-side", "-f", EXAMPLES.resolve(INCIDENT_RECORDERS).toString());
            assertThat(recorders.succeeded()).as(recorders.stderr()).isTrue();
            List<String> commands = documentedCommand(INCIDENT).lines().toList();
            Kubectl.Result recorded = Kubectl.shell(commands.get(0));
            assertThat(recorded.succeeded()).as(recorded.stderr()).isTrue();
            await().atMost(WITHIN).untilAsserted(() -> assertThat(Kubectl.shell(commands.get(1)).stdout()).isEqualTo("mid default"));
            await().atMost(WITHIN).untilAsserted(() -> assertThat(Kubectl.shell(commands.get(2)).stdout())
                    .containsPattern("sam-[0-9a-f]{10} +sam@example.com +orders=mid"));
        } finally {
            client.resources(AgentIncident.class).inNamespace("orders").withName("inc-1234-sam").delete();
            AdjustableClock.reset();
        }
        // Other tests expect the example session as committed.
        await().atMost(WITHIN).until(() -> outcomeOf(session("orders/senior-hotfix")).equals("Admitted:acceptEdits"));
    }

    @Test
    void theDocumentedRefusedPodIsRefusedWithItsCause() throws IOException {
        applyTheBase();
        await().atMost(WITHIN).until(() -> outcomeOf(session("analytics/senior-migration")).equals("Downgraded:plan"));
        // The API server enforces admission policies a moment after they are stored; a dry run creates nothing meanwhile.
        await().atMost(WITHIN).until(() -> !Kubectl.run(null, "apply", "--server-side", "--dry-run=server", "-f",
                EXAMPLES.resolve(REFUSED_POD).toString()).succeeded());
        await().atMost(WITHIN).untilAsserted(() -> {
            Kubectl.Result refused = Kubectl.shell(documentedCommand(REFUSED_POD));
            assertThat(refused.succeeded()).isFalse();
            assertThat(refused.stderr()).contains("Pod senior-migration-agent: container claude passes --permission-mode acceptEdits, above "
                    + "the effective mode of AgentSession senior-migration (plan, tier 3, admission policy agentpolicy.io-session-pods): "
                    + "remove the flag, or request the mode in the session");
        });
        assertThat(client.pods().inNamespace("analytics").withName("senior-migration-agent").get()).isNull();
    }

    @Test
    void theDocumentedPatchLocksTier2DownUntilTheCommittedStateReturns() throws IOException {
        applyTheBase();
        await().atMost(WITHIN).until(() -> outcomeOf(session("orders/senior-hotfix")).equals("Admitted:acceptEdits"));

        Kubectl.Result patch = Kubectl.shell(documentedCommand(LOCKDOWN));
        assertThat(patch.succeeded()).as(patch.stderr()).isTrue();
        await().atMost(WITHIN).untilAsserted(() -> {
            AgentSession hotfix = session("orders/senior-hotfix");
            assertThat(outcomeOf(hotfix)).isEqualTo("Downgraded:plan");
            assertThat(hotfix.getStatus().getReason()).contains("emergency override caps at plan", "INC-1234 orders outage");
            assertThat(outcomeOf(session("orders/mid-bugfix"))).isEqualTo("Downgraded:plan");
        });
        await().atMost(WITHIN).untilAsserted(() -> assertThat(ArgoCdHealth.of("PermissionPolicy",
                client.resources(PermissionPolicy.class).withName("tier-2-lockdown").get()).message()).contains("emergency override active until"));

        Kubectl.Result restore = Kubectl.run(null, "apply", "--server-side", "--force-conflicts", "-f", EXAMPLES.resolve(LOCKDOWN).toString());
        assertThat(restore.succeeded()).as(restore.stderr()).isTrue();
        await().atMost(WITHIN).until(() -> outcomeOf(session("orders/senior-hotfix")).equals("Admitted:acceptEdits"));
    }

    @Test
    void gitOpsObjectsMatchTheirToolsRealSchemas() throws IOException {
        installThirdPartyCrds();
        for (String file : DRY_RUN) {
            Kubectl.Result dryRun = Kubectl.run(null, "apply", "--server-side", "--dry-run=server", "-f", EXAMPLES.resolve(file).toString());
            assertThat(dryRun.succeeded()).as("%s: %s", file, dryRun.stderr()).isTrue();
        }
        String broken = Files.readString(EXAMPLES.resolve("argocd/application.yaml")).replace("prune: true", "prune: \"yes\"");
        Kubectl.Result refused = Kubectl.run(broken, "apply", "--server-side", "--dry-run=server", "-f", "-");
        assertThat(refused.succeeded()).as("the Application schema is really checked").isFalse();
        assertThat(refused.stderr()).contains("spec.syncPolicy.automated.prune");
    }

    @Test
    void theArgoCdConfigMapAddsTheHealthChecksVerbatimAndKeepsOtherKeys() throws IOException {
        ensureNamespace("argocd");
        client.configMaps().inNamespace("argocd").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("argocd-cm").withNamespace("argocd").endMetadata()
                .addToData("url", "https://argocd.example.com").build()).fieldManager("argocd-install").forceConflicts().serverSideApply();

        Kubectl.Result apply = Kubectl.shell(documentedCommand("argocd/argocd-cm.yaml"));
        assertThat(apply.succeeded()).as(apply.stderr()).isTrue();
        Map<String, String> data = client.configMaps().inNamespace("argocd").withName("argocd-cm").get().getData();
        assertThat(data).containsEntry("url", "https://argocd.example.com");
        for (String kind : List.of("PermissionPolicy", "AgentSession")) {
            assertThat(data.get("resource.customizations.health.agentpolicy.io_" + kind)).as(kind)
                    .isEqualTo(Files.readString(ArgoCdHealth.script(kind)));
        }
    }

    @Test
    void renderedMapsCarryNoGitOpsTrackingMetadataFromThePolicies() {
        applyTheBase();
        // What Argo CD (label or annotation tracking) and Flux put on the objects they apply.
        Kubectl.Result labelled = Kubectl.run(null, "label", "permissionpolicy", "org-baseline", "tier-1-critical", "--overwrite",
                "app.kubernetes.io/instance=agent-policy", "kustomize.toolkit.fluxcd.io/name=agent-policy",
                "kustomize.toolkit.fluxcd.io/namespace=flux-system");
        Kubectl.Result annotated = Kubectl.run(null, "annotate", "permissionpolicy", "org-baseline", "tier-1-critical", "--overwrite",
                "argocd.argoproj.io/tracking-id=agent-policy:agentpolicy.io/PermissionPolicy:/org-baseline");
        assertThat(labelled.succeeded() && annotated.succeeded()).as(labelled.stderr() + annotated.stderr()).isTrue();
        String namespace = createNamespace(client, unique("tracked"), "agentpolicy.io/tier", "1").getMetadata().getName();
        ConfigMap map = await().atMost(WITHIN).until(() -> configMap(client, namespace, "agent-managed-settings"), m -> m != null);
        Set<String> keys = new TreeSet<>(map.getMetadata().getLabels().keySet());
        keys.addAll(map.getMetadata().getAnnotations().keySet());
        assertThat(keys).noneMatch(key -> key.startsWith("argocd.argoproj.io/") || key.startsWith("kustomize.toolkit.fluxcd.io/")
                || key.equals("app.kubernetes.io/instance"));
    }

    /** The command a file documents in its leading comment: the lines indented by three spaces after "#". */
    private static String documentedCommand(String file) throws IOException {
        return Files.readAllLines(EXAMPLES.resolve(file)).stream().filter(line -> line.startsWith("#   "))
                .map(line -> line.substring(4)).collect(Collectors.joining("\n"));
    }

    private static void applyTheBase() {
        Kubectl.Result apply = Kubectl.run(null, "apply", "--server-side", "-k", EXAMPLES.toString());
        assertThat(apply.succeeded()).as(apply.stderr()).isTrue();
    }

    private static List<String> kustomizationResources() {
        try {
            Map<?, ?> kustomization = new ObjectMapper(new YAMLFactory()).readValue(EXAMPLES.resolve("kustomization.yaml").toFile(), Map.class);
            return ((List<?>) kustomization.get("resources")).stream().map(Object::toString).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> kustomizationPolicyNames() {
        return kustomizationResources().stream().filter(f -> f.startsWith("policies/") || f.startsWith("emergency/"))
                .flatMap(f -> Resources.loadFile(client, EXAMPLES.resolve(f)).stream()).map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    }

    private static void installThirdPartyCrds() {
        ensureNamespace("argocd");
        ensureNamespace("flux-system");
        TestCluster.get().installCrds(Path.of("src/test/resources/third-party-crds"));
    }

    private static void ensureNamespace(String name) {
        if (client.namespaces().withName(name).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
    }

    private static AgentSession session(String id) {
        String[] parts = id.split("/");
        return client.resources(AgentSession.class).inNamespace(parts[0]).withName(parts[1]).get();
    }

    private static String outcomeOf(AgentSession session) {
        return session == null || session.getStatus() == null || session.getStatus().getPhase() == null ? "-"
                : session.getStatus().getPhase().value() + ":" + session.getStatus().getEffectiveMode();
    }
}
