package io.agentpolicy.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * One change of a tier policy (a deny rule added to tier-2-standard) and, for every map it affects (the baseline and
 * the session map of each tier-2 namespace), the time from the change until the watch shows the map holding it.
 */
final class FanOut {
    static final String POLICY = "tier-2-standard";
    static final String TIER = "2";
    static final String NEW_RULE = "Bash(terraform destroy *)";

    record Result(int maps, Stats seconds, boolean baselinesExact) {
    }

    private FanOut() {
    }

    @SuppressWarnings("unchecked")
    static Result measure(KubernetesClient client, ClusterWatch watch, Scenario scenario, Path cliJar, Path workDirectory,
            Duration timeout) throws InterruptedException, IOException {
        List<String> tierNamespaces = scenario.namespacesOfTier(TIER);
        Set<String> affected = tierNamespaces.stream()
                .flatMap(ns -> List.of(ClusterWatch.key(ns, Scenario.BASELINE_MAP), ClusterWatch.key(ns, Scenario.SESSION_MAP)).stream())
                .collect(Collectors.toSet());
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        BiConsumer<ConfigMap, Long> listener = (map, at) -> {
            String key = ClusterWatch.key(map.getMetadata().getNamespace(), map.getMetadata().getName());
            String settings = Scenario.settingsOf(map);
            if (affected.contains(key) && settings != null && settings.contains(NEW_RULE)) {
                seenAt.putIfAbsent(key, at);
            }
        };
        watch.onMap(listener);
        try {
            GenericKubernetesResource policy = client.genericKubernetesResources(Scenario.API_VERSION, "PermissionPolicy").withName(POLICY).get();
            Map<String, Object> permissions = (Map<String, Object>) ((Map<String, Object>) policy.getAdditionalProperties().get("spec"))
                    .get("permissions");
            List<String> deny = new ArrayList<>((List<String>) permissions.get("deny"));
            deny.add(NEW_RULE);
            String patch = Serialization.asJson(Map.of("spec", Map.of("permissions", Map.of("deny", deny))));
            long changedAt = System.nanoTime();
            client.genericKubernetesResources(Scenario.API_VERSION, "PermissionPolicy").withName(POLICY)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            long deadline = changedAt + timeout.toNanos();
            while (seenAt.size() < affected.size() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (seenAt.size() < affected.size()) {
                throw new IllegalStateException("fan-out: " + seenAt.size() + " of " + affected.size() + " maps updated after " + timeout);
            }
            List<Double> seconds = seenAt.values().stream().map(at -> (at - changedAt) / 1e9).toList();
            return new Result(affected.size(), Stats.of(seconds), baselinesExact(client, watch, tierNamespaces, cliJar, workDirectory));
        } finally {
            watch.removeListener(listener);
        }
    }

    /** Every tier-2 baseline map holds exactly what the CLI renders from the policies as they now are. */
    private static boolean baselinesExact(KubernetesClient client, ClusterWatch watch, List<String> namespaces, Path cliJar,
            Path workDirectory) throws IOException {
        Path policies = ExpectedSettings.writePolicies(client, workDirectory.resolve("policies-after-fan-out"));
        String expected = ExpectedSettings.render(cliJar, policies).get(TIER);
        return namespaces.stream().allMatch(ns -> watch.map(ns, Scenario.BASELINE_MAP)
                .map(map -> expected.equals(Scenario.settingsOf(map))).orElse(false));
    }
}
