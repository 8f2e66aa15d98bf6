package io.agentpolicy.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The benchmark's connection to the local control plane (KUBECONFIG, the admin of hack/local-cluster.sh): a
 * fabric8 client of the operator's own version and HTTP client, which counts the requests it sends.
 */
final class Cluster implements AutoCloseable {
    final KubernetesClient client;
    private final OwnRequests own = new OwnRequests();

    Cluster() {
        client = new KubernetesClientBuilder()
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("benchmark-requests", own))
                .build();
    }

    /** apiserver_request_total as the API server counts it right now. */
    RequestCounts apiServerRequests() {
        return RequestCounts.parseApiServerMetrics(client.raw("/metrics"));
    }

    /** The requests this benchmark has sent so far. */
    RequestCounts ownRequests() {
        return own.snapshot();
    }

    String kubernetesVersion() {
        return client.getKubernetesVersion().getGitVersion();
    }

    @Override
    public void close() {
        client.close();
    }
}
