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
import io.agentpolicy.testing.DecisionTable;

/** shared/docs/domain.md's tier table, seniority table and task overrides, with the four tier policies as fixtures. */
class DomainTiersTest {

    @ParameterizedTest(name = "tier {0}")
    @ValueSource(strings = { "1", "2", "3", "4" })
    void baselineOfEachTierMatchesTheTierTable(String tier) {
        List<PermissionPolicy> governing = Fixtures.ENGINE.forBaseline(Fixtures.domainTiers(), tier(tier));
        RenderedSettings rendered = SettingsRenderer.renderBaseline(Fixtures.ENGINE.merge(governing, NOW));
        assertThat(rendered.json()).isEqualTo(Fixtures.resourceText("baseline-tier-" + tier + ".json"));
    }


    /** The hand-worked table shared with the integration test (src/test/resources/decisions). */
    static Stream<Arguments> seniorityTierModeTable() {
        List<Arguments> cases = new ArrayList<>();
        for (DecisionTable.Row row : DecisionTable.rows()) {
            cases.add(Arguments.of(row, OnViolation.DENY));
            cases.add(Arguments.of(row, OnViolation.DOWNGRADE));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, onViolation {1}")
    @MethodSource("seniorityTierModeTable")
    void decisionFollowsTheSeniorityTable(DecisionTable.Row row, OnViolation onViolation) {
        List<PermissionPolicy> policies = Fixtures.domainTiers();
        policies.forEach(p -> p.getSpec().getModes().setOnViolation(onViolation));

        Decision decision = Fixtures.ENGINE.decide(policies, tier(row.tier()),
                session(row.requested(), "refactor", row.groups().toArray(String[]::new)), NOW);

        DecisionTable.Outcome expected = row.outcome(onViolation == OnViolation.DENY);
        assertThat(decision.phase().value()).as(decision.reason()).isEqualTo(expected.phase());
        assertThat(decision.effectiveMode()).isEqualTo(PermissionMode.fromValue(expected.effectiveMode()));
        assertThat(decision.seniority().value()).isEqualTo(row.level());
        assertThat(decision.policies()).containsExactly("tier-" + row.tier());
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
