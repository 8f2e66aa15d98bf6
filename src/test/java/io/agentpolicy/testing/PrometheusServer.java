package io.agentpolicy.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Prometheus (the `prometheus` binary of the Debian package) scraping the operator under test every second,
 * with the chart's alerting rules loaded, on a free loopback port with its data in a temporary directory. Queried
 * through its HTTP API, as Grafana queries it.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final String JOB = "agent-policy-operator";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path directory;
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusServer(Process process, Path directory, URI base) {
        this.process = process;
        this.directory = directory;
        this.base = base;
    }

    /** Starts Prometheus scraping the metrics URL, with the rule files loaded; returns once it answers. */
    public static PrometheusServer scraping(URL metrics, Path... ruleFiles) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("agentpolicy-prometheus");
        List<String> rules = Stream.of(ruleFiles).map(f -> "\"" + f.toAbsolutePath() + "\"").toList();
        Files.writeString(directory.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: [%s]
                scrape_configs:
                  - job_name: %s
                    metrics_path: %s
                    static_configs: [{targets: ["%s:%d"]}]
                """.formatted(String.join(", ", rules), JOB, metrics.getPath(), metrics.getHost(), metrics.getPort()));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder("prometheus", "--config.file=" + directory.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(directory.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(process, directory, URI.create("http://127.0.0.1:" + port));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!server.ready()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(directory.resolve("prometheus.log"));
                server.close();
                throw new IllegalStateException("Prometheus did not start:\n" + log);
            }
            Thread.sleep(200);
        }
        return server;
    }

    private boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An instant query's result: the "data" object of the API's answer ({resultType, result}). */
    public JsonNode query(String promql) {
        JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"success".equals(answer.path("status").asText())) {
            throw new IllegalArgumentException(promql + ": " + answer);
        }
        return answer.get("data");
    }

    /** The loaded rule groups ("data" of /api/v1/rules). */
    public JsonNode rules() {
        return get("/api/v1/rules").get("data");
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot query Prometheus at " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.sorted(Comparator.reverseOrder()).forEach(files::add);
        }
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
    }
}
