package io.agentpolicy.operator.reporting;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Compares objects by their JSON form. {@link #contains} tells whether everything the operator would write is
 * already there, ignoring what the API server added (defaults), so unchanged objects are never written again.
 */
public final class JsonTrees {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonTrees() {
    }

    public static boolean same(Object a, Object b) {
        return JSON.valueToTree(a).equals(JSON.valueToTree(b));
    }

    public static boolean contains(Object actual, Object desired) {
        return contains((JsonNode) JSON.valueToTree(actual), (JsonNode) JSON.valueToTree(desired));
    }

    private static boolean contains(JsonNode actual, JsonNode desired) {
        if (desired == null || desired.isNull()) {
            return true;
        }
        if (actual == null || actual.getNodeType() != desired.getNodeType()) {
            return false;
        }
        if (desired.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = desired.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!contains(actual.get(field.getKey()), field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (desired.isArray()) {
            if (actual.size() != desired.size()) {
                return false;
            }
            for (int i = 0; i < desired.size(); i++) {
                if (!contains(actual.get(i), desired.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return actual.equals(desired);
    }
}
