package io.agentpolicy.operator.maps;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON pointers (RFC 6901) at which two JSON documents differ semantically: key order and formatting do
 * not count; an added or removed key is its own path; a changed array is reported as the array's path.
 */
public final class JsonPointerDiff {
    private JsonPointerDiff() {
    }

    public static List<String> paths(JsonNode actual, JsonNode desired) {
        List<String> paths = new ArrayList<>();
        collect("", actual, desired, paths);
        return paths;
    }

    private static void collect(String pointer, JsonNode actual, JsonNode desired, List<String> paths) {
        if (actual == null || desired == null || actual.equals(desired)) {
            if (actual == null ^ desired == null) {
                paths.add(pointer);
            }
            return;
        }
        if (actual.isObject() && desired.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            actual.fieldNames().forEachRemaining(keys::add);
            desired.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                collect(pointer + "/" + escape(key), actual.get(key), desired.get(key), paths);
            }
            return;
        }
        paths.add(pointer);
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

}
