package io.agentpolicy.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;

/** Test inputs written the way users write them: policies in YAML, namespaces as labels, sessions in a line. */
final class Fixtures {
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    static final PolicyEngine ENGINE = new PolicyEngine(EngineConfig.defaults());

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** One PermissionPolicy from YAML: the apiVersion/kind header is optional. */
    static PermissionPolicy policy(String yaml) {
        try {
            return YAML.readValue(yaml, PermissionPolicy.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The four tier policies of shared/docs/domain.md (src/test/resources/engine/domain-tiers.yaml). */
    static List<PermissionPolicy> domainTiers() {
        try (InputStream in = resource("domain-tiers.yaml")) {
            return YAML.readerFor(PermissionPolicy.class).<PermissionPolicy> readValues(in).readAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String resourceText(String name) {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = Fixtures.class.getResourceAsStream("/engine/" + name);
        if (in == null) {
            throw new IllegalArgumentException("missing test resource engine/" + name);
        }
        return in;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A namespace from "key=value" labels. */
    static NamespaceInfo namespace(String name, String... labels) {
        Map<String, String> map = new HashMap<>();
        for (String label : labels) {
            String[] kv = label.split("=", 2);
            map.put(kv[0], kv[1]);
        }
        return new NamespaceInfo(name, map);
    }

    /** A namespace in a tier (label agentpolicy.io/tier). */
    static NamespaceInfo tier(String tier) {
        return namespace("ns-tier-" + tier, "agentpolicy.io/tier=" + tier);
    }

    /** A session: requested mode (null = none), task type (null = none), groups. */
    static AgentSessionSpec session(String requestedMode, String taskType, String... groups) {
        AgentSessionSpec spec = new AgentSessionSpec();
        spec.setEngineer("alice@example.com");
        spec.setRequestedMode(requestedMode == null ? null : PermissionMode.fromValue(requestedMode));
        spec.setTaskType(taskType);
        spec.setGroups(Arrays.asList(groups));
        return spec;
    }
}
