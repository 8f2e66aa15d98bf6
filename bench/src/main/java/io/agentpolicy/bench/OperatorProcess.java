package io.agentpolicy.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The operator as production runs it: its own JVM, java -jar target/quarkus-app/quarkus-run.jar, pointed at the
 * benchmark's control plane by KUBECONFIG, leader election off, on a free HTTP port. Its heap is sampled from the
 * JVM's performance counters from the first millisecond (the HTTP metrics only come up once Quarkus has started,
 * after the first reconciles).
 */
final class OperatorProcess implements AutoCloseable {
    private static final Pattern AUDIT_TIMESTAMP = Pattern.compile("\\[age\\.audit].*?\"timestamp\":\"([^\"]+)\"");
    /** USER_HZ, the unit of /proc/PID/task/TID/stat times, is 100 on every Linux architecture the JDK runs on. */
    private static final double CLOCK_TICKS_PER_SECOND = 100;
    private static final Pattern CONTROLLER = Pattern.compile("controller=\"([^\"]+)\"");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);

    /** The image's MALLOC_ARENA_MAX: at 3,000 namespaces the operator's native memory outside NMT's accounts fell by 8 MiB. */
    static final String MALLOC_ARENA_MAX = "2";

    final Process process;
    private final Instant startedAt;
    private final long startedNanos;
    final HeapSampler heap;
    private final Path javaExecutable;
    private final Thread readiness;
    private volatile long readyNanos;
    private final Path log;
    private final Path pidFile;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private OperatorProcess(Path java, Process process, Instant startedAt, long startedNanos, Path log, Path pidFile, int port) {
        this.javaExecutable = java;
        this.process = process;
        this.pidFile = pidFile;
        this.startedAt = startedAt;
        this.startedNanos = startedNanos;
        this.log = log;
        this.port = port;
        this.heap = new HeapSampler(process.pid());
        this.readiness = new Thread(this::awaitReady, "readiness");
        readiness.setDaemon(true);
        readiness.start();
    }

    /** Polls /q/health/ready every 20 ms until it answers 200 (it is down until every informer has synced). */
    private void awaitReady() {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build();
        while (process.isAlive()) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    readyNanos = System.nanoTime();
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Seconds from process start until /q/health/ready first answered 200; empty while it has not. */
    Optional<Double> readySeconds() {
        long at = readyNanos;
        return at == 0 ? Optional.empty() : Optional.of(secondsSinceStart(at));
    }

    /** @param java the java executable of the runtime that runs the operator */
    static OperatorProcess start(Path java, Path appDirectory, Path kubeconfig, Path log, List<String> javaOptions, Path pidFile)
            throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", appDirectory.resolve("quarkus-run.jar").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().put("AGENTPOLICY_LEADER_ELECTION_ENABLED", "false");
        // As the image sets it: two glibc malloc arenas instead of up to eight per core, for the JVM's native memory.
        builder.environment().put("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
        Instant startedAt = Instant.now();
        long startedNanos = System.nanoTime();
        Process process = builder.start();
        // hack/benchmark.sh kills it from here should this JVM die without closing it.
        Files.writeString(pidFile, String.valueOf(process.pid()));
        return new OperatorProcess(java, process, startedAt, startedNanos, log, pidFile, port);
    }

    /** Waits until /q/health/ready has answered 200. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (readyNanos == 0) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the operator did not get ready within " + timeout + "; see " + log);
            }
            Thread.sleep(50);
        }
    }

    /** Seconds from process start to a System.nanoTime instant. */
    double secondsSinceStart(long nanos) {
        return (nanos - startedNanos) / 1e9;
    }

    /** Seconds from process start to the first session decision, by the timestamp of the first audit line. */
    Optional<Double> firstDecisionSeconds() throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.map(AUDIT_TIMESTAMP::matcher).filter(Matcher::find).findFirst()
                    .map(m -> Duration.between(startedAt, Instant.parse(m.group(1))).toNanos() / 1e9);
        }
    }

    /** Peak resident set size so far (VmHWM), in bytes. */
    long peakRssBytes() throws IOException {
        return Machine.peakRssBytes(process.pid());
    }

    /**
     * The heap still in use after a full collection: what the operator really keeps, unlike the peak, which depends
     * on how lazily the collector runs. jcmd GC.class_histogram collects first; its histogram is written to a file.
     */
    long liveHeapBytes(Path histogram) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(javaExecutable.resolveSibling("jcmd").toString(),
                String.valueOf(process.pid()), "GC.class_histogram").redirectErrorStream(true).redirectOutput(histogram.toFile()).start();
        if (jcmd.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + process.pid() + " GC.class_histogram failed; see " + histogram);
        }
        Thread.sleep(500); // a few heap samples after the collection
        return heap.usedBytes();
    }

    /**
     * The operator's CPU seconds so far per kind of thread (see {@link #threadKind}), from /proc/PID/task; threads
     * that have ended count as "ended threads".
     */
    Map<String, Double> cpuByThread() throws IOException {
        Map<String, Long> ticks = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String kind = threadKind(Files.readString(task.resolve("comm")).trim());
                    ticks.merge(kind, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum); // utime + stime
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        }
        double total = process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        Map<String, Double> seconds = new TreeMap<>();
        ticks.forEach((name, t) -> seconds.put(name, t / CLOCK_TICKS_PER_SECOND));
        seconds.put("ended threads", Math.max(0, total - ticks.values().stream().mapToLong(Long::longValue).sum() / CLOCK_TICKS_PER_SECOND));
        return seconds;
    }

    /**
     * What a thread does, from its name as Linux keeps it (15 characters): JOSDK's reconcile threads are named
     * pool-N-thread-M, or ReconcilerExecutor-... while they reconcile; fabric8 dispatches informer events on
     * -NNN-pool-N-thread-M; the main thread is "java" to Linux and "main" to Java.
     */
    static String threadKind(String name) {
        if (name.matches("C\\d CompilerThre.*")) {
            return "JIT compilers";
        } else if (name.startsWith("ReconcilerExecu") || name.matches("pool-\\d+-thread.*")) {
            return "reconcile threads";
        } else if (name.startsWith("vert.x-eventloo")) {
            return "Vert.x event loop (HTTP, TLS)";
        } else if (name.matches("-\\d+-poo.*")) { // the name is cut at 15 characters
            return "informer event handlers";
        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM ")) {
            return "GC and VM";
        } else if (name.equals("java") || name.equals("main")) {
            return "main (start-up)";
        }
        return name.replaceAll("\\d+", "#");
    }

    /** Reconciles per controller so far (successful and failed), from the JOSDK metrics. */
    Map<String, Long> reconcilesByController() throws InterruptedException {
        Map<String, Long> reconciles = new TreeMap<>();
        Matcher sample = SAMPLE.matcher(metrics());
        while (sample.find()) {
            if (sample.group(1).startsWith("operator_sdk_controllers_execution_reconcile_") && sample.group(1).endsWith("_total")
                    && sample.group(2) != null) {
                Matcher controller = CONTROLLER.matcher(sample.group(2));
                if (controller.find()) {
                    reconciles.merge(controller.group(1), (long) Double.parseDouble(sample.group(3)), Long::sum);
                }
            }
        }
        return reconciles;
    }

    /**
     * Waits until the operator has nothing left to do: no reconcile running or queued, and no new reconcile started
     * for the hold period (status updates that follow the maps included). Returns the System.nanoTime at which the
     * last reconcile was seen, to the half second.
     */
    long awaitQuiet(Duration hold, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        double lastStarted = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            String metrics = metrics();
            double started = sum(metrics, "operator_sdk_reconciliations_started_total");
            // Per controller: JOSDK's executions gauge goes below zero when a resource is deleted during its reconcile.
            boolean idle = max(metrics, "operator_sdk_reconciliations_executions_") <= 0
                    && max(metrics, "operator_sdk_reconciliations_queue_size_") <= 0;
            if (started != lastStarted || !idle) {
                lastStarted = started;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= hold.toNanos()) {
                return quietSince;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the operator did not become quiet within " + timeout);
    }

    /** The operator's Prometheus metrics (/q/metrics). */
    String metrics() throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("the operator's metrics are unreachable: " + e.getMessage(), e);
        }
    }

    /** The sum of every sample whose metric name starts with the prefix. */
    static double sum(String metrics, String prefix) {
        double total = 0;
        Matcher sample = SAMPLE.matcher(metrics);
        while (sample.find()) {
            if (sample.group(1).startsWith(prefix)) {
                total += Double.parseDouble(sample.group(3));
            }
        }
        return total;
    }

    /** The largest sample whose metric name starts with the prefix; -Infinity when there is none. */
    static double max(String metrics, String prefix) {
        double max = Double.NEGATIVE_INFINITY;
        Matcher sample = SAMPLE.matcher(metrics);
        while (sample.find()) {
            if (sample.group(1).startsWith(prefix)) {
                max = Math.max(max, Double.parseDouble(sample.group(3)));
            }
        }
        return max;
    }

    /** A free TCP port on this machine, for a server that binds it right after. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        heap.close();
        readiness.interrupt();
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Files.deleteIfExists(pidFile);
    }
}
