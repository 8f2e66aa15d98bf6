package io.agentpolicy.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * The packaged operator (target/quarkus-app/quarkus-run.jar) as its own process against the test cluster, for
 * tests that stop and start it as a user would (integration tests run after `package`).
 */
public final class OperatorProcess implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OperatorProcess.class);
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

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

    /** Starts the operator with extra environment variables (e.g. leader election settings). */
    public static OperatorProcess start(java.util.Map<String, String> environment) throws IOException, InterruptedException {
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
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(java.util.Map.of(
                "QUARKUS_HTTP_PORT", String.valueOf(port),
                "QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", cluster.admin().getMasterUrl().toString(),
                "QUARKUS_KUBERNETES_CLIENT_CA_CERT_FILE", pki.resolve("ca.crt").toString(),
                "QUARKUS_KUBERNETES_CLIENT_CLIENT_CERT_FILE", pki.resolve("admin.crt").toString(),
                "QUARKUS_KUBERNETES_CLIENT_CLIENT_KEY_FILE", pki.resolve("admin.key").toString(),
                "AGENTPOLICY_LEADER_ELECTION_ENABLED", "false"));
        builder.environment().putAll(environment);
        OperatorProcess operator = new OperatorProcess(builder.start(), port, log);
        operator.awaitReady();
        return operator;
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited:\n" + Files.readString(log));
            }
            try {
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    LOG.infof("operator process %d ready on port %d", process.pid(), port);
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.onSpinWait();
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("the operator did not become ready:\n" + Files.readString(log));
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
