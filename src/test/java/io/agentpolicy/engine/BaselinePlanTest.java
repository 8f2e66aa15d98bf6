package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.namespace;
import static io.agentpolicy.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.PermissionPolicy;

/** The one plan of a namespace's map, for the operator and the CLI: render, keep the last good map, or none. */
class BaselinePlanTest {
    static final PolicyEngine ENGINE = new PolicyEngine(EngineConfig.defaults());
    static final PermissionPolicy TIER_1 = policy("""
            metadata: {name: tier-1}
            spec: {tiers: ["1"]}
            """);
    static final PermissionPolicy ORG = policy("""
            metadata: {name: org}
            spec: {namespaceSelector: {}}
            """);
    static final PermissionPolicy TIER_2 = policy("""
            metadata: {name: tier-2}
            spec: {tiers: ["2"]}
            """);
    static final List<PermissionPolicy> ALL = List.of(TIER_1, ORG, TIER_2);

    static Predicate<PermissionPolicy> allValidBut(String... invalid) {
        return p -> !Set.of(invalid).contains(p.getMetadata().getName());
    }

    @Test
    void aTieredNamespaceIsRenderedFromItsPoliciesSortedByName() {
        BaselinePlan plan = ENGINE.planBaseline(ALL, namespace("core", "agentpolicy.io/tier=1"), List.of(), allValidBut());
        assertThat(plan).isInstanceOfSatisfying(BaselinePlan.Render.class,
                render -> assertThat(render.policies()).containsExactly(ORG, TIER_1));
        assertThat(plan.reason()).isEqualTo("rendered from org, tier-1");
    }

    @Test
    void anInvalidGoverningPolicyKeepsTheLastGoodMap() {
        assertThat(ENGINE.planBaseline(ALL, namespace("core", "agentpolicy.io/tier=1"), List.of(), allValidBut("tier-1")))
                .isEqualTo(new BaselinePlan.Keep(List.of("tier-1")));
    }

    @Test
    void anInvalidPolicyTheMapWasRenderedFromKeepsItEvenWhenItNoLongerMatches() {
        // tier-2 rendered the map; its broken new spec must not remove or re-render it
        assertThat(ENGINE.planBaseline(ALL, namespace("core", "agentpolicy.io/tier=1"), List.of("tier-2"), allValidBut("tier-2")))
                .isEqualTo(new BaselinePlan.Keep(List.of("tier-2")));
    }

    @Test
    void noTierLabelOrNoPolicyMeansNoMapWithTheReason() {
        assertThat(ENGINE.planBaseline(ALL, namespace("scratch"), List.of(), allValidBut()).reason())
                .isEqualTo("namespace scratch has no agentpolicy.io/tier label, so the operator writes no baseline map for it "
                        + "(sessions there are decided as tier 1)");
        assertThat(ENGINE.planBaseline(List.of(TIER_1), namespace("lab", "agentpolicy.io/tier=9"), List.of(), allValidBut()))
                .isEqualTo(new BaselinePlan.None("no PermissionPolicy governs namespace lab, tier 9, so the operator writes no baseline map for it"));
    }
}
