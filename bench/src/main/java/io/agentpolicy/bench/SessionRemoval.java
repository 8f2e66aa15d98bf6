package io.agentpolicy.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Takes every session of the scenario away again, for the live heap without sessions: first the AgentSessions, then,
 * once the operator has seen them go, their pods and their maps (the maps' owner is the session, so a cluster's
 * garbage collector would delete them; the benchmark's control plane has none). In that order the operator has no
 * session left to write a map for when the maps go.
 */
final class SessionRemoval {
    private SessionRemoval() {
    }

    static void run(KubernetesClient client, ClusterWatch watch, Scenario scenario, OperatorProcess operator, int inFlight,
            Duration timeout) throws InterruptedException {
        Parallel.run(inFlight, scenario.namespaces, ns -> client.genericKubernetesResources(Scenario.API_VERSION, "AgentSession")
                .inNamespace(ns).withName(Scenario.SESSION).delete());
        await("AgentSessions deleted", () -> scenario.namespaces.stream().noneMatch(ns -> watch.session(ns).isPresent()), timeout);
        operator.awaitQuiet(Duration.ofSeconds(5), timeout);
        Parallel.run(inFlight, scenario.namespaces, ns -> {
            client.pods().inNamespace(ns).withName(Scenario.SESSION + "-agent").delete();
            client.configMaps().inNamespace(ns).withName(Scenario.SESSION_MAP).delete();
        });
        await("session maps deleted", () -> scenario.namespaces.stream().noneMatch(ns -> watch.map(ns, Scenario.SESSION_MAP).isPresent()),
                timeout);
        operator.awaitQuiet(Duration.ofSeconds(5), timeout);
    }

    private static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not " + what + " within " + timeout);
            }
            Thread.sleep(200);
        }
    }
}
