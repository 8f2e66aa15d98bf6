package io.agentpolicy.operator.config;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Starts the operator in the background once the application is up, and stops it on shutdown
 * (quarkus.operator-sdk.start-operator=false). QOSDK's own start runs inside the startup event and waits for every
 * informer: with the API server unreachable the process sat there for minutes with no HTTP listener, so no probe or
 * metric could say why. Here the HTTP endpoints answer at once, liveness is up, readiness stays down until the
 * operator has started and its informers are healthy, and the start waits for the API server with backoff instead
 * of failing on it (a start-up error that would otherwise end the process, e.g. the lease access check).
 */
@ApplicationScoped
public class OperatorLifecycle {
    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);
    /** A probe is one /readyz request: cheap enough to ask every second, so the start follows the API server's return closely. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    /** While the API server stays away, the log says so once this many probes, not at each. */
    static final int PROBES_PER_WARNING = 30;

    @Inject
    Operator operator;

    @Inject
    @Readiness
    ApiServerReadiness apiServer;

    private volatile Thread starter;

    void onStart(@Observes StartupEvent event) {
        // Creates the operator (registers the reconcilers) now rather than at the first readiness probe.
        operator.getRegisteredControllersNumber();
        starter = new Thread(this::startWhenTheApiServerServes, "operator-start");
        starter.setDaemon(true);
        starter.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (starter != null) {
            starter.interrupt();
        }
        operator.stop();
    }

    private void startWhenTheApiServerServes() {
        for (int probes = 0; !apiServer.serves(); probes++) {
            if (probes % PROBES_PER_WARNING == 0) {
                LOG.warn("the API server is not ready (its /readyz); the operator starts when it is (asking every second)");
            }
            try {
                Thread.sleep(PROBE_INTERVAL.toMillis());
            } catch (InterruptedException stopping) {
                return;
            }
        }
        try {
            operator.start();
        } catch (RuntimeException e) {
            // Not a passing outage (the API server answered just now): a supervisor restart is the way out.
            LOG.errorf("the operator could not start: %s; exiting", OneLineReconcileErrors.summary(e));
            System.exit(1);
        }
    }
}
