package io.agentpolicy.operator.config;

import java.time.Clock;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.PolicyEngine;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/** Wires the pure engine, the clock and leader election into CDI. */
public class OperatorBeans {

    @Produces
    @Singleton
    PolicyEngine policyEngine(OperatorConfig config) {
        return new PolicyEngine(new EngineConfig(config.tierLabel(), config.unclassifiedTier()));
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** QOSDK asks for this bean in the prod profile; a null result leaves leader election off. */
    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        OperatorConfig.LeaderElection election = config.leaderElection();
        if (!election.enabled()) {
            return null;
        }
        return new LeaderElectionConfiguration(election.leaseName(), election.leaseNamespace().orElse(null));
    }
}
