package io.agentpolicy.engine;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.Seniority;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * The pure policy engine the operator and the offline CLI share: select, merge, decide and validate. It holds no
 * clock; every time-dependent call takes the current instant. Render with {@link SettingsRenderer}.
 */
public final class PolicyEngine {
    private final EngineConfig config;
    private final PolicySelection selection;
    private final SessionDecider decider;

    public PolicyEngine(EngineConfig config) {
        this.config = config;
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

    /**
     * What the namespace's baseline map should be. An invalid policy that governs the namespace, or that its current
     * map was rendered from (renderedFrom: the map's agentpolicy.io/policies), keeps the map as it is: an invalid
     * spec (say, a broken selector) must neither re-render nor remove it.
     */
    public BaselinePlan planBaseline(Collection<PermissionPolicy> all, NamespaceInfo ns, Collection<String> renderedFrom,
            Predicate<PermissionPolicy> valid) {
        List<PermissionPolicy> matching = forBaseline(all, ns);
        List<String> invalid = all.stream()
                .filter(p -> matching.contains(p) || renderedFrom.contains(p.getMetadata().getName()))
                .filter(valid.negate()).map(p -> p.getMetadata().getName()).sorted().toList();
        if (!invalid.isEmpty()) {
            return new BaselinePlan.Keep(invalid);
        }
        if (tierOf(ns) == null) {
            return new BaselinePlan.None("namespace " + ns.name() + " has no " + config.tierLabel() + " label, so the operator "
                    + "writes no baseline map for it (sessions there are decided as tier " + config.unclassifiedTier() + ")");
        }
        if (matching.isEmpty()) {
            return new BaselinePlan.None("no PermissionPolicy governs namespace " + ns.name() + ", tier " + tierOf(ns)
                    + ", so the operator writes no baseline map for it");
        }
        return new BaselinePlan.Render(matching);
    }

    /** The merge of the policies a {@link BaselinePlan.Render} names, at now, and the map's canonical content. */
    public BaselineRendering renderBaseline(List<PermissionPolicy> policies, Instant now) {
        MergedPolicy merged = merge(policies, now);
        return new BaselineRendering(merged, SettingsRenderer.renderBaseline(merged));
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

    /** Decides a session spec that has no answers to an exception (shared/docs/api.md, Decision). */
    public Decision decide(Collection<PermissionPolicy> all, NamespaceInfo ns, AgentSessionSpec session, Instant now) {
        return decider.decide(all, ns, session, SessionDecider.Answers.NONE, TrackRecord.History.NONE, now);
    }

    /**
     * Decides an AgentSession with the answers to its exception (shared/docs/api.md, Decision and Exceptions). approvals may hold
     * answers to other sessions; only those naming this session and its current metadata.generation, made since its
     * creationTimestamp, count (a session read from a file, never stored, is at generation 1). The operator and the CLI
     * both decide through here.
     */
    public Decision decide(Collection<PermissionPolicy> all, NamespaceInfo ns, AgentSession session,
            Collection<AgentSessionApproval> approvals, Instant now) {
        return decide(all, ns, session, approvals, TrackRecord.History.NONE, now);
    }

    /**
     * Decides an AgentSession with the answers to its exception and its engineer's track record (shared/docs/api.md,
     * Track record): while the engineer is escalated in the namespace, the session is decided one level lower and its
     * reason says why first.
     */
    public Decision decide(Collection<PermissionPolicy> all, NamespaceInfo ns, AgentSession session,
            Collection<AgentSessionApproval> approvals, TrackRecord.History history, Instant now) {
        ObjectMeta meta = session.getMetadata() == null ? new ObjectMeta() : session.getMetadata();
        SessionDecider.Answers answers = new SessionDecider.Answers(meta.getName() == null ? "" : meta.getName(),
                meta.getGeneration() == null ? 1 : meta.getGeneration(), Rfc3339.parse(meta.getCreationTimestamp()), approvals);
        return decider.decide(all, ns, session.getSpec(), answers, history, now);
    }

    /**
     * An engineer's standing in a namespace at now, for an engineer of the given level (from their groups); null when
     * no policy governing the namespace sets seniority.escalation.
     */
    public TrackRecord.Standing standing(Collection<PermissionPolicy> all, NamespaceInfo ns, Seniority level,
            TrackRecord.History history, Instant now) {
        TrackRecord.Rules rules = TrackRecord.Rules.of(forSession(all, ns));
        return rules == null ? null : TrackRecord.evaluate(rules, level, ns.name(), history, now);
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
