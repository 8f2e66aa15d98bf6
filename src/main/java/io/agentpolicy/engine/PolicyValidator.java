package io.agentpolicy.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.agentpolicy.api.ApprovalRequirement;
import io.agentpolicy.api.EmergencyOverride;
import io.agentpolicy.api.Escalation;
import io.agentpolicy.api.Exceptions;
import io.agentpolicy.api.Modes;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.PermissionPolicySpec;
import io.agentpolicy.api.Permissions;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.TaskOverride;

/**
 * Checks a PermissionPolicy before anything is rendered from it: what the CRD also rejects (so the offline CLI
 * catches it too), the 24-hour override limit, the permission rule grammar and the settings passthrough.
 */
final class PolicyValidator {
    static final Duration MAX_OVERRIDE = Duration.ofHours(24);
    private static final int MAX_RULE_LENGTH = 1024;

    private PolicyValidator() {
    }

    static ValidationResult validate(PermissionPolicy policy, Instant overrideActivatedAt) {
        Findings findings = new Findings();
        PermissionPolicySpec spec = policy == null ? null : policy.getSpec();
        if (spec == null) {
            findings.error("spec", "spec is required: set at least spec.tiers or spec.namespaceSelector");
            return findings.result();
        }
        if (spec.unreadable() != null) {
            findings.error(spec.unreadable().field(), spec.unreadable().message());
            return findings.result();
        }
        checkScope(spec, findings);
        checkModes(spec.getModes(), findings);
        checkPermissions(spec.getPermissions(), findings);
        checkTaskOverrides(Policies.orEmpty(spec.getTaskOverrides()), findings);
        checkExceptions(spec.getExceptions(), findings);
        checkEscalation(spec.getSeniority() == null ? null : spec.getSeniority().getEscalation(), findings);
        checkEmergencyOverride(spec.getEmergencyOverride(), overrideActivatedAt, findings);
        if (spec.getSettings() != null) {
            SettingsValidator.checkPolicySettings(spec.getSettings(), findings);
        }
        return findings.result();
    }

    private static void checkScope(PermissionPolicySpec spec, Findings findings) {
        List<String> tiers = Policies.orEmpty(spec.getTiers());
        if (tiers.isEmpty() && spec.getNamespaceSelector() == null) {
            findings.error("spec", "set spec.tiers, spec.namespaceSelector or both: a policy must say which namespaces it governs");
        }
        for (int i = 0; i < tiers.size(); i++) {
            if (tiers.get(i) == null || tiers.get(i).isBlank()) {
                findings.error("spec.tiers[" + i + "]", "tier is empty; write a tier label value such as \"1\"");
            }
        }
        String selectorProblem = LabelSelectors.validate(spec.getNamespaceSelector());
        if (selectorProblem != null) {
            findings.error("spec.namespaceSelector", selectorProblem);
        }
    }

    private static void checkModes(Modes modes, Findings findings) {
        if (modes == null) {
            return;
        }
        List<PermissionMode> allowed = modes.getAllowed();
        if (allowed != null) {
            if (allowed.isEmpty()) {
                findings.error("spec.modes.allowed", "modes.allowed is empty, so no session could run; list at least one mode, "
                        + "or leave allowed out to allow all six");
            }
            Set<PermissionMode> seen = new HashSet<>();
            for (PermissionMode mode : allowed) {
                if (!seen.add(mode)) {
                    findings.warning("spec.modes.allowed", "modes.allowed lists " + mode + " more than once; list each mode once");
                }
            }
            if (modes.getDefaultMode() != null && !allowed.contains(modes.getDefaultMode())) {
                findings.error("spec.modes.default", "modes.default " + modes.getDefaultMode() + " is not in modes.allowed "
                        + allowed + "; make the default one of the allowed modes");
            }
        }
        checkLock(modes, Boolean.TRUE.equals(modes.getDisableBypassPermissions()), "disableBypassPermissions",
                PermissionMode.BYPASS_PERMISSIONS, findings);
        checkLock(modes, Boolean.TRUE.equals(modes.getDisableAuto()), "disableAuto", PermissionMode.AUTO, findings);
    }

    /** A lock contradicts a policy that also allows or defaults to the locked mode. */
    private static void checkLock(Modes modes, boolean locked, String lock, PermissionMode mode, Findings findings) {
        if (!locked) {
            return;
        }
        if (modes.getAllowed() != null && modes.getAllowed().contains(mode)) {
            findings.error("spec.modes.allowed", "modes." + lock + " is true, so " + mode + " cannot be in modes.allowed; "
                    + "remove " + mode + " from allowed or drop the lock");
        }
        if (modes.getDefaultMode() == mode) {
            findings.error("spec.modes.default", "modes." + lock + " is true, so " + mode + " cannot be modes.default; "
                    + "pick a lower default or drop the lock");
        }
    }

    private static void checkPermissions(Permissions permissions, Findings findings) {
        if (permissions == null) {
            return;
        }
        checkRules("allow", permissions.getAllow(), RuleGrammar.ListKind.ALLOW, findings);
        checkRules("ask", permissions.getAsk(), RuleGrammar.ListKind.ASK, findings);
        checkRules("deny", permissions.getDeny(), RuleGrammar.ListKind.DENY, findings);
        List<String> directories = Policies.orEmpty(permissions.getAdditionalDirectories());
        for (int i = 0; i < directories.size(); i++) {
            String field = "spec.permissions.additionalDirectories[" + i + "]";
            String directory = directories.get(i);
            if (directory == null || directory.isBlank()) {
                findings.error(field, "directory is empty; remove it or write a path such as //srv/shared");
            } else {
                checkLength(directory, field, findings);
            }
            checkDuplicate(directories, i, field, findings);
        }
    }

    private static void checkRules(String list, List<String> rules, RuleGrammar.ListKind kind, Findings findings) {
        List<String> all = Policies.orEmpty(rules);
        for (int i = 0; i < all.size(); i++) {
            String field = "spec.permissions." + list + "[" + i + "]";
            RuleGrammar.check(all.get(i), kind, field, findings);
            if (all.get(i) != null) {
                checkLength(all.get(i), field, findings);
            }
            checkDuplicate(all, i, field, findings);
        }
    }

    private static void checkLength(String value, String field, Findings findings) {
        if (value.length() > MAX_RULE_LENGTH) {
            findings.error(field, "is " + value.length() + " characters long; at most " + MAX_RULE_LENGTH + " are allowed");
        }
    }

    private static void checkDuplicate(List<String> values, int index, String field, Findings findings) {
        if (values.get(index) != null && values.subList(0, index).contains(values.get(index))) {
            findings.warning(field, "\"" + values.get(index) + "\" is listed twice; it is rendered once, remove the duplicate");
        }
    }

    private static void checkTaskOverrides(List<TaskOverride> overrides, Findings findings) {
        for (int i = 0; i < overrides.size(); i++) {
            TaskOverride override = overrides.get(i);
            String field = "spec.taskOverrides[" + i + "]";
            if (Policies.orEmpty(override.getTaskTypes()).isEmpty()) {
                findings.error(field + ".taskTypes", "list at least one task type, e.g. schema-migration");
            }
            if (override.getMaxMode() == null && override.getRaiseTo() == null) {
                findings.error(field + ".maxMode", "set maxMode (the highest mode sessions of these task types may reach), "
                        + "raiseTo (the mode their seniority caps are lifted to) or both");
            }
        }
    }

    private static void checkExceptions(Exceptions exceptions, Findings findings) {
        if (exceptions == null) {
            return;
        }
        if (exceptions.getMaxMode() == null) {
            findings.error("spec.exceptions.maxMode", "exceptions.maxMode is required: the most an approved exception may grant");
        }
        List<ApprovalRequirement> approvals = Policies.orEmpty(exceptions.getApprovals());
        if (approvals.isEmpty()) {
            findings.error("spec.exceptions.approvals", "list at least one approval, e.g. [{groups: [cto]}]; "
                    + "to offer no exceptions, remove spec.exceptions");
        }
        for (int i = 0; i < approvals.size(); i++) {
            if (approvals.get(i) == null || Policies.orEmpty(approvals.get(i).getGroups()).isEmpty()) {
                findings.error("spec.exceptions.approvals[" + i + "].groups", "list at least one group whose members may give this approval");
            }
        }
        if (ExceptionDurations.parse(exceptions.getMaxDuration()) == null) {
            findings.error("spec.exceptions.maxDuration", "exceptions.maxDuration \"" + exceptions.getMaxDuration()
                    + "\" must be a duration of more than 0s and at most 24h in hours, minutes and seconds, e.g. 8h or 90m");
        }
    }

    private static void checkEscalation(Escalation escalation, Findings findings) {
        if (escalation == null) {
            return;
        }
        String field = "spec.seniority.escalation";
        if (escalation.getMid() != null) {
            checkEscalationDuration(escalation.getMid().getWithin(), field + ".mid.within", "720h (30 days)", findings);
        }
        Escalation.Lift lift = escalation.getLift();
        if (lift == null || lift.getCleanSessions() == null && lift.getOrQuietFor() == null) {
            findings.error(field + ".lift", "escalation.lift needs cleanSessions, orQuietFor or both, e.g. {cleanSessions: 5, "
                    + "orQuietFor: 2160h}: an escalation must be able to end");
        } else if (lift.getOrQuietFor() != null) {
            checkEscalationDuration(lift.getOrQuietFor(), field + ".lift.orQuietFor", "2160h (90 days)", findings);
        }
    }

    private static void checkEscalationDuration(String text, String field, String example, Findings findings) {
        Duration duration = TrackRecord.parse(text);
        if (duration == null || duration.compareTo(TrackRecord.MAX_DURATION) > 0) {
            findings.error(field, "\"" + text + "\" must be a duration of more than 0s and at most 8760h in hours, minutes and "
                    + "seconds, e.g. " + example);
        }
    }

    private static void checkEmergencyOverride(EmergencyOverride override, Instant activatedAt, Findings findings) {
        if (override == null) {
            return;
        }
        if (override.getReason() == null || override.getReason().isBlank()) {
            findings.error("spec.emergencyOverride.reason", "emergencyOverride.reason is required: say why the lockdown is in "
                    + "place (e.g. \"INC-1234 payments outage\"); sessions show it in their reason");
        }
        String field = "spec.emergencyOverride.expiresAt";
        if (override.getExpiresAt() == null) {
            findings.error(field, "emergencyOverride.expiresAt is required: an override must lapse by itself, at most 24 hours "
                    + "after activation (RFC 3339, e.g. 2026-11-22T09:00:00Z)");
            return;
        }
        Instant expiresAt = Rfc3339.parse(override.getExpiresAt());
        if (expiresAt == null) {
            findings.error(field, "emergencyOverride.expiresAt \"" + override.getExpiresAt() + "\" is not an RFC 3339 timestamp; "
                    + "write e.g. 2026-11-22T09:00:00Z");
        } else if (activatedAt != null && Duration.between(activatedAt, expiresAt).compareTo(MAX_OVERRIDE) > 0) {
            findings.error(field, "emergencyOverride.expiresAt is " + hours(Duration.between(activatedAt, expiresAt))
                    + " after activation; an emergency override may last at most 24 hours");
        }
    }

    /** 30h, or 24h30m / 24h0m5s when not a whole number of hours (so it never reads as exactly 24h). */
    private static String hours(Duration duration) {
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        return duration.toHours() + "h" + (minutes == 0 && seconds == 0 ? "" : minutes + "m") + (seconds == 0 ? "" : seconds + "s");
    }
}
