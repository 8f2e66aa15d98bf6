package io.agentpolicy.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import io.agentpolicy.api.ApprovalRequirement;
import io.agentpolicy.api.EmergencyOverride;
import io.agentpolicy.api.Enforcement;
import io.agentpolicy.api.Exceptions;
import io.agentpolicy.api.Modes;
import io.agentpolicy.api.OnViolation;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.PermissionPolicySpec;
import io.agentpolicy.api.Permissions;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SeniorityLevel;

/** Merges the policies governing one namespace, per the merge table of shared/docs/api.md. */
final class PolicyMerger {
    private PolicyMerger() {
    }

    static MergedPolicy merge(List<PermissionPolicy> matching, Instant now) {
        if (matching.isEmpty()) {
            throw new IllegalArgumentException("no policies to merge: a namespace without policies has no merged policy");
        }
        // one fixed order, so the same policies always give the same bytes whatever order they arrive in
        List<PermissionPolicy> ordered = matching.stream().sorted(Policies.MERGE_ORDER).toList();
        List<String> names = ordered.stream().map(Policies::name).sorted().toList();
        List<Conflict> conflicts = new ArrayList<>();

        Map<String, Set<PermissionMode>> permitted = new HashMap<>();
        ordered.forEach(policy -> permitted.put(Policies.name(policy), permittedModes(modes(policy))));
        Set<PermissionMode> allowed = EnumSet.allOf(PermissionMode.class);
        permitted.values().forEach(allowed::retainAll);
        if (allowed.isEmpty()) {
            allowed.add(PermissionMode.PLAN);
            conflicts.add(new Conflict("spec.modes.allowed", restrictingDescription(ordered)
                    + " have no mode in common; only plan is allowed"));
        }

        List<MergedPolicy.ActiveOverride> overrides = activeOverrides(ordered, now);
        PermissionMode requestedDefault = ordered.stream().map(p -> modes(p).getDefaultMode()).filter(Objects::nonNull)
                .reduce(PermissionMode::lowest).orElse(PermissionMode.DEFAULT);
        PermissionMode overrideCap = overrides.stream().map(MergedPolicy.ActiveOverride::maxMode)
                .reduce(PermissionMode::lowest).orElse(PermissionMode.BYPASS_PERMISSIONS);
        // an active emergency override caps the namespace default too, not only sessions (see EmergencyOverride's docs)
        PermissionMode defaultMode = ModeSets.lowerInto(allowed, PermissionMode.lowest(requestedDefault, overrideCap));

        SettingsMerger.Result settings = SettingsMerger.merge(ordered);
        conflicts.addAll(settings.conflicts());

        return new MergedPolicy(names, allowed, defaultMode,
                union(ordered, Permissions::getAllow),
                union(ordered, Permissions::getAsk),
                union(ordered, Permissions::getDeny),
                union(ordered, Permissions::getAdditionalDirectories),
                unanimous(ordered.stream().map(p -> spec(p).getEnforcement()).toList(), Enforcement.AUDIT, Enforcement.ENFORCE),
                unanimous(ordered.stream().map(p -> modes(p).getOnViolation()).toList(), OnViolation.DOWNGRADE, OnViolation.DENY),
                settings.settings(),
                conflicts,
                permitted,
                seniorityGroups(ordered),
                seniorityCaps(ordered),
                taskCaps(ordered),
                overrides,
                taskRaises(ordered),
                exceptions(ordered));
    }

    private static List<MergedPolicy.TaskRaise> taskRaises(List<PermissionPolicy> policies) {
        return byName(policies).stream()
                .flatMap(policy -> Policies.orEmpty(spec(policy).getTaskOverrides()).stream()
                        .filter(o -> o.getRaiseTo() != null)
                        .map(o -> new MergedPolicy.TaskRaise(Policies.name(policy),
                                new LinkedHashSet<>(Policies.orEmpty(o.getTaskTypes())), o.getRaiseTo())))
                .toList();
    }

    /**
     * Only policies with exceptions vote: maxMode lowest, approvals united, maxDuration shortest. A policy whose
     * exceptions are incomplete or unreadable (validation reports it) votes the strictest: no exception at all here.
     */
    private static MergedPolicy.ExceptionRules exceptions(List<PermissionPolicy> policies) {
        List<PermissionPolicy> voting = byName(policies).stream().filter(p -> spec(p).getExceptions() != null).toList();
        if (voting.isEmpty()) {
            return null;
        }
        PermissionMode maxMode = PermissionMode.BYPASS_PERMISSIONS;
        Duration maxDuration = null;
        List<MergedPolicy.Requirement> approvals = new ArrayList<>();
        for (PermissionPolicy policy : voting) {
            Exceptions exceptions = spec(policy).getExceptions();
            Duration duration = ExceptionDurations.parse(exceptions.getMaxDuration());
            List<ApprovalRequirement> entries = Policies.orEmpty(exceptions.getApprovals());
            if (exceptions.getMaxMode() == null || duration == null || entries.isEmpty()
                    || entries.stream().anyMatch(e -> e == null || Policies.orEmpty(e.getGroups()).isEmpty())) {
                return null;
            }
            maxMode = PermissionMode.lowest(maxMode, exceptions.getMaxMode());
            maxDuration = maxDuration == null || duration.compareTo(maxDuration) < 0 ? duration : maxDuration;
            entries.forEach(e -> approvals.add(new MergedPolicy.Requirement(Policies.name(policy), e.getGroups())));
        }
        return new MergedPolicy.ExceptionRules(maxMode, approvals, maxDuration, voting.stream().map(Policies::name).toList());
    }

    /** What one policy lets a session end up in: its allowed list (absent = all six) minus the modes it locks. */
    private static Set<PermissionMode> permittedModes(Modes modes) {
        Set<PermissionMode> permitted = EnumSet.allOf(PermissionMode.class);
        if (modes.getAllowed() != null) {
            permitted.retainAll(modes.getAllowed());
        }
        if (Boolean.TRUE.equals(modes.getDisableBypassPermissions())) {
            permitted.remove(PermissionMode.BYPASS_PERMISSIONS);
        }
        if (Boolean.TRUE.equals(modes.getDisableAuto())) {
            permitted.remove(PermissionMode.AUTO);
        }
        return permitted;
    }

    /** Names the policies whose modes.allowed (and locks, if any) emptied the intersection. */
    private static String restrictingDescription(List<PermissionPolicy> policies) {
        List<String> restricting = policies.stream()
                .filter(p -> modes(p).getAllowed() != null || locksAMode(modes(p)))
                .map(Policies::name).sorted().toList();
        boolean locks = policies.stream().anyMatch(p -> locksAMode(modes(p)));
        return (locks ? "modes.allowed and mode locks of " : "modes.allowed of ") + Policies.describe(restricting);
    }

    private static boolean locksAMode(Modes modes) {
        return Boolean.TRUE.equals(modes.getDisableBypassPermissions()) || Boolean.TRUE.equals(modes.getDisableAuto());
    }

    /** The rare value wins only when every policy that votes casts it; no vote at all gives the safe value. */
    private static <T> T unanimous(List<T> votes, T rare, T safe) {
        List<T> cast = votes.stream().filter(Objects::nonNull).toList();
        return !cast.isEmpty() && cast.stream().allMatch(rare::equals) ? rare : safe;
    }

    /** Every policy's entries of one list; MergedPolicy sorts and de-duplicates them. */
    private static List<String> union(List<PermissionPolicy> policies, Function<Permissions, List<String>> list) {
        return policies.stream()
                .map(policy -> spec(policy).getPermissions())
                .filter(Objects::nonNull)
                .flatMap(permissions -> Policies.orEmpty(list.apply(permissions)).stream())
                .filter(Objects::nonNull)
                .toList();
    }

    private static Map<Seniority, Set<String>> seniorityGroups(List<PermissionPolicy> policies) {
        Map<Seniority, Set<String>> groups = new EnumMap<>(Seniority.class);
        for (PermissionPolicy policy : policies) {
            for (Seniority level : Seniority.values()) {
                SeniorityLevel entry = seniorityLevel(policy, level);
                if (entry != null) {
                    groups.computeIfAbsent(level, l -> new TreeSet<>()).addAll(Policies.orEmpty(entry.getGroups()));
                }
            }
        }
        return groups;
    }

    private static List<MergedPolicy.SeniorityCap> seniorityCaps(List<PermissionPolicy> policies) {
        List<MergedPolicy.SeniorityCap> caps = new ArrayList<>();
        for (PermissionPolicy policy : byName(policies)) {
            for (Seniority level : Seniority.values()) {
                SeniorityLevel entry = seniorityLevel(policy, level);
                if (entry != null && entry.getMaxMode() != null) {
                    caps.add(new MergedPolicy.SeniorityCap(Policies.name(policy), level, entry.getMaxMode()));
                }
            }
        }
        return caps;
    }

    private static List<MergedPolicy.TaskCap> taskCaps(List<PermissionPolicy> policies) {
        return byName(policies).stream()
                .flatMap(policy -> Policies.orEmpty(spec(policy).getTaskOverrides()).stream()
                        .filter(o -> o.getMaxMode() != null)
                        .map(o -> new MergedPolicy.TaskCap(Policies.name(policy),
                                new LinkedHashSet<>(Policies.orEmpty(o.getTaskTypes())), o.getMaxMode())))
                .toList();
    }

    /**
     * Overrides in force now. One whose expiresAt cannot be parsed is treated as inactive: validation reports it and
     * the operator keeps the last good rendering, so it never reaches a rendered map.
     */
    private static List<MergedPolicy.ActiveOverride> activeOverrides(List<PermissionPolicy> policies, Instant now) {
        List<MergedPolicy.ActiveOverride> active = new ArrayList<>();
        for (PermissionPolicy policy : byName(policies)) {
            Instant expiresAt = overrideExpiryInForce(policy, now);
            if (expiresAt != null) {
                EmergencyOverride override = spec(policy).getEmergencyOverride();
                PermissionMode cap = override.getMaxMode() == null ? PermissionMode.PLAN : override.getMaxMode(); // CRD default
                active.add(new MergedPolicy.ActiveOverride(Policies.name(policy), cap, override.getReason(), expiresAt));
            }
        }
        return active;
    }

    /** When the policy's override lapses, if it is in force at now; null otherwise. */
    static Instant overrideExpiryInForce(PermissionPolicy policy, Instant now) {
        EmergencyOverride override = spec(policy).getEmergencyOverride();
        Instant expiresAt = override == null ? null : Rfc3339.parse(override.getExpiresAt());
        return expiresAt != null && now.isBefore(expiresAt) ? expiresAt : null;
    }

    private static List<PermissionPolicy> byName(List<PermissionPolicy> policies) {
        return policies.stream().sorted(Policies.BY_NAME).toList();
    }

    private static SeniorityLevel seniorityLevel(PermissionPolicy policy, Seniority level) {
        return spec(policy).getSeniority() == null ? null : spec(policy).getSeniority().level(level);
    }

    private static PermissionPolicySpec spec(PermissionPolicy policy) {
        return policy.getSpec() == null ? new PermissionPolicySpec() : policy.getSpec();
    }

    private static Modes modes(PermissionPolicy policy) {
        return spec(policy).getModes() == null ? new Modes() : spec(policy).getModes();
    }
}
