package io.agentpolicy.conformance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the Anthropic Messages API on loopback: the only fake part of a conformance run. It answers each
 * streaming {@code POST /v1/messages} with the next tool call of its script (which one is told by how many tool
 * results the request carries back), and once the script is done, with a short text that ends the turn. Requests
 * without tools (side queries of the client) get the text. The node's agent pods (NodeIT) reach it on the node's
 * address instead of loopback.
 */
public final class ScriptedModel implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tool call the model asks for. */
    public record ToolCall(String name, Map<String, Object> input) {
    }

    private final HttpServer server;
    private final List<ToolCall> script;

    ScriptedModel(List<ToolCall> script) throws IOException {
        this(script, InetAddress.getLoopbackAddress());
    }

    /** Listens on a free port of the given address. */
    public ScriptedModel(List<ToolCall> script, InetAddress address) throws IOException {
        this.script = List.copyOf(script);
        this.server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** What ANTHROPIC_BASE_URL points at. */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().endsWith("/v1/messages")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            int answered = 0;
            for (JsonNode message : request.path("messages")) {
                for (JsonNode block : message.path("content")) {
                    if ("tool_result".equals(block.path("type").asText())) {
                        answered++;
                    }
                }
            }
            boolean offersTools = request.path("tools").size() > 0;
            ToolCall next = offersTools && answered < script.size() ? script.get(answered) : null;
            byte[] body = events(request.path("model").asText(), answered, next).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The server-sent events of one streamed message: a tool_use block, or a text block that ends the turn. */
    private static String events(String model, int turn, ToolCall call) throws IOException {
        List<String> events = new ArrayList<>();
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        start.putObject("message").put("id", "msg_" + turn).put("type", "message").put("role", "assistant").put("model", model)
                .putNull("stop_reason").putNull("stop_sequence").<ObjectNode> set("content", JSON.createArrayNode())
                .putObject("usage").put("input_tokens", 10).put("output_tokens", 1);
        events.add(event("message_start", start));
        ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
        if (call != null) {
            blockStart.putObject("content_block").put("type", "tool_use").put("id", "toolu_" + turn).put("name", call.name())
                    .putObject("input");
            delta.putObject("delta").put("type", "input_json_delta").put("partial_json", JSON.writeValueAsString(call.input()));
        } else {
            blockStart.putObject("content_block").put("type", "text").put("text", "");
            delta.putObject("delta").put("type", "text_delta").put("text", "Done.");
        }
        events.add(event("content_block_start", blockStart));
        events.add(event("content_block_delta", delta));
        events.add(event("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0)));
        ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", call != null ? "tool_use" : "end_turn").putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", 5);
        events.add(event("message_delta", messageDelta));
        events.add(event("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        return String.join("", events);
    }

    private static String event(String name, JsonNode data) throws IOException {
        return "event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
