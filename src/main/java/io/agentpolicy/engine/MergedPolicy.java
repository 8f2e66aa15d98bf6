package io.agentpolicy.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentpolicy.api.Enforcement;
import io.agentpolicy.api.OnViolation;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.Seniority;

/**
 * All policies governing one namespace merged into one, per the merge table of shared/docs/api.md: what the baseline
 * renders, plus the per-policy caps a session decision needs. Immutable; rule and directory lists are kept sorted
 * and de-duplicated.
 *
 * @param policyNames the merged policies, sorted by name
 * @param allowed modes a session may end up in: the intersection of modes.allowed minus locked modes, {plan} if empty
 * @param defaultMode the namespace's effective default mode, capped by active emergency overrides
 * @param permittedByPolicy per policy, the modes it permits (its modes.allowed minus its locks), to name who excludes a mode
 * @param seniorityGroups per level, the groups of all policies united
 * @param seniorityCaps every policy's seniority.&lt;level&gt;.maxMode, in policy name order
 * @param taskCaps every policy's taskOverrides entries, in policy name order
 * @param activeOverrides the emergency overrides in force at merge time (now &lt; expiresAt), in policy name order
 * @param taskRaises every policy's taskOverrides entries with raiseTo, in policy name order
 * @param exceptions the merged spec.exceptions of the policies that set it; null when none does (no exceptions here)
 */
public record MergedPolicy(
        List<String> policyNames,
        Set<PermissionMode> allowed,
        PermissionMode defaultMode,
        List<String> allow,
        List<String> ask,
        List<String> deny,
        List<String> additionalDirectories,
        Enforcement enforcement,
        OnViolation onViolation,
        ObjectNode settings,
        List<Conflict> conflicts,
        Map<String, Set<PermissionMode>> permittedByPolicy,
        Map<Seniority, Set<String>> seniorityGroups,
        List<SeniorityCap> seniorityCaps,
        List<TaskCap> taskCaps,
        List<ActiveOverride> activeOverrides,
        List<TaskRaise> taskRaises,
        ExceptionRules exceptions) {

    /** One policy's cap for one seniority level. */
    public record SeniorityCap(String policy, Seniority level, PermissionMode maxMode) {
    }

    /** One taskOverrides entry of a policy. */
    public record TaskCap(String policy, Set<String> taskTypes, PermissionMode maxMode) {
        public TaskCap {
            taskTypes = Set.copyOf(taskTypes);
        }

        /** Whether the entry lists the task type; case is ignored, so "Payments" cannot escape a "payments" cap. */
        public boolean covers(String taskType) {
            return lists(taskTypes, taskType);
        }
    }

    /** One taskOverrides entry's raiseTo: the seniority caps lifted to that mode for its task types. */
    public record TaskRaise(String policy, Set<String> taskTypes, PermissionMode raiseTo) {
        public TaskRaise {
            taskTypes = Set.copyOf(taskTypes);
        }

        /** Whether the entry lists the task type, ignoring case as the caps do. */
        public boolean covers(String taskType) {
            return lists(taskTypes, taskType);
        }
    }

    /** Task types match ignoring case (shared/docs/api.md, AgentSession). */
    private static boolean lists(Set<String> taskTypes, String taskType) {
        return taskType != null && taskTypes.stream().anyMatch(taskType::equalsIgnoreCase);
    }

    /** One approval an exception needs: a person in one of the groups; the policy that asks for it. */
    public record Requirement(String policy, List<String> groups) {
        public Requirement {
            groups = List.copyOf(groups);
        }

        /** How status.exception.missing names it: "cto", or "cto or vp-eng". */
        public String describe() {
            return String.join(" or ", groups);
        }
    }

    /**
     * The exceptions of the voting policies merged: maxMode the lowest, approvals united, maxDuration the shortest.
     *
     * @param policies the voting policies, sorted by name
     */
    public record ExceptionRules(PermissionMode maxMode, List<Requirement> approvals, Duration maxDuration, List<String> policies) {
        public ExceptionRules {
            approvals = List.copyOf(approvals);
            policies = List.copyOf(policies);
        }
    }

    /** An emergency override in force, with the policy that declares it. */
    public record ActiveOverride(String policy, PermissionMode maxMode, String reason, Instant expiresAt) {
    }

    public MergedPolicy {
        policyNames = List.copyOf(policyNames);
        allowed = Collections.unmodifiableSet(allowed.isEmpty() ? EnumSet.noneOf(PermissionMode.class) : EnumSet.copyOf(allowed));
        allow = sortedUnique(allow);
        ask = sortedUnique(ask);
        deny = sortedUnique(deny);
        additionalDirectories = sortedUnique(additionalDirectories);
        settings = settings.deepCopy();
        conflicts = List.copyOf(conflicts);
        permittedByPolicy = immutableValues(permittedByPolicy);
        seniorityGroups = immutableValues(seniorityGroups);
        seniorityCaps = List.copyOf(seniorityCaps);
        taskCaps = List.copyOf(taskCaps);
        activeOverrides = List.copyOf(activeOverrides);
        taskRaises = List.copyOf(taskRaises);
    }

    /** A copy: the merged settings passthrough (everything but permissions and the mode locks). */
    @Override
    public ObjectNode settings() {
        return settings.deepCopy();
    }

    /**
     * The namespace map's cap (shared/docs/api.md, Rendered ConfigMaps): an agent without a session is an unidentified
     * engineer, a junior, so the highest allowed mode lowered by every policy's seniority.junior.maxMode and every
     * active emergency override. It may fall below every allowed mode (no junior session could run there): the map
     * then holds the agent below them rather than granting the lowest allowed mode.
     */
    public PermissionMode namespaceCap() {
        PermissionMode highest = allowed.stream().reduce((a, b) -> a.isAbove(b) ? a : b).orElseThrow();
        return Stream.concat(
                seniorityCaps.stream().filter(c -> c.level() == Seniority.JUNIOR).map(SeniorityCap::maxMode),
                activeOverrides.stream().map(ActiveOverride::maxMode))
                .reduce(highest, PermissionMode::lowest);
    }

    /** The policies that do not permit the mode, in name order: whom a "tier does not allow" reason names. */
    public List<String> policiesExcluding(PermissionMode mode) {
        return policyNames.stream().filter(name -> !permittedByPolicy.get(name).contains(mode)).toList();
    }

    /** The highest level one of whose groups is among the given groups; junior otherwise. */
    public Seniority seniorityOf(Collection<String> groups) {
        for (Seniority level : List.of(Seniority.SENIOR, Seniority.MID)) {
            if (groups.stream().anyMatch(seniorityGroups.getOrDefault(level, Set.of())::contains)) {
                return level;
            }
        }
        return Seniority.JUNIOR;
    }

    /** When the first active override lapses (the baseline and sessions change then), or null if none is active. */
    public Instant soonestOverrideExpiry() {
        return activeOverrides.stream().map(ActiveOverride::expiresAt).min(Comparator.naturalOrder()).orElse(null);
    }

    private static List<String> sortedUnique(Collection<String> values) {
        return List.copyOf(new TreeSet<>(values));
    }

    private static <K, V> Map<K, Set<V>> immutableValues(Map<K, Set<V>> map) {
        Map<K, Set<V>> copy = new HashMap<>();
        map.forEach((key, values) -> copy.put(key, Set.copyOf(values)));
        return Map.copyOf(copy);
    }
}
