package io.agentpolicy.operator.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The operator's settings (shared/docs/api.md, "Operator configuration"); each is also an environment variable,
 * e.g. AGENTPOLICY_TIER_LABEL, and a Helm value.
 */
@ConfigMapping(prefix = "agentpolicy")
public interface OperatorConfig {

    /** Namespace label holding the tier. */
    @WithDefault("agentpolicy.io/tier")
    String tierLabel();

    /** Tier used to decide sessions in unlabelled namespaces (fail closed: the strictest). */
    @WithDefault("1")
    String unclassifiedTier();

    /** Groups that may create sessions on an engineer's behalf. */
    @WithDefault("system:masters")
    List<String> trustedGroups();

    /** Generate the admission policy that refuses edits of rendered maps. */
    @WithDefault("true")
    boolean protectManagedConfigMaps();

    /** Groups still allowed to edit rendered maps (their edits are drift). */
    @WithDefault("system:masters")
    List<String> breakGlassGroups();

    /** Name of the namespace baseline map. */
    @WithDefault("agent-managed-settings")
    String configMapName();

    /**
     * Namespaces whose AgentSessions this operator decides; absent = all. Applied to the agent-session controller
     * in application.properties. Baseline maps are rendered in every tiered namespace regardless.
     */
    Optional<List<String>> sessionNamespaces();

    /** Longest life of a session from its creation, whatever its expiresAt (e.g. 168h, 30m, PT2H). */
    @WithDefault("168h")
    Duration maxSessionDuration();

    /** OpenReports output. */
    Reports reports();

    interface Reports {
        /** Write a Report per governed namespace while the OpenReports CRD is installed. */
        @WithDefault("true")
        boolean enabled();
    }

    /** Leader election between replicas. */
    LeaderElection leaderElection();

    interface LeaderElection {
        /** Off in dev and test (see application.properties); replicas > 1 need it on. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("agent-policy-operator")
        String leaseName();

        /** Defaults to the namespace the operator runs in. */
        Optional<String> leaseNamespace();
    }
}
