package io.agentpolicy.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The API server's ceiling for the operator's job: a plain client writes the same 2N maps (one baseline-shaped and
 * one session-shaped map per namespace: the same bytes, labels, annotations and owner references) by server-side
 * apply with forced conflicts, with as many writes in flight as the operator has reconcile threads, and no logic at
 * all. The maps get fresh names and a managed-by value of their own, so the operator's informers never see them.
 * The client is warmed up first (JIT, connections) on a few hundred other maps: the ceiling is the API server's
 * limit, not a cold client's.
 */
final class Ceiling {
    static final String FIELD_MANAGER = "agentpolicy-benchmark-ceiling";
    static final String MANAGED_BY = "agentpolicy-benchmark";
    static final int WARM_UP_WRITES = 200;

    record Result(int writes, int concurrency, double seconds, double writesPerSecond) {
    }

    private Ceiling() {
    }

    static Result measure(KubernetesClient client, Scenario scenario, Map<String, String> expected, Map<String, OwnerReference> policies,
            int concurrency) {
        write(client, maps(scenario, expected, policies, "bench-warm-up").subList(0, Math.min(WARM_UP_WRITES, 2 * scenario.size)), concurrency);
        List<ConfigMap> maps = maps(scenario, expected, policies, "bench-ceiling");
        long start = System.nanoTime();
        write(client, maps, concurrency);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(maps.size(), concurrency, seconds, maps.size() / seconds);
    }

    private static void write(KubernetesClient client, List<ConfigMap> maps, int concurrency) {
        Parallel.run(concurrency, maps, map -> client.configMaps().inNamespace(map.getMetadata().getNamespace()).resource(map)
                .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply());
    }

    /** A baseline-shaped and a session-shaped map per namespace, with names starting with the prefix. */
    private static List<ConfigMap> maps(Scenario scenario, Map<String, String> expected, Map<String, OwnerReference> policies, String prefix) {
        List<ConfigMap> maps = new ArrayList<>();
        for (String namespace : scenario.namespaces) {
            String tier = scenario.tierOf(namespace);
            String json = expected.get(tier);
            String tierPolicy = policyOfTier(policies, tier);
            List<String> names = List.of("org-baseline", tierPolicy);
            maps.add(map(namespace, prefix + "-settings", json, tier, Map.of(), names,
                    names.stream().map(policies::get).toList()));
            maps.add(map(namespace, prefix + "-session-" + Scenario.SESSION, json, tier, Map.of(Scenario.SESSION_LABEL, Scenario.SESSION),
                    names, List.of(new OwnerReferenceBuilder().withApiVersion(Scenario.API_VERSION).withKind("AgentSession")
                            .withName(Scenario.SESSION).withUid(scenario.sessionUid(namespace)).withController(true).build())));
        }
        return maps;
    }

    private static String policyOfTier(Map<String, OwnerReference> policies, String tier) {
        return policies.keySet().stream().filter(name -> name.startsWith("tier-" + tier + "-")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no policy tier-" + tier + "-* among " + policies.keySet()));
    }

    private static ConfigMap map(String namespace, String name, String json, String tier, Map<String, String> extraLabels,
            List<String> policyNames, List<OwnerReference> owners) {
        return new ConfigMapBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels(Scenario.MANAGED_BY, MANAGED_BY).addToLabels(Scenario.TIER_LABEL, tier).addToLabels(extraLabels)
                .addToAnnotations(Scenario.HASH_ANNOTATION, sha256(json))
                .addToAnnotations("agentpolicy.io/policies", String.join(",", policyNames))
                .withOwnerReferences(owners)
                .endMetadata()
                .addToData(Scenario.SETTINGS_KEY, json)
                .build();
    }

    static String sha256(String text) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
