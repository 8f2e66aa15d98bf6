package io.agentpolicy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.operator.admission.AdmissionPolicies;
import io.agentpolicy.testing.OperatorProcess;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * Faults of the operator's own process and of what it generated, against the packaged operator: killed (SIGKILL)
 * in the middle of a convergence and started again; a generated admission policy and its binding deleted.
 */
class ChaosProcessIT {
    private static final Logger LOG = Logger.getLogger(ChaosProcessIT.class);
    static final Duration CONVERGED_WITHIN = Duration.ofSeconds(60);
    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void killedInTheMiddleOfAConvergenceItConvergesWhenStartedAgain() throws Exception {
        ChaosLoad load = ChaosLoad.create(client);
        try {
            Map<String, Integer> driftBefore;
            try (OperatorProcess first = OperatorProcess.start()) {
                LOG.infof("SIGKILL: %s converged %d ms after the operator was ready", load, load.awaitConverged(CONVERGED_WITHIN).toMillis());
                driftBefore = load.driftCounts();
                List<String> before = baselines(load);
                // Killed at the first map the change reaches, so other maps and statuses are still to be written.
                CountDownLatch reached = new CountDownLatch(1);
                AtomicReference<WatcherException> closed = new AtomicReference<>();
                // From the version of a LIST: no change is missed, however late the watch starts.
                String selector = ApiConstants.MANAGED_BY_LABEL + "=" + ApiConstants.MANAGED_BY_VALUE;
                String listed = client.configMaps().inAnyNamespace().withLabelSelector(selector).list().getMetadata().getResourceVersion();
                try (Watch watch = client.configMaps().inAnyNamespace()
                        .watch(new ListOptionsBuilder().withLabelSelector(selector).withResourceVersion(listed).build(), new Watcher<>() {
                            @Override
                            public void eventReceived(Action action, ConfigMap map) {
                                if (action == Action.MODIFIED && load.namespaces.contains(map.getMetadata().getNamespace())) {
                                    reached.countDown();
                                }
                            }

                            @Override
                            public void onClose(WatcherException cause) {
                                closed.set(cause);
                            }
                        })) {
                    load.changePolicies();
                    assertThat(reached.await(CONVERGED_WITHIN.toSeconds(), TimeUnit.SECONDS))
                            .as("the change reached a map (the watch closed with: %s)", closed.get()).isTrue();
                    first.kill();
                }
                List<String> after = baselines(load);
                LOG.infof("SIGKILL: killed the operator with %d of %d baseline maps changed", IntStream.range(0, before.size())
                        .filter(i -> !Objects.equals(before.get(i), after.get(i))).count(), load.namespaces.size());
            }
            long restarted = System.nanoTime();
            try (OperatorProcess second = OperatorProcess.start()) {
                Duration converged = load.awaitConverged(CONVERGED_WITHIN);
                LOG.infof("SIGKILL: converged %d ms after the restart (%d ms after it was ready), 1 restart",
                        (System.nanoTime() - restarted) / 1_000_000, converged.toMillis());
                assertThat(second.isAlive()).as("the restarted operator is running").isTrue();
                assertThat(load.driftEvents(driftBefore)).as("DriftDetected Events without any hand edit").isEmpty();
            }
        } finally {
            load.delete();
        }
    }

    /** The operator's own writes are never drift: none reported while it renders a fresh load and its statuses. */
    @Test
    void itsFirstConvergenceReportsNoDrift() throws Exception {
        ChaosLoad load = ChaosLoad.create(client);
        try (OperatorProcess operator = OperatorProcess.start()) {
            LOG.infof("first convergence: %s converged %d ms after the operator was ready", load,
                    load.awaitConverged(CONVERGED_WITHIN).toMillis());
            assertThat(load.driftEvents(Map.of())).as("DriftDetected Events without any hand edit").isEmpty();
        } finally {
            load.delete();
        }
    }

    @Test
    void aDeletedAdmissionPolicyAndItsBindingAreRestoredWithinSeconds() throws Exception {
        String name = AdmissionPolicies.SESSION_MODES;
        try (OperatorProcess operator = OperatorProcess.start()) {
            await().atMost(CONVERGED_WITHIN).until(() -> exists(name));
            // A first deletion may reach a process that has not reconciled the policy yet: to it, the policy is merely
            // missing. Once put back, the process knows it wrote it, and a second deletion is a hand deletion. (Repeats of
            // one Event within 5 minutes are held back, so the two deletions count at least once.)
            int reportedBefore = restorations(name);
            delete(name);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> exists(name));
            long deleted = System.nanoTime();
            delete(name);

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> exists(name));
            LOG.infof("admission policy: %s and its binding restored %d ms after their deletion", name,
                    (System.nanoTime() - deleted) / 1_000_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> restorations(name) > reportedBefore);
            assertThat(operator.isAlive()).isTrue();
        }
    }

    private List<String> baselines(ChaosLoad load) {
        return load.namespaces.stream().map(ns -> client.configMaps().inNamespace(ns).withName(ApiConstants.DEFAULT_BASELINE_CONFIG_MAP).get())
                .map(map -> map == null ? null : map.getData().get(ApiConstants.SETTINGS_KEY)).toList();
    }

    private void delete(String name) {
        client.resources(ValidatingAdmissionPolicy.class).withName(name).delete();
        client.resources(ValidatingAdmissionPolicyBinding.class).withName(name).delete();
    }

    private boolean exists(String name) {
        return client.resources(ValidatingAdmissionPolicy.class).withName(name).get() != null
                && client.resources(ValidatingAdmissionPolicyBinding.class).withName(name).get() != null;
    }

    /** How often a deletion of the policy was reported (AdmissionPolicyRestored Events, counting repeats). */
    private int restorations(String name) {
        return client.v1().events().inNamespace("default").withField("reason", "AdmissionPolicyRestored").list().getItems().stream()
                .filter(e -> e.getMessage().contains("ValidatingAdmissionPolicy " + name + " was deleted; restored it"))
                .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum();
    }
}
