package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.NOW;
import static io.agentpolicy.engine.Fixtures.json;
import static io.agentpolicy.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.agentpolicy.api.Enforcement;
import io.agentpolicy.api.OnViolation;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Seniority;

/** Every rule of the merge table in shared/docs/api.md. */
class PolicyMergerTest {

    private static MergedPolicy merge(PermissionPolicy... policies) {
        return Fixtures.ENGINE.merge(List.of(policies), NOW);
    }

    /** A tier-1 policy named name with the given spec body (YAML, indented under spec). */
    private static PermissionPolicy named(String name, String specYaml) {
        return policy("metadata: {name: " + name + "}\nspec:\n  tiers: [\"1\"]\n" + specYaml.indent(2));
    }

    private static List<PermissionMode> modes(String csv) {
        return csv.isBlank() ? List.of() : Arrays.stream(csv.split(" ")).map(PermissionMode::fromValue).toList();
    }

    // ---- modes.allowed: intersection, absent = all six, locks remove modes, empty -> plan + conflict ----

    @ParameterizedTest(name = "{0} ∩ {1} = {2}")
    @CsvSource(nullValues = "-", delimiter = '|', textBlock = """
            plan default acceptEdits | default acceptEdits auto   | default acceptEdits
            -                        | plan acceptEdits           | plan acceptEdits
            -                        | -                          | plan default dontAsk acceptEdits auto bypassPermissions
            plan default dontAsk     | plan dontAsk bypassPermissions | plan dontAsk
            """)
    void allowedIsTheIntersection(String first, String second, String expected) {
        MergedPolicy merged = merge(
                named("a", first == null ? "" : "modes: {allowed: [" + first.replace(' ', ',') + "]}"),
                named("b", second == null ? "" : "modes: {allowed: [" + second.replace(' ', ',') + "]}"));
        assertThat(merged.allowed()).containsExactlyInAnyOrderElementsOf(modes(expected));
        assertThat(merged.conflicts()).isEmpty();
    }

    @Test
    void emptyIntersectionAllowsOnlyPlanAndIsAConflict() {
        MergedPolicy merged = merge(named("a", "modes: {allowed: [default]}"), named("b", "modes: {allowed: [acceptEdits]}"),
                named("c", ""));
        assertThat(merged.allowed()).containsExactly(PermissionMode.PLAN);
        assertThat(merged.defaultMode()).isEqualTo(PermissionMode.PLAN);
        assertThat(merged.conflicts()).containsExactly(new Conflict("spec.modes.allowed",
                "modes.allowed of policies a, b have no mode in common; only plan is allowed"));
    }

    @Test
    void locksAreOredAndRemoveTheLockedModeFromTheAllowedSet() {
        MergedPolicy merged = merge(named("a", "modes: {disableAuto: true}"), named("b", "modes: {disableBypassPermissions: false}"));
        assertThat(merged.allowed()).doesNotContain(PermissionMode.AUTO).contains(PermissionMode.BYPASS_PERMISSIONS);
        assertThat(merged.policiesExcluding(PermissionMode.AUTO)).containsExactly("a");

        MergedPolicy both = merge(named("a", "modes: {disableAuto: true}"), named("b", "modes: {disableBypassPermissions: true}"));
        assertThat(both.allowed()).doesNotContain(PermissionMode.AUTO, PermissionMode.BYPASS_PERMISSIONS);
    }

    @Test
    void locksCanEmptyTheIntersectionToo() {
        MergedPolicy merged = merge(named("a", "modes: {allowed: [bypassPermissions]}"),
                named("b", "modes: {disableBypassPermissions: true}"));
        assertThat(merged.allowed()).containsExactly(PermissionMode.PLAN);
        assertThat(merged.conflicts()).extracting(Conflict::message)
                .containsExactly("modes.allowed and mode locks of policies a, b have no mode in common; only plan is allowed");
    }

    // ---- modes.default: lowest rank, then lowered into the allowed set ----

    @ParameterizedTest(name = "defaults [{0}] allowed [{1}] -> {2}")
    @CsvSource(nullValues = "-", delimiter = '|', textBlock = """
            acceptEdits default | -                        | default
            bypassPermissions   | -                        | bypassPermissions
            -                   | -                        | default
            -                   | plan acceptEdits         | plan
            dontAsk             | plan acceptEdits         | plan
            acceptEdits auto    | plan default acceptEdits | acceptEdits
            plan                | default acceptEdits      | default
            -                   | acceptEdits auto         | acceptEdits
            """)
    void defaultIsTheLowestThenLoweredIntoAllowed(String defaults, String allowed, String expected) {
        List<PermissionPolicy> policies = new ArrayList<>();
        List<PermissionMode> defaultModes = defaults == null ? List.of() : modes(defaults);
        for (int i = 0; i < defaultModes.size(); i++) {
            policies.add(named("d" + i, "modes: {default: " + defaultModes.get(i) + "}"));
        }
        policies.add(named("z", allowed == null ? "" : "modes: {allowed: [" + allowed.replace(' ', ',') + "]}"));
        assertThat(Fixtures.ENGINE.merge(policies, NOW).defaultMode()).isEqualTo(PermissionMode.fromValue(expected));
    }

    @Test
    void anActiveEmergencyOverrideCapsTheDefaultUntilItLapses() {
        PermissionPolicy locked = named("a", """
                modes: {default: acceptEdits}
                emergencyOverride: {maxMode: plan, reason: INC-1, expiresAt: "2026-11-21T13:00:00Z"}
                """);
        assertThat(Fixtures.ENGINE.merge(List.of(locked), NOW).defaultMode()).isEqualTo(PermissionMode.PLAN);
        assertThat(Fixtures.ENGINE.merge(List.of(locked), NOW.plus(Duration.ofHours(1))).defaultMode())
                .isEqualTo(PermissionMode.ACCEPT_EDITS);
    }

    // ---- permissions: unions, sorted and de-duplicated ----

    @Test
    void ruleAndDirectoryListsAreSortedUnions() {
        MergedPolicy merged = merge(
                named("a", """
                        permissions:
                          allow: ["Read(./src/**)", "Bash(npm test *)"]
                          ask: ["Bash(git push *)"]
                          deny: ["WebFetch", "Bash(rm -rf *)"]
                          additionalDirectories: ["~/shared", "//srv/data"]
                        """),
                named("b", """
                        permissions:
                          allow: ["Bash(npm test *)", "Bash(git status)"]
                          deny: ["Bash(rm -rf *)", "Agent(Explore)"]
                          additionalDirectories: ["//srv/data"]
                        """));
        assertThat(merged.allow()).containsExactly("Bash(git status)", "Bash(npm test *)", "Read(./src/**)");
        assertThat(merged.ask()).containsExactly("Bash(git push *)");
        assertThat(merged.deny()).containsExactly("Agent(Explore)", "Bash(rm -rf *)", "WebFetch");
        assertThat(merged.additionalDirectories()).containsExactly("//srv/data", "~/shared");
    }

    // ---- seniority and task caps: kept per policy; groups united ----

    @Test
    void seniorityGroupsAreUnitedAndEveryCapIsKept() {
        MergedPolicy merged = merge(
                named("a", """
                        seniority:
                          mid: {maxMode: default, groups: [eng-mid]}
                          senior: {maxMode: acceptEdits, groups: [eng-senior]}
                        taskOverrides: [{taskTypes: [payments], maxMode: plan}]
                        """),
                named("b", """
                        seniority:
                          senior: {maxMode: default, groups: [staff]}
                        taskOverrides: [{taskTypes: [docs, payments], maxMode: default}]
                        """));
        assertThat(merged.seniorityOf(List.of("staff"))).isEqualTo(Seniority.SENIOR);
        assertThat(merged.seniorityOf(List.of("eng-mid", "eng-senior"))).isEqualTo(Seniority.SENIOR);
        assertThat(merged.seniorityOf(List.of("eng-mid"))).isEqualTo(Seniority.MID);
        assertThat(merged.seniorityOf(List.of("eng-junior"))).isEqualTo(Seniority.JUNIOR);
        assertThat(merged.seniorityCaps()).containsExactly(
                new MergedPolicy.SeniorityCap("a", Seniority.MID, PermissionMode.DEFAULT),
                new MergedPolicy.SeniorityCap("a", Seniority.SENIOR, PermissionMode.ACCEPT_EDITS),
                new MergedPolicy.SeniorityCap("b", Seniority.SENIOR, PermissionMode.DEFAULT));
        assertThat(merged.taskCaps()).extracting(MergedPolicy.TaskCap::policy, MergedPolicy.TaskCap::maxMode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", PermissionMode.PLAN),
                        org.assertj.core.groups.Tuple.tuple("b", PermissionMode.DEFAULT));
    }

    // ---- emergencyOverride: active while now < expiresAt ----

    @Test
    void onlyOverridesNotYetExpiredAreActive() {
        MergedPolicy merged = merge(
                named("active-late", "emergencyOverride: {maxMode: default, reason: INC-2, expiresAt: \"2026-11-22T09:00:00Z\"}"),
                named("active-soon", "emergencyOverride: {reason: INC-3, expiresAt: \"2026-11-21T14:00:00+01:00\"}"),
                named("expired", "emergencyOverride: {maxMode: plan, reason: INC-1, expiresAt: \"2026-11-21T11:59:59Z\"}"),
                named("expiring-now", "emergencyOverride: {maxMode: plan, reason: INC-0, expiresAt: \"2026-11-21T12:00:00Z\"}"));
        assertThat(merged.activeOverrides()).containsExactly(
                new MergedPolicy.ActiveOverride("active-late", PermissionMode.DEFAULT, "INC-2", java.time.Instant.parse("2026-11-22T09:00:00Z")),
                new MergedPolicy.ActiveOverride("active-soon", PermissionMode.PLAN, "INC-3", java.time.Instant.parse("2026-11-21T13:00:00Z")));
        assertThat(merged.soonestOverrideExpiry()).isEqualTo("2026-11-21T13:00:00Z");
        assertThat(merge(named("none", "")).soonestOverrideExpiry()).isNull();
    }

    // ---- enforcement and onViolation: only policies that set them vote ----

    @ParameterizedTest(name = "enforcement votes [{0}] -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            -                   | ENFORCE
            - -                 | ENFORCE
            AUDIT               | AUDIT
            AUDIT -             | AUDIT
            AUDIT AUDIT         | AUDIT
            AUDIT ENFORCE       | ENFORCE
            ENFORCE -           | ENFORCE
            """)
    void enforcementIsAuditOnlyWhenEveryVoteSaysAudit(String votes, Enforcement expected) {
        List<PermissionPolicy> policies = new ArrayList<>();
        String[] each = votes.split(" ");
        for (int i = 0; i < each.length; i++) {
            PermissionPolicy p = named("p" + i, "");
            p.getSpec().setEnforcement(each[i].equals("-") ? null : Enforcement.valueOf(each[i]));
            policies.add(p);
        }
        assertThat(Fixtures.ENGINE.merge(policies, NOW).enforcement()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "onViolation votes [{0}] -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            -                   | DENY
            - -                 | DENY
            DOWNGRADE           | DOWNGRADE
            DOWNGRADE -         | DOWNGRADE
            DOWNGRADE DOWNGRADE | DOWNGRADE
            DOWNGRADE DENY      | DENY
            DENY -              | DENY
            """)
    void onViolationIsDowngradeOnlyWhenEveryVoteSaysDowngrade(String votes, OnViolation expected) {
        List<PermissionPolicy> policies = new ArrayList<>();
        String[] each = votes.split(" ");
        for (int i = 0; i < each.length; i++) {
            PermissionPolicy p = named("p" + i, "modes: {}");
            p.getSpec().getModes().setOnViolation(each[i].equals("-") ? null : OnViolation.valueOf(each[i]));
            policies.add(p);
        }
        assertThat(Fixtures.ENGINE.merge(policies, NOW).onViolation()).isEqualTo(expected);
    }

    // ---- settings: deep merge, array union, scalar conflicts by priority then name ----

    @Test
    void settingsObjectsMergeDeeplyAndArraysUniteInFirstAppearanceOrder() {
        MergedPolicy merged = merge(
                named("a", """
                        settings:
                          env: {A: "1"}
                          sandbox: {enabled: true, network: {allowedDomains: [github.com]}}
                          companyAnnouncements: [x, {k: 1}]
                          strictKnownMarketplaces: []
                        """),
                named("b", """
                        settings:
                          env: {B: "2"}
                          sandbox: {failIfUnavailable: true, network: {allowedDomains: [npmjs.org, github.com]}}
                          companyAnnouncements: [{k: 1.0}, y, x]
                          enabledPlugins: {}
                        """));
        assertThat(merged.settings()).isEqualTo(json("""
                {"env": {"A": "1", "B": "2"},
                 "sandbox": {"enabled": true, "failIfUnavailable": true, "network": {"allowedDomains": ["github.com", "npmjs.org"]}},
                 "companyAnnouncements": ["x", {"k": 1}, "y"],
                 "strictKnownMarketplaces": [],
                 "enabledPlugins": {}}
                """));
        assertThat(merged.conflicts()).isEmpty();
    }

    @Test
    void equalValuesFromSeveralPoliciesAreNoConflict() {
        MergedPolicy merged = merge(named("a", "settings: {model: opus, cleanupPeriodDays: 30}"),
                named("b", "settings: {model: opus, cleanupPeriodDays: 30.0}"));
        assertThat(merged.conflicts()).isEmpty();
        assertThat(merged.settings().get("model").textValue()).isEqualTo("opus");
    }

    @Test
    void atEqualPriorityTheNameSortingFirstWinsAndTheConflictNamesTheKey() {
        MergedPolicy merged = merge(named("b", "settings: {model: sonnet, sandbox: {enabled: false}}"),
                named("a", "settings: {model: opus, sandbox: {enabled: true}}"));
        assertThat(merged.settings()).isEqualTo(json("{\"model\": \"opus\", \"sandbox\": {\"enabled\": true}}"));
        assertThat(merged.conflicts()).containsExactly(
                new Conflict("/model", "settings /model: policies a (priority 0) and b (priority 0) disagree; a wins (name sorts first)"),
                new Conflict("/sandbox/enabled",
                        "settings /sandbox/enabled: policies a (priority 0) and b (priority 0) disagree; a wins (name sorts first)"));
    }

    @Test
    void higherPriorityWinsWhateverTheName() {
        MergedPolicy merged = merge(named("a", "settings: {model: opus}"), named("z", "priority: 10\nsettings: {model: haiku}"),
                named("m", "priority: 10\nsettings: {model: sonnet}"));
        assertThat(merged.settings().get("model").textValue()).isEqualTo("sonnet");
        assertThat(merged.conflicts()).extracting(Conflict::message).containsExactly("settings /model: policies m (priority 10), "
                + "z (priority 10) and a (priority 0) disagree; m wins (highest priority, then name sorts first)");
        assertThat(merge(named("a", "settings: {model: opus}"), named("z", "priority: 1\nsettings: {model: haiku}")).conflicts())
                .extracting(Conflict::message)
                .containsExactly("settings /model: policies z (priority 1) and a (priority 0) disagree; z wins (higher priority)");
    }

    @Test
    void aTypeMismatchIsAConflictAndPointersAreEscaped() {
        MergedPolicy merged = merge(named("a", "settings: {env: {\"a/b~c\": \"1\"}, fallbackModel: [opus]}"),
                named("b", "settings: {env: {\"a/b~c\": \"2\"}, fallbackModel: opus}"));
        assertThat(merged.conflicts()).extracting(Conflict::path).containsExactly("/env/a~1b~0c", "/fallbackModel");
        assertThat(merged.settings().get("fallbackModel")).isEqualTo(json("[\"opus\"]"));
    }

    // ---- determinism and bookkeeping ----

    @Test
    void theInputOrderDoesNotMatter() {
        PermissionPolicy a = named("a", "settings: {model: opus, companyAnnouncements: [one]}\npermissions: {deny: [WebSearch]}");
        PermissionPolicy b = named("b", "settings: {model: sonnet, companyAnnouncements: [two]}\npermissions: {deny: [Agent]}");
        MergedPolicy ab = merge(a, b);
        MergedPolicy ba = merge(b, a);
        assertThat(ab).isEqualTo(ba);
        assertThat(SettingsRenderer.renderBaseline(ab).json()).isEqualTo(SettingsRenderer.renderBaseline(ba).json());
        assertThat(ab.policyNames()).containsExactly("a", "b");
    }

    @Test
    void mergingNothingIsRefused() {
        assertThatThrownBy(() -> Fixtures.ENGINE.merge(List.of(), NOW)).isInstanceOf(IllegalArgumentException.class);
    }
}
