package io.agentpolicy.engine;

import java.util.Map;

/** What the engine needs to know about a namespace: its name and labels. */
public record NamespaceInfo(String name, Map<String, String> labels) {

    public NamespaceInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
