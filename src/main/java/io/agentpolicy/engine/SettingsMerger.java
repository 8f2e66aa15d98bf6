package io.agentpolicy.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentpolicy.api.PermissionPolicy;

/**
 * Deep-merges the policies' spec.settings: objects merge key by key, arrays are united (first appearance order,
 * duplicates by JSON value dropped), and a scalar set differently by two policies keeps the value of the policy that
 * comes first in merge order (higher priority, then name) and is recorded as a conflict.
 */
final class SettingsMerger {
    /** The merged settings and the JSON pointers on which policies disagreed. */
    record Result(ObjectNode settings, List<Conflict> conflicts) {
    }

    private final ObjectNode merged = JsonNodeFactory.instance.objectNode();
    /** JSON pointer → the policy whose value is kept there. */
    private final Map<String, String> owners = new HashMap<>();
    /** JSON pointer → the policies that set different values there, the winner first; sorted by pointer. */
    private final Map<String, Set<String>> disagreements = new TreeMap<>();

    private SettingsMerger() {
    }

    /** Merges in the given order: the policies must already be in merge order. */
    static Result merge(List<PermissionPolicy> inMergeOrder) {
        SettingsMerger merger = new SettingsMerger();
        Map<String, Integer> priorities = new HashMap<>();
        for (PermissionPolicy policy : inMergeOrder) {
            priorities.put(Policies.name(policy), Policies.priority(policy));
            JsonNode settings = policy.getSpec() == null ? null : policy.getSpec().getSettings();
            if (settings != null && settings.isObject()) {
                merger.mergeObject(merger.merged, (ObjectNode) settings, "", Policies.name(policy));
            }
        }
        List<Conflict> conflicts = new ArrayList<>();
        merger.disagreements.forEach((pointer, policies) -> conflicts.add(describe(pointer, List.copyOf(policies), priorities)));
        return new Result(merger.merged, conflicts);
    }

    private void mergeObject(ObjectNode target, ObjectNode source, String pointer, String policy) {
        SettingType.forEachMember(source, (key, value) -> {
            String path = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
            JsonNode existing = target.get(key);
            if (existing == null) {
                owners.put(path, policy);
                if (value.isObject()) {
                    mergeObject(target.putObject(key), (ObjectNode) value, path, policy);
                } else if (value.isArray()) {
                    unite(target.putArray(key), value);
                } else {
                    target.set(key, value.deepCopy());
                }
            } else if (existing.isObject() && value.isObject()) {
                mergeObject((ObjectNode) existing, (ObjectNode) value, path, policy);
            } else if (existing.isArray() && value.isArray()) {
                unite((ArrayNode) existing, value);
            } else if (!CanonicalJson.sameValue(existing, value)) {
                disagreements.computeIfAbsent(path, p -> new LinkedHashSet<>(List.of(owners.get(p)))).add(policy);
            }
        });
    }

    private static void unite(ArrayNode target, JsonNode source) {
        for (JsonNode element : source) {
            boolean present = false;
            for (JsonNode existing : target) {
                present |= CanonicalJson.sameValue(existing, element);
            }
            if (!present) {
                target.add(element.deepCopy());
            }
        }
    }

    /** "settings /model: policies a (priority 0) and b (priority 0) disagree; a wins (name sorts first)". */
    private static Conflict describe(String pointer, List<String> policies, Map<String, Integer> priorities) {
        String winner = policies.get(0);
        int winnerPriority = priorities.get(winner);
        List<String> involved = policies.stream().map(name -> name + " (priority " + priorities.get(name) + ")").toList();
        boolean tieOnPriority = policies.stream().skip(1).anyMatch(name -> priorities.get(name) == winnerPriority);
        boolean beatOnPriority = policies.stream().skip(1).anyMatch(name -> priorities.get(name) < winnerPriority);
        String why = !tieOnPriority ? "higher priority" : beatOnPriority ? "highest priority, then name sorts first" : "name sorts first";
        String list = String.join(", ", involved.subList(0, involved.size() - 1)) + " and " + involved.get(involved.size() - 1);
        return new Conflict(pointer, "settings " + pointer + ": policies " + list + " disagree; " + winner + " wins (" + why + ")");
    }
}
