package io.agentpolicy.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API requests counted by verb and resource, e.g. "APPLY configmaps" or "PATCH agentsessions/status": a snapshot
 * of the API server's apiserver_request_total (all response codes summed), or the benchmark's own requests.
 * Requests to non-resource URLs (/metrics, /readyz, discovery) are left out.
 */
record RequestCounts(Map<String, Long> counts) {
    static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION");
    private static final Pattern SAMPLE = Pattern.compile("^apiserver_request_total\\{([^}]*)\\} ([0-9.e+]+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    static RequestCounts parseApiServerMetrics(String metrics) {
        Map<String, Long> counts = new TreeMap<>();
        Matcher sample = SAMPLE.matcher(metrics);
        while (sample.find()) {
            Map<String, String> labels = new TreeMap<>();
            Matcher label = LABEL.matcher(sample.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            String resource = labels.getOrDefault("resource", "");
            if (!resource.isEmpty()) {
                counts.merge(key(labels.get("verb"), resource, labels.getOrDefault("subresource", "")),
                        (long) Double.parseDouble(sample.group(2)), Long::sum);
            }
        }
        return new RequestCounts(counts);
    }

    static String key(String verb, String resource, String subresource) {
        return verb + " " + resource + (subresource.isEmpty() ? "" : "/" + subresource);
    }

    RequestCounts minus(RequestCounts earlier) {
        Map<String, Long> delta = new TreeMap<>();
        counts.forEach((key, value) -> {
            long d = value - earlier.counts.getOrDefault(key, 0L);
            if (d != 0) {
                delta.put(key, d);
            }
        });
        return new RequestCounts(delta);
    }

    long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    Map<String, Long> byVerb() {
        Map<String, Long> byVerb = new TreeMap<>();
        counts.forEach((key, value) -> byVerb.merge(verbOf(key), value, Long::sum));
        return byVerb;
    }

    /** Writes (create, update, patch, apply, delete) per resource. */
    Map<String, Long> writesByResource() {
        Map<String, Long> writes = new TreeMap<>();
        counts.forEach((key, value) -> {
            if (WRITE_VERBS.contains(verbOf(key))) {
                writes.merge(key.substring(key.indexOf(' ') + 1), value, Long::sum);
            }
        });
        return writes;
    }

    long writesOn(String resource) {
        return writesByResource().getOrDefault(resource, 0L);
    }

    private static String verbOf(String key) {
        return key.substring(0, key.indexOf(' '));
    }
}
