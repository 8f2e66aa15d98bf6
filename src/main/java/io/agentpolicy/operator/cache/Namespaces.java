package io.agentpolicy.operator.cache;

import io.agentpolicy.engine.NamespaceInfo;
import io.fabric8.kubernetes.api.model.Namespace;

/** Translates Kubernetes namespaces into what the engine needs to know of them. */
public final class Namespaces {
    private Namespaces() {
    }

    public static NamespaceInfo info(Namespace namespace) {
        return new NamespaceInfo(namespace.getMetadata().getName(), namespace.getMetadata().getLabels());
    }
}
