package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.NOW;
import static io.agentpolicy.engine.Fixtures.namespace;
import static io.agentpolicy.engine.Fixtures.policy;
import static io.agentpolicy.engine.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionPhase;

/** The nine decision steps of shared/docs/api.md, and reasons that name the deciding rule and its policy. */
class SessionDecisionTest {
    private static final PermissionPolicy ORG_BASELINE = policy("""
            metadata: {name: org-baseline}
            spec:
              tiers: ["1", "2", "3", "4"]
              permissions: {deny: ["Read(./.env)"]}
            """);
    private static final PermissionPolicy TIER_1 = policy("""
            metadata: {name: tier-1-critical}
            spec:
              tiers: ["1"]
              modes: {default: plan, allowed: [plan, default, acceptEdits], disableBypassPermissions: true, onViolation: Downgrade}
              seniority:
                junior: {maxMode: plan}
                mid: {maxMode: default, groups: [eng-mid]}
                senior: {maxMode: acceptEdits, groups: [eng-senior]}
            """);
    private static final PermissionPolicy TIER_1_NO_CAPS = policy("""
            metadata: {name: tier-1-critical}
            spec:
              tiers: ["1"]
              modes: {default: plan, allowed: [plan, default, acceptEdits], onViolation: Deny}
            """);
    private static final PermissionPolicy TIER_2 = policy("""
            metadata: {name: tier-2}
            spec:
              tiers: ["2"]
              modes: {default: default, allowed: [plan, default, acceptEdits], onViolation: Downgrade}
              emergencyOverride: {maxMode: plan, reason: "INC-1234 payments outage", expiresAt: "2026-11-22T09:00:00Z"}
            """);
    private static final PermissionPolicy TIER_3 = policy("""
            metadata: {name: tier-3}
            spec:
              tiers: ["3"]
              modes: {default: acceptEdits, onViolation: Downgrade}
              seniority:
                junior: {maxMode: acceptEdits}
                senior: {maxMode: bypassPermissions, groups: [eng-senior]}
              taskOverrides: [{taskTypes: [schema-migration], maxMode: plan}]
            """);
    private static final PermissionPolicy TIER_3_AUDIT = policy("""
            metadata: {name: tier-3}
            spec:
              tiers: ["3"]
              enforcement: Audit
              seniority:
                junior: {maxMode: acceptEdits}
            """);

    private static Decision decide(List<PermissionPolicy> policies, String tier, AgentSessionSpec session) {
        return Fixtures.ENGINE.decide(policies, namespace("payments", "agentpolicy.io/tier=" + tier), session, NOW);
    }

    static Stream<Arguments> reasons() {
        return Stream.of(
                Arguments.of(List.of(TIER_3), "1", session("default", null), SessionPhase.DENIED, null,
                        "no PermissionPolicy governs namespace payments, tier 1"),
                Arguments.of(List.of(TIER_1_NO_CAPS), "1", session("bypassPermissions", null), SessionPhase.DENIED, null,
                        "tier 1 does not allow bypassPermissions (policy tier-1-critical); denied"),
                Arguments.of(List.of(ORG_BASELINE, TIER_1), "1", session("acceptEdits", null, "eng-mid"), SessionPhase.DOWNGRADED,
                        PermissionMode.DEFAULT,
                        "requested acceptEdits; seniority mid caps tier 1 at default (policy tier-1-critical); downgraded to default"),
                Arguments.of(List.of(ORG_BASELINE, TIER_1), "1", session("bypassPermissions", null, "eng-mid"),
                        SessionPhase.DOWNGRADED, PermissionMode.DEFAULT,
                        "tier 1 does not allow bypassPermissions (policy tier-1-critical); seniority mid caps tier 1 at default "
                                + "(policy tier-1-critical); downgraded to default"),
                Arguments.of(List.of(TIER_3), "3", session("acceptEdits", "schema-migration", "eng-senior"),
                        SessionPhase.DOWNGRADED, PermissionMode.PLAN,
                        "requested acceptEdits; task type schema-migration is capped at plan (policy tier-3); downgraded to plan"),
                Arguments.of(List.of(ORG_BASELINE, TIER_2), "2", session("default", null), SessionPhase.DOWNGRADED, PermissionMode.PLAN,
                        "requested default; emergency override caps at plan until 2026-11-22T09:00:00Z: INC-1234 payments outage "
                                + "(policy tier-2); downgraded to plan"),
                Arguments.of(List.of(ORG_BASELINE, TIER_2), "2", session("plan", null), SessionPhase.ADMITTED, PermissionMode.PLAN,
                        "requested plan; within tier 2's allowed modes and caps (policies org-baseline, tier-2)"),
                Arguments.of(List.of(ORG_BASELINE, TIER_2), "2", session(null, null), SessionPhase.ADMITTED, PermissionMode.PLAN,
                        "no mode requested; the namespace default is plan; within tier 2's allowed modes and caps "
                                + "(policies org-baseline, tier-2)"),
                Arguments.of(List.of(ORG_BASELINE, TIER_1), "1", session(null, null), SessionPhase.ADMITTED, PermissionMode.PLAN,
                        "no mode requested; the namespace default is plan; within tier 1's allowed modes and caps "
                                + "(policies org-baseline, tier-1-critical)"),
                Arguments.of(List.of(ORG_BASELINE), "4", session("bypassPermissions", null), SessionPhase.ADMITTED,
                        PermissionMode.BYPASS_PERMISSIONS,
                        "requested bypassPermissions; within tier 4's allowed modes and caps (policy org-baseline)"),
                Arguments.of(List.of(TIER_3), "3", session(null, null), SessionPhase.ADMITTED, PermissionMode.ACCEPT_EDITS,
                        "no mode requested; the namespace default is acceptEdits; within tier 3's allowed modes and caps "
                                + "(policy tier-3)"));
    }

    @ParameterizedTest(name = "{5}")
    @MethodSource("reasons")
    void reasonNamesTheDecidingRuleAndPolicy(List<PermissionPolicy> policies, String tier, AgentSessionSpec session,
            SessionPhase phase, PermissionMode mode, String reason) {
        Decision decision = decide(policies, tier, session);
        assertThat(decision.reason()).isEqualTo(reason);
        assertThat(decision.phase()).isEqualTo(phase);
        assertThat(decision.effectiveMode()).isEqualTo(mode);
        assertThat(decision.tier()).isEqualTo(tier);
    }

    @Test
    void auditAdmitsTheRequestedModeAndReportsTheViolation() {
        Decision decision = decide(List.of(TIER_3_AUDIT), "3", session("bypassPermissions", null));
        assertThat(decision.phase()).isEqualTo(SessionPhase.ADMITTED);
        assertThat(decision.effectiveMode()).isEqualTo(PermissionMode.BYPASS_PERMISSIONS);
        assertThat(decision.policyViolation()).isTrue();
        assertThat(decision.reason()).isEqualTo("requested bypassPermissions; seniority junior caps tier 3 at acceptEdits "
                + "(policy tier-3); admitted under Audit (violation reported)");

        Decision compliant = decide(List.of(TIER_3_AUDIT), "3", session("acceptEdits", null));
        assertThat(compliant.policyViolation()).isFalse();
    }

    @Test
    void downgradeWithNoAllowedModeAtOrBelowTheCapIsDenied() {
        PermissionPolicy onlyAcceptEdits = policy("""
                metadata: {name: edits-only}
                spec:
                  tiers: ["3"]
                  modes: {allowed: [acceptEdits], onViolation: Downgrade}
                  taskOverrides: [{taskTypes: [security], maxMode: plan}]
                """);
        Decision decision = decide(List.of(onlyAcceptEdits), "3", session("acceptEdits", "security"));
        assertThat(decision.phase()).isEqualTo(SessionPhase.DENIED);
        assertThat(decision.effectiveMode()).isNull();
        assertThat(decision.reason()).isEqualTo("requested acceptEdits; task type security is capped at plan (policy edits-only); "
                + "tier 3 allows no mode at or below plan; denied");
    }

    @Test
    void theLowestCapAcrossPoliciesDecidesAndIsNamed() {
        PermissionPolicy strictSenior = policy("""
                metadata: {name: zz-strict}
                spec:
                  tiers: ["3"]
                  seniority: {senior: {maxMode: default, groups: [eng-senior]}}
                """);
        Decision decision = decide(List.of(TIER_3, strictSenior), "3", session("acceptEdits", null, "eng-senior"));
        assertThat(decision.effectiveMode()).isEqualTo(PermissionMode.DEFAULT);
        assertThat(decision.reason()).isEqualTo("requested acceptEdits; seniority senior caps tier 3 at default (policy zz-strict); "
                + "downgraded to default");
    }

    @Test
    void whenCapsTieTheEmergencyOverrideIsNamed() {
        PermissionPolicy locked = policy("""
                metadata: {name: tier-1-critical}
                spec:
                  tiers: ["1"]
                  modes: {onViolation: Downgrade}
                  seniority: {junior: {maxMode: plan}}
                  taskOverrides: [{taskTypes: [payments], maxMode: plan}]
                  emergencyOverride: {reason: "INC-9 auth outage", expiresAt: "2026-11-21T18:00:00Z"}
                """);
        Decision decision = decide(List.of(locked), "1", session("default", "payments"));
        assertThat(decision.reason()).isEqualTo("requested default; emergency override caps at plan until 2026-11-21T18:00:00Z: "
                + "INC-9 auth outage (policy tier-1-critical); downgraded to plan");
    }

    @Test
    void taskTypesAreMatchedIgnoringCase() {
        Decision decision = decide(List.of(TIER_3), "3", session("acceptEdits", "Schema-Migration", "eng-senior"));
        assertThat(decision.phase()).isEqualTo(SessionPhase.DOWNGRADED);
        assertThat(decision.effectiveMode()).isEqualTo(PermissionMode.PLAN);
        assertThat(decision.reason()).contains("task type Schema-Migration is capped at plan (policy tier-3)");
    }

    @Test
    void everyPolicyExcludingTheModeIsNamed() {
        PermissionPolicy noAuto = policy("""
                metadata: {name: no-auto}
                spec: {tiers: ["3"], modes: {disableAuto: true}}
                """);
        PermissionPolicy editsAtMost = policy("""
                metadata: {name: edits-at-most}
                spec: {tiers: ["3"], modes: {allowed: [plan, default, acceptEdits]}}
                """);
        Decision decision = decide(List.of(noAuto, editsAtMost, ORG_BASELINE), "3", session("auto", null));
        assertThat(decision.reason()).isEqualTo("tier 3 does not allow auto (policies edits-at-most, no-auto); denied");
    }

    @Test
    void anUnlabelledNamespaceIsDecidedAsTheUnclassifiedTier() {
        Decision decision = Fixtures.ENGINE.decide(List.of(ORG_BASELINE, TIER_1), namespace("scratch"), session("acceptEdits", null),
                NOW);
        assertThat(decision.tier()).isEqualTo("1");
        assertThat(decision.policies()).containsExactly("org-baseline", "tier-1-critical");
        assertThat(decision.effectiveMode()).isEqualTo(PermissionMode.PLAN);

        Decision ungoverned = Fixtures.ENGINE.decide(List.of(TIER_3), namespace("scratch"), session("plan", null), NOW);
        assertThat(ungoverned.reason()).isEqualTo("no PermissionPolicy governs namespace scratch, tier 1");
        assertThat(ungoverned.merged()).isNull();
        assertThat(ungoverned.policies()).isEmpty();
    }

    @Test
    void seniorityIsTheHighestLevelWhoseGroupTheEngineerListsAcrossPolicies() {
        PermissionPolicy seniorsElsewhere = policy("""
                metadata: {name: other}
                spec: {tiers: ["1"], seniority: {senior: {groups: [staff-eng]}}}
                """);
        assertThat(decide(List.of(TIER_1, seniorsElsewhere), "1", session("plan", null, "staff-eng", "eng-mid")).seniority())
                .isEqualTo(Seniority.SENIOR);
        assertThat(decide(List.of(TIER_1, seniorsElsewhere), "1", session("plan", null, "eng-mid")).seniority())
                .isEqualTo(Seniority.MID);
        assertThat(decide(List.of(TIER_1), "1", session("plan", null)).seniority()).isEqualTo(Seniority.JUNIOR);
    }

    // ---- expiry and the next instant the decision changes by itself ----

    @Test
    void aSessionPastItsExpiryIsExpired() {
        AgentSessionSpec spec = session("plan", null);
        spec.setExpiresAt("2026-11-21T12:00:00Z");
        Decision decision = decide(List.of(TIER_1), "1", spec);
        assertThat(decision.phase()).isEqualTo(SessionPhase.EXPIRED);
        assertThat(decision.effectiveMode()).isNull();
        assertThat(decision.reason()).isEqualTo("session expired at 2026-11-21T12:00:00Z");
        assertThat(decision.nextTransition()).isNull();
    }

    @Test
    void anUnreadableExpiryIsDeniedNamingTheField() {
        AgentSessionSpec spec = session("plan", null);
        spec.setExpiresAt("2026-02-30T10:00:00Z");
        Decision decision = decide(List.of(TIER_1), "1", spec);
        assertThat(decision.phase()).isEqualTo(SessionPhase.DENIED);
        assertThat(decision.reason()).isEqualTo("spec.expiresAt \"2026-02-30T10:00:00Z\" is not an RFC 3339 timestamp "
                + "(e.g. 2026-11-21T18:00:00Z); denied");
    }

    @Test
    void nextTransitionIsTheSoonerOfOverrideLapseAndSessionExpiry() {
        AgentSessionSpec spec = session("plan", null);
        assertThat(decide(List.of(TIER_1), "1", spec).nextTransition()).isNull();
        assertThat(decide(List.of(TIER_2), "2", spec).nextTransition()).isEqualTo("2026-11-22T09:00:00Z");

        spec.setExpiresAt("2026-11-21T18:00:00+02:00");
        assertThat(decide(List.of(TIER_2), "2", spec).nextTransition()).isEqualTo("2026-11-21T16:00:00Z");
        assertThat(decide(List.of(TIER_1), "1", spec).nextTransition()).isEqualTo("2026-11-21T16:00:00Z");
    }

    @Test
    void afterTheOverrideLapsesTheSameRequestIsAdmitted() {
        Instant after = Instant.parse("2026-11-22T09:00:00Z");
        Decision decision = Fixtures.ENGINE.decide(List.of(TIER_2), namespace("payments", "agentpolicy.io/tier=2"),
                session("default", null), after);
        assertThat(decision.phase()).isEqualTo(SessionPhase.ADMITTED);
        assertThat(decision.effectiveMode()).isEqualTo(PermissionMode.DEFAULT);
        assertThat(decision.nextTransition()).isNull();
    }
}
