package io.agentpolicy.bench;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * Counts the benchmark's own API requests with the API server's verb names, so they can be told apart from the
 * operator's in apiserver_request_total (which does not say who sent a request).
 */
final class OwnRequests implements Interceptor {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String key = keyOf(request.method(), request.uri(), request.header("Content-Type"));
        if (key != null) {
            counts.computeIfAbsent(key, k -> new LongAdder()).increment();
        }
    }

    RequestCounts snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((key, count) -> copy.put(key, count.sum()));
        return new RequestCounts(copy);
    }

    /**
     * The apiserver_request_total key of a request: /api/v1/namespaces/ns/configmaps/name is "GET configmaps",
     * without the name it is "LIST configmaps", with watch=true "WATCH configmaps". Null for non-resource URLs.
     */
    static String keyOf(String method, URI uri, String contentType) {
        String[] parts = uri.getPath().replaceAll("^/+|/+$", "").split("/");
        int versionEnd = parts[0].equals("api") ? 2 : parts[0].equals("apis") ? 3 : -1;
        if (versionEnd < 0 || parts.length <= versionEnd) {
            return null;
        }
        int at = versionEnd;
        if (parts[at].equals("namespaces") && parts.length > at + 2) {
            at += 2; // a namespaced resource: skip namespaces/<name>
        }
        String resource = parts[at];
        boolean named = parts.length > at + 1;
        String subresource = parts.length > at + 2 ? parts[at + 2] : "";
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        String verb = switch (method) {
            case "GET" -> query.contains("watch=true") ? "WATCH" : named ? "GET" : "LIST";
            case "PATCH" -> contentType != null && contentType.contains("apply-patch") ? "APPLY" : "PATCH";
            case "DELETE" -> named ? "DELETE" : "DELETECOLLECTION";
            default -> method;
        };
        return RequestCounts.key(verb, resource, subresource);
    }
}
