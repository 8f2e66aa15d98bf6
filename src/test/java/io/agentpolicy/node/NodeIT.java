package io.agentpolicy.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentpolicy.conformance.ScriptedModel;
import io.agentpolicy.conformance.ScriptedModel.ToolCall;
import io.agentpolicy.testing.Helm;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The operator as platform teams run it: built into an image (hack/images.sh, no Docker, no registry), installed
 * with the chart's defaults by `helm install` on a cluster with a real node (hack/local-cluster.sh up --with-node),
 * governing agent pods that run the real Claude Code against a scripted stand-in for the Messages API, which the
 * pods reach on the node's address. The tests share one install and run in order; times are logged, not asserted.
 * A machine where the node cannot start fails here with the reason hack/local-node.sh gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeIT {
    private static final Logger LOG = Logger.getLogger(NodeIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RELEASE = "agent-policy-operator";
    private static final String NAMESPACE = "agent-policy-system";
    private static final Duration CONVERGENCE = Duration.ofMinutes(2);
    /** The kubelet refreshes a mounted ConfigMap at its sync (every minute by default) plus its cache's TTL. */
    private static final Duration MOUNT_REFRESH = Duration.ofMinutes(3);
    private static final String WRITTEN = "/tmp/written-by-the-agent.txt";
    private static final String SETTINGS_FILE = "/etc/claude-code/managed-settings.json";

    private TestCluster node;
    private KubernetesClient client;
    private String agentImage;
    private String agentImageProblem;
    private ScriptedModel model;

    @BeforeAll
    void installTheChartOnANode() throws IOException {
        node = TestCluster.withNode();
        client = node.admin();
        String operatorImage = buildAndImport("operator");
        try {
            agentImage = buildAndImport("agent");
        } catch (NpmUnreachable e) {
            agentImageProblem = e.getMessage();
        }
        String nodeAddress = client.nodes().list().getItems().get(0).getStatus().getAddresses().stream()
                .filter(a -> "InternalIP".equals(a.getType())).findFirst().orElseThrow().getAddress();
        model = new ScriptedModel(List.of(new ToolCall("Write", Map.of("file_path", WRITTEN, "content", "x"))),
                InetAddress.getByName(nodeAddress));

        long start = System.nanoTime();
        succeeded(node.helm("install", RELEASE, Helm.CHART.toString(), "-n", NAMESPACE, "--create-namespace",
                "--set", "image.repository=" + operatorImage.substring(0, operatorImage.lastIndexOf(':'))));
        awaitReadyOperators();
        LOG.infof("helm install -> 2 operator pods Ready in %d ms", millisSince(start));
    }

    @AfterAll
    void stopTheModel() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    @Order(1)
    void twoOperatorPodsRunReadyAndOneLeads() {
        List<Pod> pods = awaitReadyOperators();
        Set<String> names = pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        await().atMost(CONVERGENCE).untilAsserted(() -> assertThat(names).contains(leader()));
        for (String pod : names) {
            for (String probe : List.of("live", "ready")) {
                String answer = client.raw("/api/v1/namespaces/" + NAMESPACE + "/pods/" + pod + ":8080/proxy/q/health/" + probe);
                assertThat(answer).as(pod + " /q/health/" + probe).contains("\"status\": \"UP\"");
            }
            // The image's AOT cache fits its runtime, class path and options only; a JVM that cannot use it says so
            // ("[error][aot] ... Unable to map shared spaces") and starts without it.
            assertThat(client.pods().inNamespace(NAMESPACE).withName(pod).getLog()).as(pod + " log").doesNotContain("[aot]");
        }
        assertThat(pods).allSatisfy(p -> assertThat(p.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero());
    }

    @Test
    @Order(2)
    void theExamplesConverge() {
        succeeded(node.kubectl(null, "apply", "-k", "examples/"));
        await().atMost(CONVERGENCE).untilAsserted(() -> {
            assertThat(outcome("orders", "senior-hotfix")).isEqualTo("Admitted:acceptEdits");
            assertThat(outcome("analytics", "senior-migration")).isEqualTo("Downgraded:plan");
            assertThat(outcome("payments", "mid-review")).isEqualTo("Admitted:default");
            for (String namespace : List.of("payments", "orders", "analytics", "sandbox")) {
                assertThat(client.configMaps().inNamespace(namespace).withName("agent-managed-settings").get()).as(namespace).isNotNull();
            }
        });
        // admission policies take effect a moment after they are stored: the refused example shows when
        await().atMost(CONVERGENCE).until(() -> !node.kubectl(null, "apply", "--dry-run=server", "-f",
                "examples/refused/pod-above-its-session.yaml").succeeded());
    }

    @Test
    @Order(3)
    void anAgentPodInTier1StartsClaudeCodeInPlanAndItsWriteIsDenied() {
        requireAgentImage();
        Pod pod = createAgentPod("payments", "tier-1-agent", null);
        assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getName()).isEqualTo("agentpolicy-managed-settings"));
        assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/claude-code"));

        Run run = claude("payments", "tier-1-agent");
        assertThat(run.permissionMode()).isEqualTo("plan");
        assertThat(run.askedToWrite()).as("the stand-in model asked for the Write").isTrue();
        assertThat(run.writeFailed()).as("the Write's tool result is an error").isTrue();
        assertThat(node.kubectl(null, "exec", "-n", "payments", "tier-1-agent", "--", "cat", WRITTEN).succeeded())
                .as(WRITTEN + " exists").isFalse();
    }

    @Test
    @Order(4)
    void aSessionPodAskingForAcceptEditsAboveItsSessionIsRefusedAtAdmission() {
        requireAgentImage();
        Kubectl.Result refused = node.kubectl(agentPod("payments", "eager-agent", "mid-review",
                List.of("-p", "Do the task.", "--permission-mode", "acceptEdits")), "apply", "-f", "-");
        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.stderr()).contains("container claude passes --permission-mode acceptEdits, above the effective mode "
                + "of AgentSession mid-review (default, tier 1, admission policy agentpolicy.io-session-pods)");
        assertThat(client.pods().inNamespace("payments").withName("eager-agent").get()).isNull();
    }

    @Test
    @Order(5)
    void anEmergencyLockdownReachesTheFileOfARunningAgentPod() {
        requireAgentImage();
        createAgentPod("orders", "hotfix-agent", "senior-hotfix");
        assertThat(claude("orders", "hotfix-agent").permissionMode()).isEqualTo("acceptEdits");

        Instant activated = Instant.now();
        try {
            succeeded(node.kubectl(null, "patch", "permissionpolicy", "tier-2-lockdown", "--type", "merge", "-p",
                    "{\"spec\":{\"emergencyOverride\":{\"reason\":\"INC-1234 orders outage\",\"expiresAt\":\""
                            + Instant.now().plus(4, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS) + "\"}}}"));
            await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(200)).until(() -> client.configMaps().inNamespace("orders")
                    .withName("agent-session-senior-hotfix").get().getData().get("managed-settings.json").contains("\"defaultMode\": \"plan\""));
            long rendered = Duration.between(activated, Instant.now()).toMillis();
            await().atMost(MOUNT_REFRESH).pollInterval(Duration.ofMillis(500)).until(() -> node.kubectl(null, "exec", "-n", "orders",
                    "hotfix-agent", "--", "cat", SETTINGS_FILE).stdout().contains("\"defaultMode\": \"plan\""));
            LOG.infof("lockdown: map rendered %d ms, file in the running pod %d ms after the patch", rendered,
                    Duration.between(activated, Instant.now()).toMillis());
            assertThat(claude("orders", "hotfix-agent").permissionMode()).isEqualTo("plan");
        } finally {
            succeeded(node.kubectl(null, "apply", "--server-side", "--force-conflicts", "-f", "examples/emergency/tier-2-lockdown.yaml"));
        }
    }

    @Test
    @Order(6)
    void deletingTheLeaderPodHandsOverWithinSeconds() {
        String leader = leader();
        Instant deleted = Instant.now();
        succeeded(node.kubectl(null, "delete", "pod", "-n", NAMESPACE, leader, "--wait=false"));
        await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
            String holder = leader();
            return holder != null && !holder.isEmpty() && !holder.equals(leader);
        });
        long handedOver = Duration.between(deleted, Instant.now()).toMillis();

        String namespace = "after-failover-" + System.nanoTime();
        succeeded(node.kubectl("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + namespace
                + "\n  labels: {agentpolicy.io/tier: \"3\"}\n", "apply", "-f", "-"));
        await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> client.configMaps().inNamespace(namespace).withName("agent-managed-settings").get() != null);
        LOG.infof("failover: %s deleted -> new leader %s after %d ms, a new namespace rendered %d ms after the delete", leader,
                leader(), handedOver, Duration.between(deleted, Instant.now()).toMillis());
        awaitReadyOperators();
    }

    @Test
    @Order(7)
    void helmUpgradeWithChangedValuesRollsThePods() {
        Set<String> before = operatorPods().stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        long start = System.nanoTime();
        succeeded(node.helm("upgrade", RELEASE, Helm.CHART.toString(), "-n", NAMESPACE, "--reuse-values", "--set", "log.level=DEBUG"));
        await().atMost(CONVERGENCE).untilAsserted(() -> {
            List<Pod> pods = operatorPods();
            assertThat(pods).hasSize(2).allSatisfy(p -> {
                assertThat(before).doesNotContain(p.getMetadata().getName());
                assertThat(ready(p)).isTrue();
                assertThat(p.getSpec().getContainers().get(0).getEnv())
                        .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("QUARKUS_LOG_LEVEL=DEBUG"));
            });
        });
        LOG.infof("helm upgrade rolled both pods in %d ms", millisSince(start));
        await().atMost(CONVERGENCE).untilAsserted(() -> assertThat(operatorPods().stream().map(p -> p.getMetadata().getName()))
                .contains(leader()));
    }

    @Test
    @Order(8)
    void helmUninstallRemovesTheChartsObjectsAndLeavesWhatTheReadmeSays() {
        succeeded(node.helm("uninstall", RELEASE, "-n", NAMESPACE, "--wait"));
        await().atMost(CONVERGENCE).untilAsserted(() -> assertThat(operatorPods()).isEmpty());
        Kubectl.Result chartObjects = node.kubectl(null, "get",
                "deployment,replicaset,service,serviceaccount,role,rolebinding,clusterrole,clusterrolebinding,validatingadmissionpolicy,"
                        + "validatingadmissionpolicybinding",
                "-A", "-l", "app.kubernetes.io/instance=" + RELEASE, "-o", "name");
        succeeded(chartObjects);
        assertThat(chartObjects.stdout()).isBlank();
        // README, "Uninstall": the CRDs, policies, sessions, rendered maps and generated admission policies stay
        assertThat(client.configMaps().inNamespace("orders").withName("agent-managed-settings").get()).isNotNull();
        assertThat(node.kubectl(null, "get", "validatingadmissionpolicy,mutatingadmissionpolicy", "-l",
                "app.kubernetes.io/managed-by=agent-policy-operator", "-o", "name").stdout()).contains("agentpolicy.io-agent-pods");
    }

    @Test
    @Order(9)
    void helmUninstallLeavesNoLease() {
        // The Lease belongs to the release.
        await().atMost(Duration.ofSeconds(60)).until(() -> client.resources(Lease.class).inNamespace(NAMESPACE).withName(RELEASE).get() == null);
    }

    private record Run(String permissionMode, boolean askedToWrite, boolean writeFailed) {
    }

    /** Runs `claude -p` in the running pod (kubectl exec) against the stand-in model; what its stream showed. */
    private Run claude(String namespace, String pod) {
        Kubectl.Result result = node.kubectl(null, "exec", "-n", namespace, pod, "--", "claude", "-p", "Do the task.",
                "--output-format", "stream-json", "--verbose");
        assertThat(result.succeeded()).as(result.stderr()).isTrue();
        String mode = null;
        boolean asked = false;
        boolean failed = false;
        for (String line : result.stdout().split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode message = read(line);
            if ("init".equals(message.path("subtype").asText())) {
                mode = message.path("permissionMode").asText();
            }
            for (JsonNode block : message.path("message").path("content")) {
                asked |= "tool_use".equals(block.path("type").asText()) && "Write".equals(block.path("name").asText());
                failed |= "tool_result".equals(block.path("type").asText()) && block.path("is_error").asBoolean();
            }
        }
        return new Run(mode, asked, failed);
    }

    private static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + line, e);
        }
    }

    /** An agent pod that sleeps, so that Claude Code runs in it by kubectl exec; the root filesystem is read-only. */
    private String agentPod(String namespace, String name, String session, List<String> args) {
        String command = args == null ? "      command: [\"sleep\", \"3600\"]\n" : "      args: " + toJson(args) + "\n";
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: %s
                  labels: {%s}
                spec:
                  securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: {type: RuntimeDefault}}
                  containers:
                    - name: claude
                      image: %s
                %s      workingDir: /tmp
                      env:
                        - {name: ANTHROPIC_BASE_URL, value: "%s"}
                        - {name: ANTHROPIC_API_KEY, value: dummy}
                      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
                      volumeMounts:
                        - {name: home, mountPath: /home/agent}
                        - {name: tmp, mountPath: /tmp}
                  volumes:
                    - {name: home, emptyDir: {}}
                    - {name: tmp, emptyDir: {}}
                """.formatted(name, namespace, session == null ? "" : "agentpolicy.io/session: " + session, agentImage, command,
                model.baseUrl());
    }

    private Pod createAgentPod(String namespace, String name, String session) {
        succeeded(node.kubectl(agentPod(namespace, name, session, null), "apply", "-f", "-"));
        await().atMost(CONVERGENCE).until(() -> ready(client.pods().inNamespace(namespace).withName(name).get()));
        return client.pods().inNamespace(namespace).withName(name).get();
    }

    private static String toJson(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void requireAgentImage() {
        if (agentImageProblem != null) {
            String message = "\n********************************************************************************\n"
                    + "SKIPPED: agent pods with the real Claude Code: " + agentImageProblem
                    + "\n********************************************************************************";
            System.err.println(message);
            Assumptions.abort(message);
        }
    }

    private List<Pod> awaitReadyOperators() {
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(operatorPods()).hasSize(2).allMatch(NodeIT::ready));
        return operatorPods();
    }

    private List<Pod> operatorPods() {
        return client.pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/instance", RELEASE).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static boolean ready(Pod pod) {
        return pod != null && pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private String leader() {
        Lease lease = client.resources(Lease.class).inNamespace(NAMESPACE).withName(RELEASE).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private String outcome(String namespace, String session) {
        Kubectl.Result status = node.kubectl(null, "get", "agentsession", "-n", namespace, session, "-o",
                "jsonpath={.status.phase}:{.status.effectiveMode}");
        return status.stdout();
    }

    /** Builds an image with hack/images.sh, loads it into the node and returns its reference. */
    private String buildAndImport(String image) {
        long start = System.nanoTime();
        Process process;
        String out;
        int exit;
        try {
            process = new ProcessBuilder("hack/images.sh", image).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            exit = process.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run hack/images.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (exit == 3) {
            throw new NpmUnreachable("npm cannot install the pinned Claude Code (hack/claude-code.sh exit 3)");
        }
        if (exit != 0) {
            throw new IllegalStateException("hack/images.sh " + image + " failed with exit " + exit);
        }
        Map<String, String> printed = out.lines().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
        long built = millisSince(start);
        node.importImage(Path.of(printed.get("ARCHIVE")));
        LOG.infof("image %s: built in %d ms, %d MiB, imported in %d ms", printed.get("NAME"), built,
                Path.of(printed.get("ARCHIVE")).toFile().length() >> 20, millisSince(start) - built);
        return printed.get("NAME");
    }

    private static void succeeded(Kubectl.Result result) {
        assertThat(result.succeeded()).as(result.stdout() + result.stderr()).isTrue();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static final class NpmUnreachable extends RuntimeException {
        NpmUnreachable(String message) {
            super(message);
        }
    }
}
