package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.NOW;
import static io.agentpolicy.engine.Fixtures.session;
import static io.agentpolicy.engine.Fixtures.tier;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.agentpolicy.api.OnViolation;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.SessionPhase;

/** docs/domain.md's tier table, seniority table and task overrides, with the four tier policies as fixtures. */
class DomainTiersTest {

    @ParameterizedTest(name = "tier {0}")
    @ValueSource(strings = { "1", "2", "3", "4" })
    void baselineOfEachTierMatchesTheTierTable(String tier) {
        List<PermissionPolicy> governing = Fixtures.ENGINE.forBaseline(Fixtures.domainTiers(), tier(tier));
        RenderedSettings rendered = SettingsRenderer.renderBaseline(Fixtures.ENGINE.merge(governing, NOW));
        assertThat(rendered.json()).isEqualTo(Fixtures.resourceText("baseline-tier-" + tier + ".json"));
    }

    /**
     * Worked out by hand from domain.md: allowed sets (tiers 1-2: plan, default, acceptEdits; tiers 3-4: all six) and
     * seniority caps (junior plan | acceptEdits, mid default | acceptEdits, senior acceptEdits | bypassPermissions).
     * Columns: tier, level, requested mode ("-" = none, so the tier's default), outcome with onViolation Deny,
     * outcome with onViolation Downgrade. Groups: eng-mid = mid, eng-senior = senior, none = junior.
     */
    private static final String TABLE = """
            1 junior plan              Admitted:plan           Admitted:plan
            1 junior default           Denied                  Downgraded:plan
            1 junior dontAsk           Denied                  Downgraded:plan
            1 junior acceptEdits       Denied                  Downgraded:plan
            1 junior auto              Denied                  Downgraded:plan
            1 junior bypassPermissions Denied                  Downgraded:plan
            1 junior -                 Admitted:plan           Admitted:plan
            1 mid    plan              Admitted:plan           Admitted:plan
            1 mid    default           Admitted:default        Admitted:default
            1 mid    dontAsk           Denied                  Downgraded:default
            1 mid    acceptEdits       Denied                  Downgraded:default
            1 mid    auto              Denied                  Downgraded:default
            1 mid    bypassPermissions Denied                  Downgraded:default
            1 mid    -                 Admitted:plan           Admitted:plan
            1 senior plan              Admitted:plan           Admitted:plan
            1 senior default           Admitted:default        Admitted:default
            1 senior dontAsk           Denied                  Downgraded:default
            1 senior acceptEdits       Admitted:acceptEdits    Admitted:acceptEdits
            1 senior auto              Denied                  Downgraded:acceptEdits
            1 senior bypassPermissions Denied                  Downgraded:acceptEdits
            1 senior -                 Admitted:plan           Admitted:plan
            2 junior plan              Admitted:plan           Admitted:plan
            2 junior default           Denied                  Downgraded:plan
            2 junior dontAsk           Denied                  Downgraded:plan
            2 junior acceptEdits       Denied                  Downgraded:plan
            2 junior auto              Denied                  Downgraded:plan
            2 junior bypassPermissions Denied                  Downgraded:plan
            2 junior -                 Denied                  Downgraded:plan
            2 mid    plan              Admitted:plan           Admitted:plan
            2 mid    default           Admitted:default        Admitted:default
            2 mid    dontAsk           Denied                  Downgraded:default
            2 mid    acceptEdits       Denied                  Downgraded:default
            2 mid    auto              Denied                  Downgraded:default
            2 mid    bypassPermissions Denied                  Downgraded:default
            2 mid    -                 Admitted:default        Admitted:default
            2 senior plan              Admitted:plan           Admitted:plan
            2 senior default           Admitted:default        Admitted:default
            2 senior dontAsk           Denied                  Downgraded:default
            2 senior acceptEdits       Admitted:acceptEdits    Admitted:acceptEdits
            2 senior auto              Denied                  Downgraded:acceptEdits
            2 senior bypassPermissions Denied                  Downgraded:acceptEdits
            2 senior -                 Admitted:default        Admitted:default
            3 junior plan              Admitted:plan           Admitted:plan
            3 junior default           Admitted:default        Admitted:default
            3 junior dontAsk           Admitted:dontAsk        Admitted:dontAsk
            3 junior acceptEdits       Admitted:acceptEdits    Admitted:acceptEdits
            3 junior auto              Denied                  Downgraded:acceptEdits
            3 junior bypassPermissions Denied                  Downgraded:acceptEdits
            3 junior -                 Admitted:acceptEdits    Admitted:acceptEdits
            3 mid    plan              Admitted:plan           Admitted:plan
            3 mid    default           Admitted:default        Admitted:default
            3 mid    dontAsk           Admitted:dontAsk        Admitted:dontAsk
            3 mid    acceptEdits       Admitted:acceptEdits    Admitted:acceptEdits
            3 mid    auto              Denied                  Downgraded:acceptEdits
            3 mid    bypassPermissions Denied                  Downgraded:acceptEdits
            3 mid    -                 Admitted:acceptEdits    Admitted:acceptEdits
            3 senior plan              Admitted:plan           Admitted:plan
            3 senior default           Admitted:default        Admitted:default
            3 senior dontAsk           Admitted:dontAsk        Admitted:dontAsk
            3 senior acceptEdits       Admitted:acceptEdits    Admitted:acceptEdits
            3 senior auto              Admitted:auto           Admitted:auto
            3 senior bypassPermissions Admitted:bypassPermissions Admitted:bypassPermissions
            3 senior -                 Admitted:acceptEdits    Admitted:acceptEdits
            4 junior plan              Admitted:plan           Admitted:plan
            4 junior default           Admitted:default        Admitted:default
            4 junior dontAsk           Admitted:dontAsk        Admitted:dontAsk
            4 junior acceptEdits       Admitted:acceptEdits    Admitted:acceptEdits
            4 junior auto              Denied                  Downgraded:acceptEdits
            4 junior bypassPermissions Denied                  Downgraded:acceptEdits
            4 junior -                 Denied                  Downgraded:acceptEdits
            4 mid    plan              Admitted:plan           Admitted:plan
            4 mid    default           Admitted:default        Admitted:default
            4 mid    dontAsk           Admitted:dontAsk        Admitted:dontAsk
            4 mid    acceptEdits       Admitted:acceptEdits    Admitted:acceptEdits
            4 mid    auto              Denied                  Downgraded:acceptEdits
            4 mid    bypassPermissions Denied                  Downgraded:acceptEdits
            4 mid    -                 Denied                  Downgraded:acceptEdits
            4 senior plan              Admitted:plan           Admitted:plan
            4 senior default           Admitted:default        Admitted:default
            4 senior dontAsk           Admitted:dontAsk        Admitted:dontAsk
            4 senior acceptEdits       Admitted:acceptEdits    Admitted:acceptEdits
            4 senior auto              Admitted:auto           Admitted:auto
            4 senior bypassPermissions Admitted:bypassPermissions Admitted:bypassPermissions
            4 senior -                 Admitted:bypassPermissions Admitted:bypassPermissions
            """;

    static Stream<Arguments> seniorityTierModeTable() {
        List<Arguments> cases = new ArrayList<>();
        for (String line : TABLE.strip().split("\n")) {
            String[] c = line.trim().split("\\s+");
            cases.add(Arguments.of(c[0], c[1], c[2], OnViolation.DENY, c[3]));
            cases.add(Arguments.of(c[0], c[1], c[2], OnViolation.DOWNGRADE, c[4]));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "tier {0}, {1}, requests {2}, onViolation {3} -> {4}")
    @MethodSource("seniorityTierModeTable")
    void decisionFollowsTheSeniorityTable(String tier, String level, String requested, OnViolation onViolation, String outcome) {
        List<PermissionPolicy> policies = Fixtures.domainTiers();
        policies.forEach(p -> p.getSpec().getModes().setOnViolation(onViolation));
        String[] groups = switch (level) {
            case "mid" -> new String[] { "eng-mid" };
            case "senior" -> new String[] { "eng-senior", "eng-mid" };
            default -> new String[] { "eng-new" };
        };

        Decision decision = Fixtures.ENGINE.decide(policies, tier(tier), session(requested.equals("-") ? null : requested,
                "refactor", groups), NOW);

        String[] expected = outcome.split(":");
        assertThat(decision.phase().value()).as(decision.reason()).isEqualTo(expected[0]);
        assertThat(decision.effectiveMode()).isEqualTo(expected.length == 1 ? null : PermissionMode.fromValue(expected[1]));
        assertThat(decision.seniority().value()).isEqualTo(level);
        assertThat(decision.policies()).containsExactly("tier-" + tier);
        assertThat(decision.policyViolation()).isFalse();
    }

    @ParameterizedTest(name = "tier {0}, task {1}")
    @MethodSource("cappedTaskTypes")
    void riskyTaskTypesAreCappedAtPlanInEveryTierEvenForSeniors(String tier, String taskType) {
        List<PermissionPolicy> policies = Fixtures.domainTiers();
        Decision denied = Fixtures.ENGINE.decide(policies, tier(tier), session("default", taskType, "eng-senior"), NOW);
        assertThat(denied.phase()).isEqualTo(SessionPhase.DENIED);
        assertThat(denied.reason()).isEqualTo("requested default; task type " + taskType + " is capped at plan (policy tier-" + tier
                + "); denied");

        Decision plan = Fixtures.ENGINE.decide(policies, tier(tier), session("plan", taskType, "eng-senior"), NOW);
        assertThat(plan.phase()).isEqualTo(SessionPhase.ADMITTED);
        assertThat(plan.effectiveMode()).isEqualTo(PermissionMode.PLAN);
    }

    static Stream<Arguments> cappedTaskTypes() {
        List<Arguments> cases = new ArrayList<>();
        for (String tier : List.of("1", "2", "3", "4")) {
            for (String task : List.of("schema-migration", "security", "payments", "infrastructure", "data-deletion", "compliance")) {
                cases.add(Arguments.of(tier, task));
            }
        }
        return cases.stream();
    }
}
