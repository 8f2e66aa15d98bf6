package io.agentpolicy.cli;

import java.time.Instant;
import java.util.List;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.MergedPolicy;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.RenderedSettings;
import io.agentpolicy.engine.SettingsRenderer;

/**
 * What the operator would do with a set of valid policies, computed without a cluster by the same engine calls its
 * reconcilers make, so the CLI cannot disagree with the cluster.
 */
final class OfflineOperator {
    private final EngineConfig config;
    private final PolicyEngine engine;
    private final List<PermissionPolicy> policies;

    OfflineOperator(EngineConfig config, List<PermissionPolicy> policies) {
        this.config = config;
        this.engine = new PolicyEngine(config);
        this.policies = List.copyOf(policies);
    }

    /** The namespace's baseline map, or why the operator writes none. */
    sealed interface Baseline permits Rendered, NoMap {
    }

    /** The managed-settings.json the operator writes into the namespace's agent-managed-settings map. */
    record Rendered(RenderedSettings settings, MergedPolicy merged) implements Baseline {
    }

    /** The operator writes no baseline map for the namespace, and why. */
    record NoMap(String reason) implements Baseline {
    }

    /** As the baseline reconciler plans it: select by tier label and selector, merge at now, render. */
    Baseline baseline(NamespaceInfo namespace, Instant now) {
        if (engine.tierOf(namespace) == null) {
            return new NoMap("namespace " + namespace.name() + " has no " + config.tierLabel() + " label, so the operator "
                    + "writes no baseline map for it (sessions there are decided as tier " + config.unclassifiedTier() + ")");
        }
        List<PermissionPolicy> matching = engine.forBaseline(policies, namespace);
        if (matching.isEmpty()) {
            return new NoMap("no PermissionPolicy governs namespace " + namespace.name() + ", tier " + engine.tierOf(namespace)
                    + ", so the operator writes no baseline map for it");
        }
        MergedPolicy merged = engine.merge(matching, now);
        return new Rendered(SettingsRenderer.renderBaseline(merged), merged);
    }

    /**
     * As the operator decides an AgentSession in the namespace, with the answers to its exception. An approval read
     * from a file without metadata.creationTimestamp counts as made at now.
     */
    Decision decide(NamespaceInfo namespace, AgentSession session, List<AgentSessionApproval> approvals, Instant now) {
        return engine.decide(policies, namespace, session, approvals, now);
    }
}
