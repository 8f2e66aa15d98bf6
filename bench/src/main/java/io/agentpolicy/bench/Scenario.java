package io.agentpolicy.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The objects of one benchmark size: N namespaces labelled with tiers 1 to 4 in turn, and in each one AgentSession
 * and one Pod of that session. Every session is admitted (some downgraded), so each gets a map. The five policies
 * of examples/policies are applied by hack/benchmark.sh.
 */
final class Scenario {
    static final String API_VERSION = "agentpolicy.io/v1alpha1";
    static final String SESSION = "agent-run";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String OPERATOR = "agent-policy-operator";
    static final String TIER_LABEL = "agentpolicy.io/tier";
    static final String SESSION_LABEL = "agentpolicy.io/session";
    static final String HASH_ANNOTATION = "agentpolicy.io/settings-hash";
    static final String SETTINGS_KEY = "managed-settings.json";
    static final String BASELINE_MAP = "agent-managed-settings";
    static final String SESSION_MAP = "agent-session-" + SESSION;

    /** Per tier: the groups and requested mode of its sessions, chosen so the examples admit or downgrade them. */
    private static final Map<String, SessionRequest> REQUESTS = Map.of(
            "1", new SessionRequest(List.of("eng-mid"), "default"),          // Admitted: mid reaches default in tier 1
            "2", new SessionRequest(List.of("eng-mid"), "acceptEdits"),      // Downgraded to default (tier 2 downgrades)
            "3", new SessionRequest(List.of("eng-senior"), "acceptEdits"),   // Admitted
            "4", new SessionRequest(List.of(), "acceptEdits"));              // Admitted: a junior's cap in tier 4

    private record SessionRequest(List<String> groups, String mode) {
    }

    final int size;
    final List<String> namespaces;
    private final Map<String, String> sessionUids = new ConcurrentHashMap<>();

    Scenario(int size) {
        this.size = size;
        this.namespaces = IntStream.rangeClosed(1, size).mapToObj(i -> String.format("bench-%05d", i)).toList();
    }

    /** The managed-settings.json a rendered map holds, or null. */
    static String settingsOf(ConfigMap map) {
        return map.getData() == null ? null : map.getData().get(SETTINGS_KEY);
    }

    /** The map's settings-hash annotation, or null. */
    static String hashOf(ConfigMap map) {
        return map.getMetadata().getAnnotations() == null ? null : map.getMetadata().getAnnotations().get(HASH_ANNOTATION);
    }

    String tierOf(String namespace) {
        return String.valueOf((Integer.parseInt(namespace.substring("bench-".length())) - 1) % 4 + 1);
    }

    List<String> namespacesOfTier(String tier) {
        return namespaces.stream().filter(ns -> tierOf(ns).equals(tier)).toList();
    }

    String sessionUid(String namespace) {
        return sessionUids.get(namespace);
    }

    /** Creates the namespaces, then the sessions and their pods, with a bounded number of requests in flight. */
    void create(KubernetesClient client, int inFlight) {
        Parallel.run(inFlight, namespaces, ns -> client.namespaces().resource(new NamespaceBuilder()
                .withNewMetadata().withName(ns).addToLabels(TIER_LABEL, tierOf(ns)).endMetadata().build()).create());
        Parallel.run(inFlight, namespaces, ns -> {
            GenericKubernetesResource created = client.genericKubernetesResources(API_VERSION, "AgentSession")
                    .resource(session(ns)).create();
            sessionUids.put(ns, created.getMetadata().getUid());
            client.pods().resource(pod(ns)).create();
        });
    }

    /** The AgentSession of a namespace, as created (and as the CLI's decide command reads it). */
    GenericKubernetesResource session(String namespace) {
        SessionRequest request = REQUESTS.get(tierOf(namespace));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION).withKind("AgentSession")
                .withNewMetadata().withName(SESSION).withNamespace(namespace).endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "engineer", "bench@example.com",
                        "groups", request.groups(),
                        "requestedMode", request.mode(),
                        "taskType", "bugfix",
                        "repository", "benchmark"))
                .build();
    }

    /** A compliant agent pod, as examples/pods/agent-pod.yaml: the session map at /etc/claude-code, no mode flags. */
    private static Pod pod(String namespace) {
        return new PodBuilder()
                .withNewMetadata().withName(SESSION + "-agent").withNamespace(namespace).addToLabels(SESSION_LABEL, SESSION).endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("claude").withImage("ghcr.io/example/claude-code-agent:2.1.240")
                .withArgs("-p", "Fix the failing test")
                .addNewVolumeMount().withName("managed-settings").withMountPath("/etc/claude-code").withReadOnly(true).endVolumeMount()
                .endContainer()
                .addNewVolume().withName("managed-settings").withNewConfigMap().withName(SESSION_MAP).endConfigMap().endVolume()
                .endSpec().build();
    }
}
