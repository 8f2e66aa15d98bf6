package io.agentpolicy.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * The packaged operator (target/quarkus-app/quarkus-run.jar) as its own process against the test cluster, for
 * tests that stop and start it as a user would (integration tests run after `package`).
 */
public final class OperatorProcess implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OperatorProcess.class);
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final Path JVM_OPTIONS = Path.of("src/main/docker/jvm.options");
    private final Process process;
    private final int port;
    private final Path log;

    private OperatorProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the operator as the cluster admin and waits until it reports ready. */
    public static OperatorProcess start() throws IOException, InterruptedException {
        return start(java.util.Map.of());
    }

    /** Starts the operator with extra environment variables (e.g. leader election settings) and waits until it is ready. */
    public static OperatorProcess start(java.util.Map<String, String> environment) throws IOException, InterruptedException {
        OperatorProcess operator = launch(environment, null);
        operator.awaitReady();
        return operator;
    }

    /**
     * Starts the operator without waiting for it, with extra environment variables; with a token it authenticates
     * with that bearer token instead of the admin's client certificate (e.g. as a ServiceAccount).
     */
    public static OperatorProcess launch(java.util.Map<String, String> environment, String token) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: integration tests run after ./mvnw package");
        }
        TestCluster cluster = TestCluster.get();
        Path pki = cluster.stateDirectory().resolve("pki");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("operator", ".log");
        // As the image runs it: its JVM options, the chart's memory limit as the container's (512Mi), its malloc arenas.
        ProcessBuilder builder = new ProcessBuilder("java", "@" + JVM_OPTIONS, "-XX:MaxRAM=512m", "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(java.util.Map.of(
                "MALLOC_ARENA_MAX", "2",
                "QUARKUS_HTTP_PORT", String.valueOf(port),
                "QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", cluster.admin().getMasterUrl().toString(),
                "QUARKUS_KUBERNETES_CLIENT_CA_CERT_FILE", pki.resolve("ca.crt").toString(),
                "AGENTPOLICY_LEADER_ELECTION_ENABLED", "false"));
        if (token == null) {
            builder.environment().put("QUARKUS_KUBERNETES_CLIENT_CLIENT_CERT_FILE", pki.resolve("admin.crt").toString());
            builder.environment().put("QUARKUS_KUBERNETES_CLIENT_CLIENT_KEY_FILE", pki.resolve("admin.key").toString());
        } else {
            builder.environment().put("QUARKUS_KUBERNETES_CLIENT_TOKEN", token);
        }
        builder.environment().putAll(environment);
        OperatorProcess operator = new OperatorProcess(builder.start(), port, log);
        LOG.infof("operator process %d started (HTTP port %d, log %s)", operator.process.pid(), port, log);
        operator.process.onExit().thenAccept(exited -> LOG.infof("operator process %d exited with %d", exited.pid(), exited.exitValue()));
        return operator;
    }

    /** Waits (at most 60 s) until /q/health/ready answers 200; fails when the process exits first. */
    public void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited:\n" + log());
            }
            if (readiness() == 200) {
                LOG.infof("operator process %d ready on port %d", process.pid(), port);
                return;
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("the operator did not become ready:\n" + log());
    }

    /** The HTTP status of /q/health/ready, or -1 when nothing answers on the port. */
    public int readiness() {
        return health("ready");
    }

    /** The HTTP status of /q/health/live, or -1 when nothing answers on the port. */
    public int liveness() {
        return health("live");
    }

    /** The body of /q/health/ready: which check is down and why. */
    public String readinessReport() {
        try {
            return health("ready", HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException notListening) {
            return notListening.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private int health(String check) {
        try {
            return health(check, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListening) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private <T> HttpResponse<T> health(String check, HttpResponse.BodyHandler<T> body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/" + check))
                .timeout(Duration.ofSeconds(5)).build(), body);
    }

    public long pid() {
        return process.pid();
    }

    /** The process's resident set size in KiB (VmRSS of /proc/&lt;pid&gt;/status). */
    public long residentKib() throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no VmRSS for process " + process.pid()));
    }

    /**
     * The heap still in use after a full collection, in KiB: what the operator keeps, unlike its resident size, which
     * grows as lazily as the collector runs. {@code jcmd GC.class_histogram} collects first; its last line is the total.
     */
    public long liveHeapKib() throws IOException, InterruptedException {
        Path jcmd = Path.of(process.info().command().orElseThrow()).resolveSibling("jcmd");
        Process histogram = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.class_histogram").redirectErrorStream(true)
                .start();
        List<String> lines = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (histogram.waitFor() != 0 || lines.isEmpty() || !lines.get(lines.size() - 1).startsWith("Total")) {
            throw new IllegalStateException("jcmd " + process.pid() + " GC.class_histogram failed: " + String.join("\n", lines));
        }
        String[] total = lines.get(lines.size() - 1).trim().split("\\s+");
        return Long.parseLong(total[total.length - 1]) / 1024;
    }

    /** Everything the process printed so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Sends SIGKILL, as the kernel's OOM killer or a node failure does, and waits for the process to end. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM, as a Deployment rollout does, and tells whether the process exited within the given time. */
    public boolean terminate(Duration within) throws InterruptedException {
        process.destroy();
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the operator (SIGTERM) and waits for it to exit. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
