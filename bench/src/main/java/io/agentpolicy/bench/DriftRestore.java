package io.agentpolicy.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Drift: rendered maps (the operator's under Enforce, or Kyverno's generated ones) are edited one at a time, as the
 * admin (system:masters, which the operator's tamper-protection admission policy lets through as break-glass),
 * removing the bypass-mode lock. Each edit is timed from sending it until the watch shows a newer version of the map
 * holding the rendered bytes again.
 */
final class DriftRestore {
    static final String FIELD_MANAGER = "benchmark-drift";
    /** Edits in a row left unrestored after which the rest would not be either: the measurement stops there. */
    private static final int GIVE_UP_AFTER_MISSES = 3;

    /** @param edits the edits made: fewer than asked for when the measurement gave up after misses in a row */
    record Result(int edits, int restored, Stats millis, double pauseMillis) {
    }

    private record Seen(long version, String data, long at) {
    }

    private DriftRestore() {
    }

    /** Edits the map named mapName in the namespaces, round robin; rendered is what each of them holds. */
    static Result measure(KubernetesClient client, ClusterWatch watch, List<String> namespaces, String mapName, String rendered,
            int edits, Duration pause, Duration timeout) throws InterruptedException {
        String patch = Serialization.asJson(Map.of("data", Map.of(Scenario.SETTINGS_KEY, withoutBypassLock(rendered))));
        BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        AtomicReference<String> target = new AtomicReference<>();
        BiConsumer<ConfigMap, Long> listener = (map, at) -> {
            if (ClusterWatch.key(map.getMetadata().getNamespace(), map.getMetadata().getName()).equals(target.get())) {
                seen.add(new Seen(Long.parseLong(map.getMetadata().getResourceVersion()), Scenario.settingsOf(map), at));
            }
        };
        watch.onMap(listener);
        List<Double> millis = new ArrayList<>();
        int made = 0;
        int missesInARow = 0;
        try {
            for (int i = 0; i < edits && missesInARow < GIVE_UP_AFTER_MISSES; i++, made++) {
                String namespace = namespaces.get(i % namespaces.size());
                target.set(ClusterWatch.key(namespace, mapName));
                seen.clear(); // older versions of this map would be skipped anyway: only a newer one counts
                long sentAt = System.nanoTime();
                ConfigMap edited = client.configMaps().inNamespace(namespace).withName(mapName)
                        .patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager(FIELD_MANAGER).build(), patch);
                long editVersion = Long.parseLong(edited.getMetadata().getResourceVersion());
                long deadline = sentAt + timeout.toNanos();
                Seen restored;
                do {
                    restored = seen.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } while (restored != null && !(restored.version() > editVersion && rendered.equals(restored.data())));
                if (restored != null) {
                    millis.add((restored.at() - sentAt) / 1e6);
                    missesInARow = 0;
                } else {
                    System.err.println("[bench] drift edit " + i + " of " + namespace + " not restored within " + timeout);
                    missesInARow++;
                }
                Thread.sleep(pause.toMillis());
            }
        } finally {
            watch.removeListener(listener);
        }
        return new Result(made, millis.size(), Stats.of(millis), pause.toMillis());
    }

    /** The rendered settings with permissions.disableBypassPermissionsMode removed: the edit an impatient user makes. */
    private static String withoutBypassLock(String rendered) {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode settings = (ObjectNode) json.readTree(rendered);
            ((ObjectNode) settings.get("permissions")).remove("disableBypassPermissionsMode");
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the rendered settings are not JSON", e);
        }
    }
}
