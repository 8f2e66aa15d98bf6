package io.agentpolicy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.agentpolicy.testing.OperatorProcess;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The soak of issue 14, off by default (it takes ten minutes): relabels and session churn against the packaged
 * operator, then the load must be exactly as the engine renders it, with no drift reported, and the growth of the
 * operator's resident memory is logged. Run with -Dchaos.soak=true (-Dchaos.soak.minutes=N to shorten it).
 */
class ChaosSoakIT {
    private static final Logger LOG = Logger.getLogger(ChaosSoakIT.class);
    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void relabelsAndSessionChurn() throws Exception {
        assumeTrue(Boolean.getBoolean("chaos.soak"), "the 10-minute soak runs only with -Dchaos.soak=true");
        Duration length = Duration.ofMinutes(Long.getLong("chaos.soak.minutes", 10));
        ChaosLoad load = ChaosLoad.create(client);
        Random random = new Random(14);
        try (OperatorProcess operator = OperatorProcess.start()) {
            load.awaitConverged(ChaosProcessIT.CONVERGED_WITHIN);
            Map<String, Integer> driftBefore = load.driftCounts();
            long startKib = operator.residentKib();
            long startLiveKib = operator.liveHeapKib();
            long peakKib = startKib;
            long start = System.nanoTime();
            long nextSample = start;
            int relabels = 0;
            int sessions = 0;
            while (System.nanoTime() - start < length.toNanos()) {
                String namespace = load.namespaces.get(random.nextInt(load.namespaces.size()));
                load.relabel(namespace, load.tiers.get(random.nextInt(load.tiers.size())));
                relabels++;
                if (load.sessions.containsKey(namespace)) {
                    load.deleteSession(namespace);
                } else {
                    load.createSession(namespace, "churn-" + sessions);
                }
                sessions++;
                if (relabels % 50 == 0) {
                    load.changePolicies();
                }
                if (System.nanoTime() >= nextSample) {
                    long kib = operator.residentKib();
                    peakKib = Math.max(peakKib, kib);
                    LOG.infof("soak: %d s, %d relabels, %d session changes, RSS %d MiB", (System.nanoTime() - start) / 1_000_000_000,
                            relabels, sessions, kib / 1024);
                    nextSample += Duration.ofSeconds(30).toNanos();
                }
                Thread.sleep(200); // the pace of the churn, not a wait for a condition
            }
            Duration converged = load.awaitConverged(ChaosProcessIT.CONVERGED_WITHIN);
            long endKib = operator.residentKib();
            peakKib = Math.max(peakKib, endKib);
            long endLiveKib = operator.liveHeapKib();
            LOG.infof("soak: %d min, %d relabels, %d session changes; converged %d ms after the churn; RSS %d -> %d MiB "
                    + "(growth %d MiB, peak %d MiB); live heap after a full collection %d -> %d MiB", length.toMinutes(), relabels, sessions,
                    converged.toMillis(), startKib / 1024, endKib / 1024, (endKib - startKib) / 1024, peakKib / 1024, startLiveKib / 1024,
                    endLiveKib / 1024);
            assertThat(operator.isAlive()).as("the operator is still running").isTrue();
            assertThat(load.driftEvents(driftBefore)).as("DriftDetected Events without any hand edit").isEmpty();
        } finally {
            load.delete();
        }
    }
}
