package io.agentpolicy.conformance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenTelemetry collector's OTLP/HTTP logs endpoint in miniature (JSON encoding, on loopback): keeps every log
 * record it receives, flattened to its resource's and its own attributes.
 */
final class OtlpReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<Map<String, String>> records = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/logs", exchange -> {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            for (JsonNode resourceLogs : request.path("resourceLogs")) {
                Map<String, String> resource = attributes(resourceLogs.path("resource").path("attributes"));
                for (JsonNode scopeLogs : resourceLogs.path("scopeLogs")) {
                    for (JsonNode record : scopeLogs.path("logRecords")) {
                        Map<String, String> flat = new HashMap<>();
                        resource.forEach((key, value) -> flat.put("resource." + key, value));
                        flat.putAll(attributes(record.path("attributes")));
                        flat.put("body", record.path("body").path("stringValue").asText());
                        records.add(flat);
                    }
                }
            }
            byte[] ok = "{}".getBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        server.start();
    }

    /** The base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the client appends /v1/logs). */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The log records received so far whose event.name is the given one. */
    List<Map<String, String>> events(String name) {
        List<Map<String, String>> matching = new ArrayList<>();
        records.stream().filter(r -> name.equals(r.get("event.name"))).forEach(matching::add);
        return matching;
    }

    private static Map<String, String> attributes(JsonNode attributes) {
        Map<String, String> flat = new HashMap<>();
        for (JsonNode attribute : attributes) {
            JsonNode value = attribute.path("value");
            flat.put(attribute.path("key").asText(), value.isObject() && value.size() == 1 ? value.elements().next().asText() : value.toString());
        }
        return flat;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
