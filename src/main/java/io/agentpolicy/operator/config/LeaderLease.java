package io.agentpolicy.operator.config;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Leader election with a clean end. JOSDK's own handling exits the JVM whenever leadership ends, also when the
 * operator stops on SIGTERM: System.exit inside the shutdown hook then deadlocked, the lease was never released, and
 * every rollout waited out the grace period while the next replica waited out the lease.
 * <p>
 * Here a graceful stop releases the lease (the next replica leads within its retry period) and lets the shutdown
 * finish. Leadership lost while running still ends the process, as controller-runtime does: JOSDK cannot stop its
 * controllers and re-enter the election, and a process that goes on reconciling without the lease would be a
 * second leader writing.
 */
@ApplicationScoped
public class LeaderLease {
    private static final Logger LOG = Logger.getLogger(LeaderLease.class);
    /**
     * Longer than JOSDK's 15 s / 10 s: a renewal shares the client's 10 s request timeout, so with a 10 s renew
     * deadline one slow request (an API server restarting under load) cost the lease. A graceful stop hands the
     * lease back, so only a crashed leader's replica waits out the 30 s.
     */
    static final Duration LEASE_DURATION = Duration.ofSeconds(30);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(20);
    static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

    /** The pod name in a cluster (unique per replica); a random one elsewhere. */
    private final String identity = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank())
            .orElseGet(() -> UUID.randomUUID().toString());
    private volatile boolean stopping;

    @Inject
    OperatorConfig config;

    @Inject
    KubernetesClient client;

    /** The configuration QOSDK asks for; empty when leader election is off. */
    Optional<LeaderElectionConfiguration> configuration() {
        OperatorConfig.LeaderElection election = config.leaderElection();
        if (!election.enabled()) {
            return Optional.empty();
        }
        return Optional.of(new LeaderElectionConfiguration(election.leaseName(), election.leaseNamespace().orElse(null),
                LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD, identity,
                new LeaderCallbacks(() -> LOG.infof("%s leads", identity), this::stoppedLeading, leader -> {
                }), false));
    }

    /** Runs before QOSDK stops the operator (which ends the election and calls back stoppedLeading). */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
    }

    private void stoppedLeading() {
        if (stopping) {
            release();
            return;
        }
        LOG.errorf("%s lost the lease; exiting so that no two replicas write (a new process re-enters the election)", identity);
        // From a thread of its own: System.exit must never run on a thread the shutdown it starts waits for.
        Thread exit = new Thread(() -> System.exit(1), "lost-leadership-exit");
        exit.setDaemon(true);
        exit.start();
    }

    /** Hands the lease back so the next replica need not wait for it to lapse (what fabric8's releaseOnCancel does). */
    private void release() {
        String namespace = config.leaderElection().leaseNamespace().orElseGet(client::getNamespace);
        LeaseLock lock = new LeaseLock(namespace, config.leaderElection().leaseName(), identity);
        try {
            LeaderElectionRecord current = lock.get(client);
            if (current == null || !identity.equals(current.getHolderIdentity())) {
                return;
            }
            ZonedDateTime now = ZonedDateTime.now();
            lock.update(client, new LeaderElectionRecord("", Duration.ofSeconds(1), now, now, current.getLeaderTransitions()));
            LOG.infof("%s released the lease", identity);
        } catch (KubernetesClientException e) {
            LOG.warnf("could not release the lease (the next replica takes it when it lapses): %s", e.getMessage());
        }
    }
}
