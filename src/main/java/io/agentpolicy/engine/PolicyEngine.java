package io.agentpolicy.engine;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.PermissionPolicy;

/**
 * The pure policy engine the operator and the offline CLI share: select, merge, decide and validate. It holds no
 * clock; every time-dependent call takes the current instant. Render with {@link SettingsRenderer}.
 */
public final class PolicyEngine {
    private final PolicySelection selection;
    private final SessionDecider decider;

    public PolicyEngine(EngineConfig config) {
        this.selection = new PolicySelection(config);
        this.decider = new SessionDecider(selection);
    }

    /** The namespace's tier label value, or null when it is unclassified. */
    public String tierOf(NamespaceInfo ns) {
        return selection.tierOf(ns);
    }

    /** The policies rendered into the namespace's baseline map (none for an unclassified namespace), sorted by name. */
    public List<PermissionPolicy> forBaseline(Collection<PermissionPolicy> all, NamespaceInfo ns) {
        return selection.forBaseline(all, ns);
    }

    /** The policies that decide sessions in the namespace, sorted by name. */
    public List<PermissionPolicy> forSession(Collection<PermissionPolicy> all, NamespaceInfo ns) {
        return selection.forSession(all, ns);
    }

    /** Whether the policy's emergency override is in force at now; one whose expiresAt cannot be parsed never is. */
    public boolean overrideInForce(PermissionPolicy policy, Instant now) {
        return PolicyMerger.overrideExpiryInForce(policy, now) != null;
    }

    /** Merges the policies governing one namespace; emergency overrides count when now &lt; expiresAt. Needs at least one policy. */
    public MergedPolicy merge(List<PermissionPolicy> matching, Instant now) {
        return PolicyMerger.merge(matching, now);
    }

    /** Decides a session spec that has no answers to an exception (docs/api.md, Decision). */
    public Decision decide(Collection<PermissionPolicy> all, NamespaceInfo ns, AgentSessionSpec session, Instant now) {
        return decider.decide(all, ns, session, SessionDecider.Answers.NONE, now);
    }

    /**
     * Decides an AgentSession with the answers to its exception (docs/api.md, Decision and Exceptions). approvals may hold
     * answers to other sessions; only those naming this session and its current metadata.generation count (a session
     * read from a file, never stored, is at generation 1). The operator and the CLI both decide through here.
     */
    public Decision decide(Collection<PermissionPolicy> all, NamespaceInfo ns, AgentSession session,
            Collection<AgentSessionApproval> approvals, Instant now) {
        Long generation = session.getMetadata() == null ? null : session.getMetadata().getGeneration();
        String name = session.getMetadata() == null || session.getMetadata().getName() == null ? "" : session.getMetadata().getName();
        return decider.decide(all, ns, session.getSpec(),
                new SessionDecider.Answers(name, generation == null ? 1 : generation, approvals), now);
    }

    /**
     * Validates a policy. overrideActivatedAt is when the operator first saw its emergency override (status
     * emergencyOverride.activatedAt, or now for a new one); null skips the 24-hour check.
     */
    public ValidationResult validate(PermissionPolicy policy, Instant overrideActivatedAt) {
        return PolicyValidator.validate(policy, overrideActivatedAt);
    }

    /** Validates a whole managed-settings.json document, e.g. a rendered map someone edited, or a file given to the CLI. */
    public ValidationResult validateManagedSettings(JsonNode document) {
        Findings findings = new Findings();
        SettingsValidator.checkManagedFile(document, findings);
        return findings.result();
    }
}
