package io.agentpolicy.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.Enforcement;
import io.agentpolicy.api.ExceptionState;
import io.agentpolicy.api.OnViolation;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionPhase;

/** Decides an AgentSession by the nine steps of shared/docs/api.md, with a reason naming the deciding rule and policy. */
final class SessionDecider {
    private final PolicySelection selection;

    SessionDecider(PolicySelection selection) {
        this.selection = selection;
    }

    /** A cap on the session's mode and the sentence that explains where it comes from. */
    private record Cap(PermissionMode maxMode, String clause) {
    }

    /**
     * The answers to a session's exception, with what they must name: the session and its current spec generation.
     * created is when the session was created (null for one read from a file): an answer older than that was made for
     * an earlier session of the same name, deleted since.
     */
    record Answers(String session, long generation, Instant created, Collection<AgentSessionApproval> approvals) {
        static final Answers NONE = new Answers("", 0, null, List.of());
    }

    Decision decide(Collection<PermissionPolicy> all, NamespaceInfo ns, AgentSessionSpec session, Answers answers,
            TrackRecord.History history, Instant now) {
        AgentSessionSpec spec = session == null ? new AgentSessionSpec() : session;
        String tier = selection.sessionTierOf(ns);
        List<PermissionPolicy> governing = selection.forSession(all, ns);
        MergedPolicy merged = governing.isEmpty() ? null : PolicyMerger.merge(governing, now);
        Seniority level = merged == null ? Seniority.JUNIOR : merged.seniorityOf(Policies.orEmpty(spec.getGroups()));
        TrackRecord.Rules escalation = TrackRecord.Rules.of(governing);
        TrackRecord.Standing standing = escalation == null ? null : TrackRecord.evaluate(escalation, level, ns.name(), history, now);
        TrackRecord.Standing escalated = standing != null && standing.escalated() ? standing : null;
        Facts facts = new Facts(tier, escalated == null ? level : escalated.level(), merged == null ? List.of() : merged.policyNames(),
                merged, null, escalated);

        if (spec.unreadable() != null) {
            return facts.ended(SessionPhase.DENIED, spec.unreadable().field() + ": " + spec.unreadable().message() + "; denied");
        }
        Instant sessionExpiry = Rfc3339.parse(spec.getExpiresAt());
        if (spec.getExpiresAt() != null && sessionExpiry == null) {
            return facts.ended(SessionPhase.DENIED, "spec.expiresAt \"" + spec.getExpiresAt()
                    + "\" is not an RFC 3339 timestamp (e.g. 2026-11-21T18:00:00Z); denied");
        }
        if (sessionExpiry != null && !now.isBefore(sessionExpiry)) {
            return facts.ended(SessionPhase.EXPIRED, "session expired at " + Rfc3339.format(sessionExpiry));
        }
        Facts pending = facts.until(Stream.of(sessionExpiry, merged == null ? null : merged.soonestOverrideExpiry())
                .filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null));
        if (merged == null) {
            return pending.ended(SessionPhase.DENIED, "no PermissionPolicy governs namespace " + ns.name() + ", tier " + tier);
        }
        Decision without = judge(spec, merged, pending);
        Decision decided = spec.getException() == null ? without : withException(spec, merged, pending, without, answers, now);
        return escalated == null ? decided : decided.escalatedBy(escalated);
    }

    /**
     * A session asking for an exception: when its mode is above what it gets without one and within the exception cap
     * (never above an active emergency override), it waits for every approval, then runs in the requested mode until
     * the last approval plus maxDuration; a Reject or the lapse decides it as without the exception.
     */
    private static Decision withException(AgentSessionSpec spec, MergedPolicy merged, Facts facts, Decision without,
            Answers answers, Instant now) {
        PermissionMode mode = spec.getRequestedMode() != null ? spec.getRequestedMode() : merged.defaultMode();
        MergedPolicy.ExceptionRules rules = merged.exceptions();
        if (without.phase().runs() && !mode.isAbove(without.effectiveMode())) {
            return notApplicable(without, "no exception needed");
        }
        if (rules == null) {
            return notApplicable(without, "no exception possible: no policy of tier " + facts.tier() + " sets exceptions");
        }
        if (mode.isAbove(rules.maxMode())) {
            return notApplicable(without, "no exception possible: " + mode + " is above the exception cap " + rules.maxMode()
                    + " (" + Policies.describe(rules.policies()) + ")");
        }
        Optional<MergedPolicy.ActiveOverride> override = merged.activeOverrides().stream()
                .filter(o -> mode.isAbove(o.maxMode())).findFirst();
        if (override.isPresent()) {
            return notApplicable(without, "no exception possible: emergency override caps at " + override.get().maxMode()
                    + " until " + Rfc3339.format(override.get().expiresAt()) + " (policy " + override.get().policy() + ")");
        }

        List<ExceptionApprovals.Answer> eligible = ExceptionApprovals.eligible(answers, spec.getEngineer(), rules.approvals(), now);
        ExceptionApprovals.Count count = ExceptionApprovals.count(eligible, rules.approvals());
        Optional<ExceptionApprovals.Answer> reject = ExceptionApprovals.firstReject(eligible);
        if (reject.isPresent()) {
            ExceptionApprovals.Answer no = reject.get();
            return exception(without, new ExceptionOutcome(ExceptionState.REJECTED, count.counted(), List.of(), null),
                    "exception rejected by " + no.approver() + " (" + String.join(", ", no.groups()) + ")"
                            + (no.comment() == null || no.comment().isBlank() ? "" : ": " + no.comment()) + "; " + without.reason());
        }
        List<String> missing = count.missing().stream().map(MergedPolicy.Requirement::describe).toList();
        if (!count.complete()) {
            String reason = "requested " + mode + " with an exception (" + spec.getException().getReason() + ") beyond what it "
                    + "gets without one (" + without.reason() + "); awaiting approval by " + String.join(", ", missing)
                    + " (" + Policies.describe(rules.policies()) + ")";
            return facts.ended(SessionPhase.PENDING_APPROVAL, reason)
                    .withException(new ExceptionOutcome(ExceptionState.PENDING, count.counted(), missing, null));
        }
        Instant expiresAt = count.lastApproval().plus(rules.maxDuration());
        if (!now.isBefore(expiresAt)) {
            return exception(without, new ExceptionOutcome(ExceptionState.EXPIRED, count.counted(), List.of(), expiresAt),
                    "exception expired at " + Rfc3339.format(expiresAt) + "; " + without.reason());
        }
        String approvedBy = count.counted().stream()
                .map(a -> a.approver() + " (" + String.join(", ", a.groups()) + ")").collect(Collectors.joining(", "));
        Instant next = facts.nextTransition() == null || expiresAt.isBefore(facts.nextTransition()) ? expiresAt : facts.nextTransition();
        return facts.until(next).runs(SessionPhase.ADMITTED, mode, false, "requested " + mode + " with an exception ("
                + spec.getException().getReason() + "); approved by " + approvedBy + " until " + Rfc3339.format(expiresAt)
                + " (" + Policies.describe(rules.policies()) + ")")
                .withException(new ExceptionOutcome(ExceptionState.APPROVED, count.counted(), List.of(), expiresAt));
    }

    private static Decision notApplicable(Decision without, String why) {
        return exception(without, ExceptionOutcome.of(ExceptionState.NOT_APPLICABLE), without.reason() + "; " + why);
    }

    /** The decision without the exception, its reason replaced, with the exception's outcome. */
    private static Decision exception(Decision without, ExceptionOutcome outcome, String reason) {
        return new Decision(without.phase(), without.effectiveMode(), without.tier(), without.seniority(), without.policies(),
                reason, without.policyViolation(), without.merged(), without.nextTransition(), outcome);
    }

    /** Steps 5 to 9: the requested (or default) mode against the allowed set and the lowest cap. */
    private static Decision judge(AgentSessionSpec spec, MergedPolicy merged, Facts facts) {
        String tier = facts.tier();
        PermissionMode requested = spec.getRequestedMode();
        PermissionMode mode = requested != null ? requested : merged.defaultMode();
        String lead = requested != null ? "requested " + mode : "no mode requested; the namespace default is " + mode;
        Optional<Cap> cap = lowestCap(merged, facts.seniority(), facts.escalation() != null && facts.escalation().cappedAtPlan(),
                spec.getTaskType(), tier);
        boolean allowed = merged.allowed().contains(mode);
        boolean withinCap = cap.map(c -> !mode.isAbove(c.maxMode())).orElse(true);
        if (allowed && withinCap) {
            return facts.runs(SessionPhase.ADMITTED, mode, false,
                    lead + "; within tier " + tier + "'s allowed modes and caps (" + Policies.describe(facts.policies()) + ")");
        }

        List<String> clauses = new ArrayList<>();
        if (allowed || requested == null) {
            clauses.add(lead); // "tier X does not allow <mode>" already names a requested mode
        }
        if (!allowed) {
            clauses.add("tier " + tier + " does not allow " + mode + " (" + Policies.describe(merged.policiesExcluding(mode)) + ")");
        }
        if (!withinCap) {
            clauses.add(cap.get().clause());
        }
        String because = String.join("; ", clauses);
        if (merged.enforcement() == Enforcement.AUDIT) {
            return facts.runs(SessionPhase.ADMITTED, mode, true, because + "; admitted under Audit (violation reported)");
        }
        if (merged.onViolation() == OnViolation.DENY) {
            return facts.ended(SessionPhase.DENIED, because + "; denied");
        }
        PermissionMode limit = cap.map(c -> PermissionMode.lowest(mode, c.maxMode())).orElse(mode);
        return ModeSets.highestAtOrBelow(merged.allowed(), limit)
                .map(target -> facts.runs(SessionPhase.DOWNGRADED, target, false, because + "; downgraded to " + target))
                .orElseGet(() -> facts.ended(SessionPhase.DENIED,
                        because + "; tier " + tier + " allows no mode at or below " + limit + "; denied"));
    }

    /**
     * The lowest of the caps that apply; on a tie the emergency override is named first, then the task type, then
     * seniority (the more specific and temporary rule explains the decision best), and within each in policy name order.
     */
    private static Optional<Cap> lowestCap(MergedPolicy merged, Seniority level, boolean escalatedJunior, String taskType,
            String tier) {
        List<Cap> caps = new ArrayList<>();
        merged.activeOverrides().forEach(o -> caps.add(new Cap(o.maxMode(), "emergency override caps at " + o.maxMode()
                + " until " + Rfc3339.format(o.expiresAt()) + ": " + o.reason() + " (policy " + o.policy() + ")")));
        merged.taskCaps().stream().filter(t -> t.covers(taskType))
                .forEach(t -> caps.add(new Cap(t.maxMode(), "task type " + taskType + " is capped at " + t.maxMode()
                        + " (policy " + t.policy() + ")")));
        Optional<MergedPolicy.TaskRaise> raise = merged.taskRaises().stream().filter(r -> r.covers(taskType))
                .min(Comparator.comparingInt(r -> r.raiseTo().rank())); // several raises: the most cautious one
        for (MergedPolicy.SeniorityCap s : merged.seniorityCaps()) {
            if (s.level() != level) {
                continue;
            }
            String clause = "seniority " + level + " caps tier " + tier + " at " + s.maxMode() + " (policy " + s.policy() + ")";
            if (raise.isPresent() && raise.get().raiseTo().isAbove(s.maxMode())) {
                MergedPolicy.TaskRaise r = raise.get();
                caps.add(new Cap(r.raiseTo(), clause + ", raised to " + r.raiseTo() + " for task type " + taskType
                        + " (policy " + r.policy() + ")"));
            } else {
                caps.add(new Cap(s.maxMode(), clause));
            }
        }
        if (escalatedJunior) { // a seniority rule too: named after the others
            caps.add(new Cap(PermissionMode.PLAN, "an escalated junior is capped at plan"));
        }
        return caps.stream().min(Comparator.comparingInt(c -> c.maxMode().rank())); // min keeps the first of equals
    }

    /** What every outcome of one decision shares. */
    private record Facts(String tier, Seniority seniority, List<String> policies, MergedPolicy merged, Instant nextTransition,
            TrackRecord.Standing escalation) {

        Facts until(Instant next) {
            return new Facts(tier, seniority, policies, merged, next, escalation);
        }

        Decision runs(SessionPhase phase, PermissionMode mode, boolean violation, String reason) {
            return new Decision(phase, mode, tier, seniority, policies, reason, violation, merged, nextTransition);
        }

        Decision ended(SessionPhase phase, String reason) {
            return new Decision(phase, null, tier, seniority, policies, reason, false, merged, nextTransition);
        }
    }
}
