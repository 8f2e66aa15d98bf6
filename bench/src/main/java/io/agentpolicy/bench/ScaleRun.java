package io.agentpolicy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * One benchmark size against a fresh control plane that hack/benchmark.sh has started with the CRDs and the example
 * policies: set up the namespaces, sessions and pods; measure the two ceilings; start the operator and measure its cold
 * convergence, then two idle minutes, a fan-out and drift restores, and its live heap with and without the sessions;
 * stop it. Then Kyverno on the same control plane.
 */
final class ScaleRun {
    /** The operator's reconcile threads: JOSDK's default (ConfigurationService.DEFAULT_RECONCILIATION_THREADS_NUMBER). */
    static final int OPERATOR_RECONCILE_THREADS = 50;
    /** Resources the operator writes; writes on any other resource while idle are the API server's own. */
    static final Set<String> OPERATOR_RESOURCES = Set.of("configmaps", "events", "agentsessions", "agentsessions/status",
            "permissionpolicies", "permissionpolicies/status", "validatingadmissionpolicies", "validatingadmissionpolicybindings");
    private static final double MIB = 1024 * 1024;

    private final Options options;
    private final int size;
    private final Path work;

    ScaleRun(Options options) {
        this.options = options;
        this.size = options.number("size", 100);
        this.work = options.path("work");
    }

    Results.Size run() throws Exception {
        Instant startedAt = Instant.now();
        double loadBefore = Machine.loadAverage();
        Scenario scenario = new Scenario(size);
        Path cliJar = options.path("cli-jar");
        Map<String, String> expected = ExpectedSettings.render(cliJar, options.path("policies"));
        try (Machine.LoadWatch load = new Machine.LoadWatch(); Cluster cluster = new Cluster()) {
            KubernetesClient client = cluster.client;
            CpuMeter cpu = controlPlaneCpu();

            log("creating " + size + " namespaces (tiers 1-4), AgentSessions and Pods");
            long setupStart = System.nanoTime();
            scenario.create(client, options.number("setup-concurrency", 16));
            double setupSeconds = round((System.nanoTime() - setupStart) / 1e9);

            Map<String, Map<String, Object>> decisions = ExpectedSettings.decisions(cliJar, options.path("policies"), scenario,
                    work.resolve("size-" + size));
            Ceiling.Result ceiling;
            Ceiling.Result sameWritesCeiling;
            Map<String, Double> ceilingCpu;
            Map<String, Double> sameWritesCeilingCpu;
            try (KubernetesClient asOperator = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(options.path("operator-kubeconfig")))).build()) {
                WriteSet writes = new WriteSet(asOperator, scenario, expected, decisions);
                log("ceiling: " + 2 * size + " maps by server-side apply, " + OPERATOR_RECONCILE_THREADS + " in flight, no operator");
                Map<String, Double> cpuBefore = cpu.snapshot();
                ceiling = Ceiling.measure(writes.maps("bench-warm-up"), writes.maps("bench-ceiling"), OPERATOR_RECONCILE_THREADS);
                ceilingCpu = CpuMeter.between(cpuBefore, cpu.snapshot());
                log(String.format("ceiling: %.2f s (%.0f writes/s)", ceiling.seconds(), ceiling.writesPerSecond()));

                log("same-writes ceiling: the operator's whole write set, " + OPERATOR_RECONCILE_THREADS + " in flight, no operator");
                cpuBefore = cpu.snapshot();
                sameWritesCeiling = Ceiling.measure(writes.events("benchmark warm-up"), writes.whole("bench-same-writes"),
                        OPERATOR_RECONCILE_THREADS);
                sameWritesCeilingCpu = CpuMeter.between(cpuBefore, cpu.snapshot());
                log(String.format("same-writes ceiling: %d writes %s in %.2f s (%.0f writes/s)", sameWritesCeiling.writes(),
                        sameWritesCeiling.writesByResource(), sameWritesCeiling.seconds(), sameWritesCeiling.writesPerSecond()));
                writes.removeStatuses();
            }

            Results.Size measured;
            try (ClusterWatch watch = new ClusterWatch(client); Convergence convergence = new Convergence(watch, scenario, expected)) {
                Snapshot beforeStart = new Snapshot(cluster);
                List<String> javaOptions = options.all("operator-java-opt");
                log("starting the operator" + (javaOptions.isEmpty() ? "" : " with " + javaOptions));
                try (OperatorProcess operator = OperatorProcess.start(operatorJava(), options.path("operator-app"),
                        options.path("operator-kubeconfig"), work.resolve("operator-" + size + ".log"), javaOptions,
                        work.resolve("operator.pid"))) {
                    cpu.with("operator", operator.process.pid());
                    Map<String, Double> cpuAtStart = cpu.snapshot();
                    long convergedAt = convergence.await(Duration.ofMinutes(options.number("timeout-minutes", 30)));
                    Snapshot atConvergence = new Snapshot(cluster);
                    Map<String, Double> convergenceCpu = CpuMeter.between(cpuAtStart, cpu.snapshot());
                    Map<String, Double> operatorCpuByThread = operator.cpuByThread();
                    double fromStart = operator.secondsSinceStart(convergedAt);
                    double firstMap = operator.secondsSinceStart(convergence.firstMapAt());
                    double firstReconcile = Math.min(firstMap, operator.firstDecisionSeconds().orElse(firstMap));
                    log(String.format("converged %.2f s after the operator started (first reconcile at %.2f s)", fromStart, firstReconcile));
                    boolean verified = verifiedByFreshList(client, scenario, expected);

                    long quietAt = operator.awaitQuiet(Duration.ofSeconds(5), Duration.ofMinutes(10));
                    Snapshot quiet = new Snapshot(cluster);
                    Map<String, Long> reconciles = operator.reconcilesByController();
                    int idleSeconds = options.number("idle-seconds", 120);
                    log(String.format("settled %.1f s after start; idle for %d s", operator.secondsSinceStart(quietAt), idleSeconds));
                    Thread.sleep(idleSeconds * 1000L);
                    Snapshot afterIdle = new Snapshot(cluster);

                    log("fan-out: one change of " + FanOut.POLICY);
                    FanOut.Result fanOut = FanOut.measure(client, watch, scenario, cliJar, work.resolve("size-" + size),
                            Duration.ofMinutes(5));
                    log(String.format("fan-out: %d maps, p95 %.2f s", fanOut.maps(), fanOut.seconds().p95()));

                    int edits = options.number("drift-edits", 100);
                    log("drift: " + edits + " edits of tier-1 maps, one at a time");
                    DriftRestore.Result drift = DriftRestore.measure(client, watch, scenario.namespacesOfTier("1"), Scenario.BASELINE_MAP,
                            expected.get("1"), edits, Duration.ofMillis(300), Duration.ofSeconds(30));
                    log(String.format("drift: p50 %.0f ms, p95 %.0f ms", drift.millis().p50(), drift.millis().p95()));

                    double ready = operator.readySeconds()
                            .orElseThrow(() -> new IllegalStateException("the operator never answered /q/health/ready"));
                    Results.Convergence convergenceResult = new Results.Convergence(round(fromStart), round(ready), round(firstReconcile),
                            round(firstMap), round(fromStart - firstReconcile), round(operator.secondsSinceStart(quietAt)),
                            round(fromStart / ceiling.seconds()), round((fromStart - firstReconcile) / ceiling.seconds()),
                            round(fromStart / sameWritesCeiling.seconds()), round((fromStart - firstReconcile) / sameWritesCeiling.seconds()),
                            verified, convergenceCpu, ceilingCpu, sameWritesCeilingCpu, operatorCpuByThread, reconciles);
                    measured = new Results.Size(size, startedAt.toString(), environment(cluster, loadBefore, load.max()), setupSeconds,
                            ceiling, sameWritesCeiling, convergenceResult, requests(beforeStart, atConvergence, quiet, afterIdle),
                            fanOut, drift, memory(operator, javaOptions, client, watch, scenario), null);
                }
            }
            // The operator has stopped (its maps stay): Kyverno has the machine and the same control plane to itself.
            return measured.withKyverno(kyverno(cluster, scenario, expected));
        }
    }

    private Results.Kyverno kyverno(Cluster cluster, Scenario scenario, Map<String, String> expected)
            throws IOException, InterruptedException {
        if (!options.has("kyverno-dir")) {
            return Results.Kyverno.notRun("skipped: --without-kyverno");
        }
        try (Kyverno kyverno = new Kyverno(cluster, options.path("kyverno-dir"), work, scenario, expected, this::log)) {
            // 15 minutes at N = 1,000: the operator needs seconds; what Kyverno needs beyond that is reported as not converged.
            Duration limit = Duration.ofSeconds(Math.max(300, size * 9L / 10));
            return kyverno.measure(controlPlaneCpu(), Duration.ofMinutes(5), limit, options.number("drift-edits", 100));
        }
    }

    /** The java executable that runs the operator: hack/benchmark.sh --java, else this benchmark's own. */
    private Path operatorJava() {
        return Path.of(options.text("operator-java", ExpectedSettings.javaExecutable()));
    }

    /** CPU time of the control plane started by hack/benchmark.sh (its pid files) and of this benchmark. */
    private CpuMeter controlPlaneCpu() throws IOException {
        Path clusterDir = options.path("cluster-dir");
        return new CpuMeter()
                .with("kube-apiserver", Long.parseLong(Files.readString(clusterDir.resolve("kube-apiserver.pid")).trim()))
                .with("etcd", Long.parseLong(Files.readString(clusterDir.resolve("etcd.pid")).trim()))
                .with("benchmark", ProcessHandle.current().pid());
    }

    /** The requests during convergence, from start until settled, and while idle; writes per map; idle writes. */
    private Results.Requests requests(Snapshot beforeStart, Snapshot atConvergence, Snapshot quiet, Snapshot afterIdle) {
        Results.Window convergence = window(beforeStart, atConvergence);
        Results.Window idle = window(quiet, afterIdle);
        long idleOperatorWrites = idle.writesByResource().entrySet().stream()
                .filter(e -> OPERATOR_RESOURCES.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        long idleWrites = idle.writesByResource().values().stream().mapToLong(Long::longValue).sum();
        return new Results.Requests(convergence, window(beforeStart, quiet), idle,
                round(convergence.writesByResource().getOrDefault("configmaps", 0L) / (2.0 * size)), idleOperatorWrites,
                idleWrites - idleOperatorWrites);
    }

    /**
     * Peak RSS and heap, then the live heap after a full GC (L1); every session, its pod and its map deleted, the live
     * heap again (L2): per session (L1 - L2) / N; per namespace (L2 - L0) / N, L0 being the live heap of the same
     * operator on a cluster holding only the policies (hack/benchmark.sh measures it first, --empty-cluster-live-heap-kib).
     */
    private Results.Memory memory(OperatorProcess operator, List<String> javaOptions, KubernetesClient client, ClusterWatch watch,
            Scenario scenario) throws IOException, InterruptedException {
        long peakRss = operator.peakRssBytes(); // before the full GC of the live-heap measurement
        long liveHeap = operator.liveHeapBytes(work.resolve("operator-" + size + "-heap-histogram.txt"));
        log("live heap " + Math.round(liveHeap / MIB) + " MiB; deleting every session, then its pod and map");
        SessionRemoval.run(client, watch, scenario, operator, options.number("setup-concurrency", 16), Duration.ofMinutes(10));
        long withoutSessions = operator.liveHeapBytes(work.resolve("operator-" + size + "-heap-histogram-without-sessions.txt"));
        Double empty = options.has("empty-cluster-live-heap-kib") ? options.number("empty-cluster-live-heap-kib", 0) * 1024.0 : null;
        Results.Memory memory = new Results.Memory(round(peakRss / MIB), round(operator.heap.peakUsedBytes() / MIB),
                round(operator.heap.committedAtPeakBytes() / MIB), round(liveHeap / MIB), round(withoutSessions / MIB),
                empty == null ? null : round(empty / MIB), round((liveHeap - withoutSessions) / 1024.0 / size),
                empty == null ? null : round((withoutSessions - empty) / 1024.0 / size), String.join(" ", javaOptions));
        log(String.format("live heap without sessions %.0f MiB: %.1f KiB per session, %s KiB per namespace", withoutSessions / MIB,
                memory.liveHeapPerSessionKiB(), memory.liveHeapPerNamespaceKiB() == null ? "?" : String.format("%.1f", memory.liveHeapPerNamespaceKiB())));
        return memory;
    }

    private Results.Environment environment(Cluster cluster, double loadBefore, double loadMax) throws IOException, InterruptedException {
        return new Results.Environment(Machine.cpuModel(), Runtime.getRuntime().availableProcessors(), round(Machine.memoryGiB()),
                Machine.java(operatorJava()), cluster.kubernetesVersion(), Machine.etcdVersion(options.text("etcd-url")),
                options.text("commit", "unknown"), loadBefore, loadMax);
    }

    /** The API server's request counters and the benchmark's own, at one instant. */
    record Snapshot(long at, RequestCounts apiServer, RequestCounts own) {
        Snapshot(Cluster cluster) {
            this(System.nanoTime(), cluster.apiServerRequests(), cluster.ownRequests());
        }
    }

    /** The requests between two snapshots, without the benchmark's own (the metrics scrape itself is not counted). */
    static Results.Window window(Snapshot from, Snapshot to) {
        RequestCounts own = to.own().minus(from.own());
        RequestCounts operator = to.apiServer().minus(from.apiServer()).minus(own);
        return new Results.Window(round((to.at() - from.at()) / 1e9), operator.total(), operator.byVerb(), operator.writesByResource(),
                own.total());
    }

    /** The convergence seen on the watch, checked again on a fresh LIST of every map and session. */
    private static boolean verifiedByFreshList(KubernetesClient client, Scenario scenario, Map<String, String> expected) {
        try (ClusterWatch fresh = new ClusterWatch(client); Convergence check = new Convergence(fresh, scenario, expected)) {
            return scenario.namespaces.stream().allMatch(ns -> check.baselineCorrect(ns) && check.sessionCorrect(ns));
        }
    }

    private void log(String message) {
        System.err.printf("[bench N=%d %s] %s%n", size, java.time.LocalTime.now().withNano(0), message);
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
