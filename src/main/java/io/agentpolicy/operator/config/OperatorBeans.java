package io.agentpolicy.operator.config;

import java.time.Clock;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.SessionLifetime;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/** Wires the pure engine, the session lifetime, the clock, controller metrics and leader election into CDI. */
public class OperatorBeans {

    @Produces
    @Singleton
    PolicyEngine policyEngine(OperatorConfig config) {
        return new PolicyEngine(new EngineConfig(config.tierLabel(), config.unclassifiedTier()));
    }

    @Produces
    @Singleton
    SessionLifetime sessionLifetime(OperatorConfig config) {
        return new SessionLifetime(config.maxSessionDuration());
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * JOSDK metrics per controller, not per resource: per-resource series would grow with every namespace
     * and session in the cluster.
     */
    @Produces
    @Singleton
    Metrics controllerMetrics(MeterRegistry registry) {
        return MicrometerMetrics.withoutPerResourceMetrics(registry);
    }

    /** QOSDK asks for this bean in the prod profile; a null result leaves leader election off. */
    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(LeaderLease lease) {
        return lease.configuration().orElse(null);
    }
}
