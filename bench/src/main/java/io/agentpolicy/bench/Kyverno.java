package io.agentpolicy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The incumbent on the same scenario (BENCHMARKS.md): Kyverno's admission controller and background controller, built
 * from their Go module by hack/kyverno.sh, run out of cluster against the benchmark's control plane after the operator
 * has stopped. One ClusterPolicy with a generate rule per tier gives every namespace a map holding, byte for byte, what
 * the CLI renders for its tier (synchronize and generateExisting on). Measured like the operator: start to ready,
 * convergence on a watch, drift restore by the same edits, and the CPU and peak RSS of its two processes.
 */
final class Kyverno implements AutoCloseable {
    static final String NAMESPACE = "kyverno";
    static final String POLICY = "kyverno-managed-settings";
    /** Not the operator's map name: the operator's maps stay in the namespaces after it has stopped. */
    static final String MAP = "kyverno-managed-settings";
    private static final String ADMISSION = "kyverno-admission-controller";
    private static final String BACKGROUND = "kyverno-background-controller";
    private static final String SERVICE = "kyverno-svc";
    private static final String GENERATED_BY_POLICY = "generate.kyverno.io/policy-name";
    /** Registered by the admission controller's leader once its certificates exist and its webhook server runs. */
    private static final List<String> WEBHOOKS = List.of("kyverno-policy-validating-webhook-cfg", "kyverno-resource-validating-webhook-cfg");
    /** The Helm chart's defaults (charts/kyverno/values.yaml, `features`) that both controllers take as flags. */
    private static final List<String> CHART_FLAGS = List.of("--loggingFormat=text", "--v=2", "--omitEvents=PolicyApplied,PolicySkipped");
    /**
     * The chart's default configuration (`config` in its values): its resource filters but those for Kyverno's own
     * objects (the webhooks' namespace selector leaves the kyverno namespace out, as the chart's does).
     */
    private static final Map<String, String> CONFIGURATION = Map.of(
            "enableDefaultRegistryMutation", "true",
            "defaultRegistry", "docker.io",
            "generateSuccessEvents", "false",
            "excludeGroups", "system:nodes",
            "resourceFilters", "[Event,*,*][*/*,kube-system,*][*/*,kube-public,*][*/*,kube-node-lease,*][Node,*,*][Node/?*,*,*]"
                    + "[APIService,*,*][APIService/?*,*,*][TokenReview,*,*][SubjectAccessReview,*,*][SelfSubjectAccessReview,*,*]"
                    + "[Binding,*,*][Pod/binding,*,*][ReplicaSet,*,*][ReplicaSet/?*,*,*][EphemeralReport,*,*][ClusterEphemeralReport,*,*]",
            "webhooks", "{\"namespaceSelector\": {\"matchExpressions\": [{\"key\":\"kubernetes.io/metadata.name\",\"operator\":\"NotIn\","
                    + "\"values\":[\"" + NAMESPACE + "\"]}]}}");
    private static final double MIB = 1024 * 1024;

    private final Cluster cluster;
    private final KubernetesClient client;
    private final Path directory;
    private final Path work;
    private final Scenario scenario;
    private final Map<String, String> expected;
    private final Consumer<String> log;
    private final Map<String, Process> processes = new LinkedHashMap<>();

    /** @param directory where hack/kyverno.sh built it: {kyverno,background-controller,crds/}, named after the version */
    Kyverno(Cluster cluster, Path directory, Path work, Scenario scenario, Map<String, String> expected, Consumer<String> log) {
        this.cluster = cluster;
        this.client = cluster.client;
        this.directory = directory;
        this.work = work;
        this.scenario = scenario;
        this.expected = expected;
        this.log = log;
    }

    String version() {
        return directory.getFileName().toString();
    }

    /**
     * Sets Kyverno up, starts it, and measures it; whatever does not work is reported as the figures' problem instead
     * of failing the run. cpu meters the control plane and this benchmark; Kyverno's processes are added to it.
     */
    Results.Kyverno measure(CpuMeter cpu, Duration readyLimit, Duration convergenceLimit, int edits) throws InterruptedException {
        Measured measured = new Measured();
        try {
            measure(cpu, readyLimit, convergenceLimit, edits, measured);
        } catch (IOException | RuntimeException e) {
            measured.problem = e.getMessage();
            log.accept("Kyverno: " + e.getMessage());
        }
        for (Map.Entry<String, Process> process : processes.entrySet()) {
            try {
                measured.cpuSeconds.put(process.getKey(), ScaleRun.round(process.getValue().info().totalCpuDuration()
                        .map(d -> d.toNanos() / 1e9).orElse(Double.NaN)));
                measured.peakRssMiB.put(process.getKey(), ScaleRun.round(Machine.peakRssBytes(process.getValue().pid()) / MIB));
            } catch (IOException e) {
                measured.problem = Objects.requireNonNullElse(measured.problem, process.getKey() + " had ended before its memory was read");
            }
        }
        return new Results.Kyverno(version(), measured.problem, measured.readySeconds, scenario.size, measured.mapsCorrect,
                measured.convergenceSeconds, convergenceLimit.toSeconds(), measured.requests, measured.drift,
                measured.convergenceCpuSeconds, measured.cpuSeconds, measured.peakRssMiB);
    }

    /** What was measured so far, kept when a later step fails. */
    private static final class Measured {
        String problem;
        Double readySeconds;
        int mapsCorrect;
        Double convergenceSeconds;
        Results.Window requests;
        DriftRestore.Result drift;
        Map<String, Double> convergenceCpuSeconds = Map.of();
        final Map<String, Double> cpuSeconds = new LinkedHashMap<>();
        final Map<String, Double> peakRssMiB = new LinkedHashMap<>();
    }

    private void measure(CpuMeter cpu, Duration readyLimit, Duration convergenceLimit, int edits, Measured measured)
            throws IOException, InterruptedException {
        log.accept("Kyverno " + version() + ": CRDs, namespace, configuration, service accounts");
        setUp();
        log.accept("Kyverno: starting its admission controller and background controller");
        long startedAt = System.nanoTime();
        start();
        processes.forEach((name, process) -> cpu.with(name, process.pid()));
        awaitReady(startedAt + readyLimit.toNanos());
        measured.readySeconds = ScaleRun.round((System.nanoTime() - startedAt) / 1e9);
        log.accept(String.format("Kyverno: ready %.2f s after start", measured.readySeconds));

        try (ClusterWatch watch = new ClusterWatch(client, GENERATED_BY_POLICY, POLICY);
                Convergence convergence = Convergence.ofBaselines(watch, scenario, expected, MAP)) {
            ScaleRun.Snapshot before = new ScaleRun.Snapshot(cluster);
            Map<String, Double> cpuBefore = cpu.snapshot();
            long createdAt = System.nanoTime();
            client.resource(policy()).create();
            OptionalLong convergedAt = convergence.within(convergenceLimit);
            measured.convergenceCpuSeconds = CpuMeter.between(cpuBefore, cpu.snapshot());
            measured.requests = ScaleRun.window(before, new ScaleRun.Snapshot(cluster));
            measured.mapsCorrect = convergence.correctBaselines();
            if (convergedAt.isEmpty()) {
                measured.problem = "not converged within " + convergenceLimit.toMinutes() + " min: " + convergence.progress()
                        + "; no drift measured";
                log.accept("Kyverno: " + measured.problem);
                return;
            }
            measured.convergenceSeconds = ScaleRun.round((convergedAt.getAsLong() - createdAt) / 1e9);
            log.accept(String.format("Kyverno: %d maps generated %.2f s after the ClusterPolicy was created", scenario.size,
                    measured.convergenceSeconds));

            // An edit reaches Kyverno through its resource webhook, which covers ConfigMaps once the policy is Ready.
            awaitPolicyReady(Duration.ofMinutes(2));
            log.accept("Kyverno drift: " + edits + " edits of tier-1 maps, one at a time");
            measured.drift = DriftRestore.measure(client, watch, scenario.namespacesOfTier("1"), MAP, expected.get("1"), edits,
                    Duration.ofMillis(300), Duration.ofSeconds(30));
            log.accept(String.format("Kyverno drift: %d of %d restored, p50 %.0f ms, p95 %.0f ms", measured.drift.restored(),
                    measured.drift.edits(), measured.drift.millis().p50(), measured.drift.millis().p95()));
        }
    }

    /**
     * What a Helm install would have made, less the Deployments: the CRDs of the same module, the namespace, the
     * configuration ConfigMaps, and a ServiceAccount per controller (bound to cluster-admin, as the operator's is here)
     * with a kubeconfig holding a token of it: they sign in as pods do.
     */
    private void setUp() throws IOException {
        List<String> crds = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory.resolve("crds"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    client.load(in).forceConflicts().serverSideApply().forEach(crd -> crds.add(crd.getMetadata().getName()));
                }
            }
        }
        for (String crd : crds) {
            client.apiextensions().v1().customResourceDefinitions().withName(crd).waitUntilCondition(Kyverno::established, 60, TimeUnit.SECONDS);
        }
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).serverSideApply();
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("kyverno").withNamespace(NAMESPACE).endMetadata()
                .withData(CONFIGURATION).build()).serverSideApply();
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("kyverno-metrics").withNamespace(NAMESPACE)
                .endMetadata().build()).serverSideApply();
        for (String account : List.of(ADMISSION, BACKGROUND)) {
            client.serviceAccounts().resource(new ServiceAccountBuilder().withNewMetadata().withName(account).withNamespace(NAMESPACE)
                    .endMetadata().build()).serverSideApply();
            client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(account + "-benchmark")
                    .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                    .addNewSubject().withKind("ServiceAccount").withName(account).withNamespace(NAMESPACE).endSubject().build())
                    .serverSideApply();
            String token = client.serviceAccounts().inNamespace(NAMESPACE).withName(account).tokenRequest(new TokenRequestBuilder()
                    .withNewSpec().withExpirationSeconds(4 * 3600L).endSpec().build()).getStatus().getToken();
            Files.writeString(kubeconfig(account), kubeconfig(client.getConfiguration(), account, token));
        }
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private Path kubeconfig(String account) {
        return work.resolve("kyverno-" + scenario.size + "-" + account + ".kubeconfig");
    }

    private static String kubeconfig(Config admin, String account, String token) {
        return String.join("\n", "apiVersion: v1", "kind: Config",
                "clusters:", "- name: benchmark", "  cluster:", "    server: " + admin.getMasterUrl(),
                "    certificate-authority: " + admin.getCaCertFile(),
                "users:", "- name: " + account, "  user:", "    token: " + token,
                "contexts:", "- name: benchmark", "  context: {cluster: benchmark, user: " + account + "}",
                "current-context: benchmark", "");
    }

    /**
     * Both controllers as their chart runs them, out of cluster: the admission controller serves its webhooks on a
     * loopback port and registers them by URL (--serverIP, Kyverno's switch for running outside the cluster), with a
     * certificate for that address from its own CA (its certificate manager writes both Secrets into the namespace,
     * as in a cluster); metrics on free loopback ports.
     */
    private void start() throws IOException {
        int webhookPort = OperatorProcess.freePort();
        processes.put("kyverno admission controller", start("kyverno", ADMISSION, "admission-controller", 384, List.of(
                "--serverIP=127.0.0.1:" + webhookPort, "--webhookServerHost=127.0.0.1", "--webhookServerPort=" + webhookPort,
                "--caSecretName=" + SERVICE + "." + NAMESPACE + ".svc.kyverno-tls-ca",
                "--tlsSecretName=" + SERVICE + "." + NAMESPACE + ".svc.kyverno-tls-pair",
                "--backgroundServiceAccountName=system:serviceaccount:" + NAMESPACE + ":" + BACKGROUND)));
        processes.put("kyverno background controller", start("background-controller", BACKGROUND, "background-controller", 128, List.of()));
    }

    /**
     * @param chartMemoryLimitMiB the container's memory limit in the chart; in it, Kyverno sets the Go runtime's soft
     *        memory limit to 90 % of it (automemlimit, --autoMemLimitRatio), as it does here through GOMEMLIMIT, which
     *        it leaves alone when set (the operator likewise gets -XX:MaxRAM at its chart's limit)
     */
    private Process start(String command, String account, String role, int chartMemoryLimitMiB, List<String> flags) throws IOException {
        List<String> line = new ArrayList<>(List.of(directory.resolve(command).toString(), "--kubeconfig=" + kubeconfig(account),
                "--metricsHost=127.0.0.1", "--metricsPort=" + OperatorProcess.freePort(), "--controllerRuntimeMetricsAddress=127.0.0.1:"
                        + OperatorProcess.freePort()));
        line.addAll(CHART_FLAGS);
        line.addAll(flags);
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(work.resolve("kyverno-" + scenario.size + "-" + command + ".log").toFile());
        // What the chart's Deployments set (the pod name is the leader-election identity).
        builder.environment().putAll(Map.of("KYVERNO_NAMESPACE", NAMESPACE, "KYVERNO_POD_NAME", account + "-benchmark",
                "KYVERNO_SERVICEACCOUNT_NAME", account, "KYVERNO_DEPLOYMENT", account, "KYVERNO_ROLE_NAME", "kyverno:" + role,
                "KYVERNO_SVC", SERVICE, "INIT_CONFIG", "kyverno", "METRICS_CONFIG", "kyverno-metrics",
                "GOMEMLIMIT", chartMemoryLimitMiB * 9 / 10 + "MiB"));
        Process process = builder.start();
        // hack/benchmark.sh kills it from here should this JVM die without closing it.
        Files.writeString(work.resolve(command + ".pid"), String.valueOf(process.pid()));
        return process;
    }

    /**
     * Ready: the admission controller's leader has registered its webhooks (a ClusterPolicy is then validated and
     * admitted) and the background controller holds its leader lease (it then generates); polled every 50 ms.
     */
    private void awaitReady(long deadline) throws InterruptedException {
        while (true) {
            checkAlive();
            boolean webhooks = WEBHOOKS.stream()
                    .allMatch(name -> client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).get() != null);
            Lease lease = client.leases().inNamespace(NAMESPACE).withName(BACKGROUND).get();
            if (webhooks && lease != null && (BACKGROUND + "-benchmark").equals(lease.getSpec().getHolderIdentity())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kyverno not ready in time: webhooks registered " + webhooks + ", background lease "
                        + (lease == null ? "missing" : "held by " + lease.getSpec().getHolderIdentity()) + "; logs in " + work);
            }
            Thread.sleep(50);
        }
    }

    private void awaitPolicyReady(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!policyReady()) {
            checkAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ClusterPolicy " + POLICY + " not Ready within " + limit);
            }
            Thread.sleep(100);
        }
    }

    @SuppressWarnings("unchecked")
    private boolean policyReady() {
        GenericKubernetesResource policy = client.genericKubernetesResources("kyverno.io/v1", "ClusterPolicy").withName(POLICY).get();
        Object conditions = Convergence.status(policy).get("conditions");
        return conditions instanceof List<?> list && list.stream().map(c -> (Map<String, Object>) c)
                .anyMatch(c -> "Ready".equals(c.get("type")) && "True".equals(c.get("status")));
    }

    private void checkAlive() {
        processes.forEach((name, process) -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; its log is in " + work);
            }
        });
    }

    /** One generate rule per tier: namespaces labelled with the tier get the map with the CLI's rendering of the tier. */
    private GenericKubernetesResource policy() {
        List<Map<String, Object>> rules = new ArrayList<>();
        expected.forEach((tier, settings) -> rules.add(Map.of(
                "name", "tier-" + tier,
                "match", Map.of("any", List.of(Map.of("resources", Map.of("kinds", List.of("Namespace"),
                        "selector", Map.of("matchLabels", Map.of(Scenario.TIER_LABEL, tier)))))),
                "generate", Map.of(
                        "generateExisting", true,
                        "synchronize", true,
                        "apiVersion", "v1",
                        "kind", "ConfigMap",
                        "name", MAP,
                        "namespace", "{{request.object.metadata.name}}",
                        "data", Map.of("data", Map.of(Scenario.SETTINGS_KEY, settings))))));
        return new GenericKubernetesResourceBuilder().withApiVersion("kyverno.io/v1").withKind("ClusterPolicy")
                .withNewMetadata().withName(POLICY).endMetadata()
                .addToAdditionalProperties("spec", Map.of("rules", rules)).build();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        for (Process process : processes.values()) {
            process.destroy();
        }
        for (Process process : processes.values()) {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        for (String command : List.of("kyverno", "background-controller")) {
            Files.deleteIfExists(work.resolve(command + ".pid"));
        }
    }
}
