package io.agentpolicy.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.MergedPolicy;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.SettingsRenderer;

/**
 * Maps rendered by the engine, as the operator and the CLI render them: every namespace and session map of examples/,
 * and for every tier of shared/docs/domain.md (src/test/resources/engine/domain-tiers.yaml) its namespace map and a session
 * map in each allowed mode.
 */
final class RenderedMaps {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final PolicyEngine ENGINE = new PolicyEngine(EngineConfig.defaults());

    /** One managed-settings.json and the most a map of its kind may let the agent do: its cap. */
    record Map_(String name, String json, PermissionMode cap) {
        @Override
        public String toString() {
            return name;
        }
    }

    private RenderedMaps() {
    }

    static List<Map_> examples(Path repository, Instant now) {
        List<PermissionPolicy> policies = read(repository.resolve("examples/policies"), "PermissionPolicy", PermissionPolicy.class);
        Map<String, NamespaceInfo> namespaces = new LinkedHashMap<>();
        for (JsonNode ns : documents(repository.resolve("examples/namespaces.yaml"), "Namespace")) {
            String name = ns.path("metadata").path("name").asText();
            Map<String, String> labels = new LinkedHashMap<>();
            ns.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            namespaces.put(name, new NamespaceInfo(name, labels));
        }
        List<Map_> maps = new ArrayList<>();
        namespaces.values().forEach(ns -> maps.add(namespaceMap("examples " + ns.name(), policies, ns, now)));
        for (JsonNode session : documents(repository.resolve("examples/sessions"), "AgentSession")) {
            NamespaceInfo ns = namespaces.get(session.path("metadata").path("namespace").asText());
            AgentSessionSpec spec = convert(session.get("spec"), AgentSessionSpec.class);
            Decision decision = ENGINE.decide(policies, ns, spec, now);
            if (decision.effectiveMode() != null) {
                maps.add(new Map_("examples " + ns.name() + "/" + session.path("metadata").path("name").asText(),
                        SettingsRenderer.renderSession(decision.merged(), decision.effectiveMode()).json(), decision.effectiveMode()));
            }
        }
        return maps;
    }

    static List<Map_> domainTiers(Path repository, Instant now) {
        List<PermissionPolicy> policies = read(repository.resolve("src/test/resources/engine/domain-tiers.yaml"), "PermissionPolicy",
                PermissionPolicy.class);
        List<Map_> maps = new ArrayList<>();
        for (String tier : List.of("1", "2", "3", "4")) {
            NamespaceInfo ns = new NamespaceInfo("tier-" + tier, Map.of(EngineConfig.defaults().tierLabel(), tier));
            maps.add(namespaceMap("tier " + tier, policies, ns, now));
            MergedPolicy merged = ENGINE.merge(ENGINE.forBaseline(policies, ns), now);
            for (PermissionMode mode : merged.allowed()) {
                maps.add(new Map_("tier " + tier + " session " + mode, SettingsRenderer.renderSession(merged, mode).json(), mode));
            }
        }
        return maps;
    }

    private static Map_ namespaceMap(String name, List<PermissionPolicy> policies, NamespaceInfo ns, Instant now) {
        MergedPolicy merged = ENGINE.merge(ENGINE.forBaseline(policies, ns), now);
        return new Map_(name, SettingsRenderer.renderBaseline(merged).json(), merged.namespaceCap());
    }

    private static <T> List<T> read(Path path, String kind, Class<T> type) {
        return documents(path, kind).stream().map(node -> convert(node, type)).toList();
    }

    private static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return YAML.treeToValue(node, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML document of the given kind in a file, or in the .yaml files of a directory (sorted by name). */
    private static List<JsonNode> documents(Path path, String kind) {
        try (Stream<Path> files = Files.isDirectory(path) ? Files.list(path).filter(p -> p.toString().endsWith(".yaml")).sorted()
                : Stream.of(path)) {
            List<JsonNode> found = new ArrayList<>();
            for (Path file : files.toList()) {
                YAML.readerFor(JsonNode.class).<JsonNode> readValues(Files.readString(file)).readAll().stream()
                        .filter(node -> node != null && kind.equals(node.path("kind").asText())).forEach(found::add);
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
