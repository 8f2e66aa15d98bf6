package io.agentpolicy.engine;

import java.util.Collections;
import java.util.Map;

/**
 * What the engine needs to know about a namespace: its name and labels. The labels are a read-only view, not a
 * copy: the operator builds one for every cached namespace each time a policy changes, and its caches never change
 * an object in place.
 */
public record NamespaceInfo(String name, Map<String, String> labels) {

    public NamespaceInfo {
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(labels);
    }
}
