package io.agentpolicy.cli;

import java.time.Instant;
import java.util.List;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.BaselinePlan;
import io.agentpolicy.engine.BaselineRendering;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.TrackRecord;

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

    /** The namespace's baseline map as the baseline reconciler plans it (every policy here is valid). */
    BaselinePlan baseline(NamespaceInfo namespace) {
        return engine.planBaseline(policies, namespace, List.of(), policy -> true);
    }

    /** The map a plan to render calls for, merged at now. */
    BaselineRendering render(BaselinePlan.Render plan, Instant now) {
        return engine.renderBaseline(plan.policies(), now);
    }

    /**
     * As the operator decides an AgentSession in the namespace, with the answers to its exception and its engineer's
     * track record. An approval read from a file without metadata.creationTimestamp counts as made at now; only the
     * incidents of the session's engineer count, and the standing (may be null) gives the sessions that ended.
     */
    Decision decide(NamespaceInfo namespace, AgentSession session, List<AgentSessionApproval> approvals, List<AgentIncident> incidents,
            EngineerStanding standing, Instant now) {
        String engineer = session.getSpec() == null ? null : session.getSpec().getEngineer();
        List<AgentIncident> theirs = incidents.stream().filter(i -> i.getSpec().getEngineer().equals(engineer)).toList();
        TrackRecord.History history = TrackRecord.History.of(theirs, standing == null ? null : standing.getStatus());
        return engine.decide(policies, namespace, session, approvals, history, now);
    }
}
