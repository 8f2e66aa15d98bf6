package io.agentpolicy.helm;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;

import io.agentpolicy.operator.config.OperatorConfig;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;

/**
 * Leader election as the operator configures it, except that giving up the lead (when the test's application
 * stops) does not exit the JVM, which the following test classes still need. Enabled by RbacProofTest's profile.
 */
@Alternative
public class LeaderElectionWithoutExit {

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaderElection().leaseName())
                .withLeaseNamespace(config.leaderElection().leaseNamespace().orElse(null))
                .withExitOnStopLeading(false)
                .build();
    }
}
