package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.NOW;
import static io.agentpolicy.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.agentpolicy.api.PermissionPolicy;

/** Spec-level validation of a PermissionPolicy: one case per message. */
class PolicyValidatorTest {

    private static ValidationResult validate(String specYaml) {
        return Fixtures.ENGINE.validate(policy("metadata: {name: p}\nspec:\n" + specYaml.indent(2)), NOW);
    }

    @Test
    void theDomainTierPoliciesAreValid() {
        for (PermissionPolicy tier : Fixtures.domainTiers()) {
            ValidationResult result = Fixtures.ENGINE.validate(tier, NOW);
            assertThat(result.errors()).isEmpty();
            assertThat(result.warnings()).isEmpty();
            assertThat(result.valid()).isTrue();
        }
    }

    @Test
    void aPolicyWithoutSpecIsInvalid() {
        ValidationResult result = Fixtures.ENGINE.validate(policy("metadata: {name: p}"), NOW);
        assertThat(result.errors()).containsExactly(
                new Finding("spec", "spec is required: set at least spec.tiers or spec.namespaceSelector"));
        assertThat(result.valid()).isFalse();
    }

    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            priority: 1                                                              | spec                    | set spec.tiers, spec.namespaceSelector or both: a policy must say which namespaces it governs
            tiers: []                                                                | spec                    | set spec.tiers, spec.namespaceSelector or both: a policy must say which namespaces it governs
            tiers: ["1", ""]                                                         | spec.tiers[1]           | tier is empty; write a tier label value such as "1"
            namespaceSelector: {matchExpressions: [{key: team, operator: In}]}       | spec.namespaceSelector  | matchExpressions[0] uses In without values; list at least one value
            {tiers: ["1"], modes: {allowed: []}}                                     | spec.modes.allowed      | modes.allowed is empty, so no session could run; list at least one mode, or leave allowed out to allow all six
            {tiers: ["1"], modes: {default: acceptEdits, allowed: [plan, default]}}  | spec.modes.default      | modes.default acceptEdits is not in modes.allowed [plan, default]; make the default one of the allowed modes
            {tiers: ["1"], modes: {disableBypassPermissions: true, allowed: [plan, bypassPermissions]}} | spec.modes.allowed | modes.disableBypassPermissions is true, so bypassPermissions cannot be in modes.allowed; remove bypassPermissions from allowed or drop the lock
            {tiers: ["1"], modes: {disableBypassPermissions: true, default: bypassPermissions}}         | spec.modes.default | modes.disableBypassPermissions is true, so bypassPermissions cannot be modes.default; pick a lower default or drop the lock
            {tiers: ["1"], modes: {disableAuto: true, allowed: [plan, auto]}}         | spec.modes.allowed     | modes.disableAuto is true, so auto cannot be in modes.allowed; remove auto from allowed or drop the lock
            {tiers: ["1"], modes: {disableAuto: true, default: auto}}                 | spec.modes.default     | modes.disableAuto is true, so auto cannot be modes.default; pick a lower default or drop the lock
            {tiers: ["1"], permissions: {allow: ["Bash(ls)", "   "]}}                 | spec.permissions.allow[1] | rule is empty; remove it or write a rule such as Bash(npm test *)
            {tiers: ["1"], permissions: {deny: [Read, Bash, "Bash(rm -rf *"]}}        | spec.permissions.deny[2]  | rule "Bash(rm -rf *" has unbalanced parentheses; every ( needs a matching )
            {tiers: ["1"], permissions: {additionalDirectories: [""]}}                | spec.permissions.additionalDirectories[0] | directory is empty; remove it or write a path such as //srv/shared
            {tiers: ["1"], taskOverrides: [{taskTypes: [], maxMode: plan}]}           | spec.taskOverrides[0].taskTypes | list at least one task type, e.g. schema-migration
            {tiers: ["1"], taskOverrides: [{taskTypes: [payments]}]}                  | spec.taskOverrides[0].maxMode   | set maxMode (the highest mode sessions of these task types may reach), raiseTo (the mode their seniority caps are lifted to) or both
            {tiers: ["1"], exceptions: {approvals: [{groups: [cto]}], maxDuration: 8h}} | spec.exceptions.maxMode | exceptions.maxMode is required: the most an approved exception may grant
            {tiers: ["1"], exceptions: {maxMode: auto, approvals: [], maxDuration: 8h}} | spec.exceptions.approvals | list at least one approval, e.g. [{groups: [cto]}]; to offer no exceptions, remove spec.exceptions
            {tiers: ["1"], exceptions: {maxMode: auto, approvals: [{groups: []}], maxDuration: 8h}} | spec.exceptions.approvals[0].groups | list at least one group whose members may give this approval
            {tiers: ["1"], exceptions: {maxMode: auto, approvals: [{groups: [cto]}], maxDuration: 25h}} | spec.exceptions.maxDuration | exceptions.maxDuration "25h" must be a duration of more than 0s and at most 24h in hours, minutes and seconds, e.g. 8h or 90m
            {tiers: ["1"], exceptions: {maxMode: auto, approvals: [{groups: [cto]}], maxDuration: 1d}} | spec.exceptions.maxDuration | exceptions.maxDuration "1d" must be a duration of more than 0s and at most 24h in hours, minutes and seconds, e.g. 8h or 90m
            {tiers: ["1"], seniority: {escalation: {senior: {critical: 1}}}}          | spec.seniority.escalation.lift | escalation.lift needs cleanSessions, orQuietFor or both, e.g. {cleanSessions: 5, orQuietFor: 2160h}: an escalation must be able to end
            {tiers: ["1"], seniority: {escalation: {senior: {critical: 1}, lift: {}}}} | spec.seniority.escalation.lift | escalation.lift needs cleanSessions, orQuietFor or both, e.g. {cleanSessions: 5, orQuietFor: 2160h}: an escalation must be able to end
            {tiers: ["1"], seniority: {escalation: {lift: {orQuietFor: 9000h}}}}      | spec.seniority.escalation.lift.orQuietFor | "9000h" must be a duration of more than 0s and at most 8760h in hours, minutes and seconds, e.g. 2160h (90 days)
            {tiers: ["1"], seniority: {escalation: {mid: {mistakes: 3, within: 30d}, lift: {cleanSessions: 5}}}} | spec.seniority.escalation.mid.within | "30d" must be a duration of more than 0s and at most 8760h in hours, minutes and seconds, e.g. 720h (30 days)
            {tiers: ["1"], emergencyOverride: {expiresAt: "2026-11-22T09:00:00Z"}}    | spec.emergencyOverride.reason   | emergencyOverride.reason is required: say why the lockdown is in place (e.g. "INC-1234 payments outage"); sessions show it in their reason
            {tiers: ["1"], emergencyOverride: {reason: INC-1}}                        | spec.emergencyOverride.expiresAt | emergencyOverride.expiresAt is required: an override must lapse by itself, at most 24 hours after activation (RFC 3339, e.g. 2026-11-22T09:00:00Z)
            {tiers: ["1"], emergencyOverride: {reason: INC-1, expiresAt: "tomorrow"}} | spec.emergencyOverride.expiresAt | emergencyOverride.expiresAt "tomorrow" is not an RFC 3339 timestamp; write e.g. 2026-11-22T09:00:00Z
            {tiers: ["1"], emergencyOverride: {reason: INC-1, expiresAt: "2026-11-22T18:00:00Z"}} | spec.emergencyOverride.expiresAt | emergencyOverride.expiresAt is 30h after activation; an emergency override may last at most 24 hours
            {tiers: ["1"], emergencyOverride: {reason: INC-1, expiresAt: "2026-11-22T12:30:00Z"}} | spec.emergencyOverride.expiresAt | emergencyOverride.expiresAt is 24h30m after activation; an emergency override may last at most 24 hours
            {tiers: ["1"], settings: {cleanupPeriodDays: 0}}                          | spec.settings.cleanupPeriodDays | must be an integer >= 1, got 0
            {tiers: ["1"], permissions: {ask: [bash]}}                                | spec.permissions.ask[0] | rule "bash" is skipped by Claude Code: tool names start with an uppercase letter; did you mean "Bash"?
            {tiers: ["1"], settings: {attribution: {commit: 5}}}                      | spec.settings.attribution.commit | must be a string, got 5
            {tiers: ["1"], settings: {statusLine: {type: command}}}                   | spec.settings.statusLine.command | is required
            {tiers: ["1"], settings: {allowedMcpServers: [{serverName: "a b"}]}}      | spec.settings.allowedMcpServers[0].serverName | must be a server name of letters, digits, _ and -, got "a b"
            """)
    void errors(String specYaml, String field, String message) {
        ValidationResult result = validate(specYaml);
        assertThat(result.errors()).containsExactly(new Finding(field, message));
        assertThat(result.valid()).isFalse();
    }

    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {tiers: ["1"], modes: {allowed: [plan, default, plan]}}                   | spec.modes.allowed | modes.allowed lists plan more than once; list each mode once
            {tiers: ["1"], permissions: {deny: [WebSearch, Agent, WebSearch]}}        | spec.permissions.deny[2] | "WebSearch" is listed twice; it is rendered once, remove the duplicate
            {tiers: ["1"], permissions: {additionalDirectories: [//a, //a]}}          | spec.permissions.additionalDirectories[1] | "//a" is listed twice; it is rendered once, remove the duplicate
            {tiers: ["1"], settings: {modle: opus}}                                   | spec.settings.modle | Claude Code does not know settings key modle; it is rendered but probably ignored; did you mean "model"?
            """)
    void warnings(String specYaml, String field, String message) {
        ValidationResult result = validate(specYaml);
        assertThat(result.warnings()).containsExactly(new Finding(field, message));
        assertThat(result.errors()).isEmpty();
        assertThat(result.valid()).isTrue();
    }

    @Test
    void ruleLongerThan1024CharactersIsAnError() {
        ValidationResult result = validate("{tiers: [\"1\"], permissions: {deny: [\"Bash(" + "x".repeat(1020) + ")\"]}}");
        assertThat(result.errors()).containsExactly(
                new Finding("spec.permissions.deny[0]", "is 1026 characters long; at most 1024 are allowed"));
    }

    @ParameterizedTest(name = "expires {0}")
    @CsvSource(textBlock = """
            2026-11-22T12:00:00Z
            2026-11-21T11:00:00Z
            2026-11-22T13:00:00+01:00
            """)
    void anOverrideOfAtMost24HoursOrAlreadyExpiredIsValid(String expiresAt) {
        assertThat(validate("{tiers: [\"1\"], emergencyOverride: {reason: INC-1, expiresAt: \"" + expiresAt + "\"}}").errors()).isEmpty();
    }

    @Test
    void the24HourLimitCountsFromActivationNotFromNow() {
        PermissionPolicy p = policy("""
                metadata: {name: p}
                spec: {tiers: ["1"], emergencyOverride: {reason: INC-1, expiresAt: "2026-11-22T18:00:00Z"}}
                """);
        assertThat(Fixtures.ENGINE.validate(p, Instant.parse("2026-11-21T18:00:00Z")).errors()).isEmpty();
        assertThat(Fixtures.ENGINE.validate(p, null).errors()).isEmpty();
        assertThat(Fixtures.ENGINE.validate(p, Instant.parse("2026-11-21T17:59:59Z")).errors()).extracting(Finding::message)
                .containsExactly("emergencyOverride.expiresAt is 24h0m1s after activation; an emergency override may last at most 24 hours");
    }
}
