package io.agentpolicy.cli;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How the CLI, which has no CEL interpreter, honours the CRDs' CEL rules (x-kubernetes-validations): simple
 * per-item rules become the equivalent JSON Schema keywords on the node carrying the rule, reported with the CRD's
 * own message; rules that relate several fields are the engine's PolicyValidator's job, which checks the same thing
 * with its own messages. CelRulesTest fails when a CRD gains a rule listed in neither place.
 */
final class CelRules {
    private static final String NOT_BLANK = "{\"items\": {\"pattern\": \"\\\\S\"}}";

    private static final Map<String, String> AS_SCHEMA = Map.of(
            "has(self.spec)", "{\"required\": [\"spec\"]}",
            "self.all(g, size(g) > 0 && size(g) <= 253)", "{\"items\": {\"minLength\": 1, \"maxLength\": 253}}",
            "self.all(t, size(t) > 0 && size(t) <= 63)", "{\"items\": {\"minLength\": 1, \"maxLength\": 63}}",
            "self.all(r, size(r.trim()) > 0)", NOT_BLANK,
            "self.all(d, size(d.trim()) > 0)", NOT_BLANK,
            "self.all(m, self.exists_one(n, n == m))", "{\"uniqueItems\": true}",
            "size(self) > 0", "{\"minLength\": 1, \"minItems\": 1}", // a string or a list, whichever carries it
            "size(self.metadata.name) <= 49", "{\"properties\": {\"metadata\": {\"properties\": {\"name\": {\"maxLength\": 49}}}}}");

    /** Rules about a change (oldSelf): an offline check sees one version only, so they hold trivially there. */
    private static final Set<String> ON_UPDATE_ONLY = Set.of("self == oldSelf", "self.spec == oldSelf.spec",
            "self.spec.engineer == oldSelf.spec.engineer");

    private static final Set<String> CHECKED_BY_ENGINE = Set.of(
            "(has(self.tiers) && size(self.tiers) > 0) || has(self.namespaceSelector)",
            "!has(self.default) || !has(self.allowed) || self.default in self.allowed",
            "!has(self.disableBypassPermissions) || !self.disableBypassPermissions || "
                    + "((!has(self.allowed) || !('bypassPermissions' in self.allowed)) && "
                    + "(!has(self.default) || self.default != 'bypassPermissions'))",
            "!has(self.disableAuto) || !self.disableAuto || ((!has(self.allowed) || !('auto' in self.allowed)) && "
                    + "(!has(self.default) || self.default != 'auto'))",
            "has(self.maxMode) || has(self.raiseTo)",
            "duration(self) > duration('0s') && duration(self) <= duration('24h')",
            "duration(self) > duration('0s') && duration(self) <= duration('8760h')",
            "has(self.cleanSessions) || has(self.orQuietFor)");

    private CelRules() {
    }

    /** The JSON Schema keywords equivalent to the rule, to merge into the schema node that carries it. */
    static Optional<JsonNode> asSchema(String rule) {
        String json = AS_SCHEMA.get(rule.strip());
        try {
            return json == null ? Optional.empty() : Optional.of(new ObjectMapper().readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the CEL equivalents above are valid JSON", e);
        }
    }

    /** Whether the CLI honours the rule, as schema keywords or through the engine's validation. */
    static boolean isHonoured(String rule) {
        return AS_SCHEMA.containsKey(rule.strip()) || CHECKED_BY_ENGINE.contains(rule.strip()) || ON_UPDATE_ONLY.contains(rule.strip());
    }
}
