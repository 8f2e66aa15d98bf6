package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.namespace;
import static io.agentpolicy.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.agentpolicy.api.PermissionPolicy;

class PolicySelectionTest {
    private static final List<PermissionPolicy> POLICIES = List.of(
            policy("""
                    metadata: {name: tier-1}
                    spec: {tiers: ["1"]}
                    """),
            policy("""
                    metadata: {name: tiers-1-and-2}
                    spec: {tiers: ["1", "2"]}
                    """),
            policy("""
                    metadata: {name: payments-team}
                    spec:
                      namespaceSelector: {matchLabels: {team: payments}}
                    """),
            policy("""
                    metadata: {name: tier-1-payments}
                    spec:
                      tiers: ["1"]
                      namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [payments]}]}
                    """),
            policy("""
                    metadata: {name: aaa-scopeless}
                    spec: {priority: 3}
                    """),
            policy("""
                    metadata: {name: aaa-no-spec}
                    """),
            policy("""
                    metadata: {name: all-namespaces}
                    spec: {namespaceSelector: {}}
                    """));

    private static final PolicySelection SELECTION = new PolicySelection(EngineConfig.defaults());

    static Stream<Arguments> namespaces() {
        return Stream.of(
                Arguments.of(namespace("core", "agentpolicy.io/tier=1"),
                        List.of("all-namespaces", "tier-1", "tiers-1-and-2"),
                        List.of("all-namespaces", "tier-1", "tiers-1-and-2")),
                Arguments.of(namespace("payments", "agentpolicy.io/tier=1", "team=payments"),
                        List.of("all-namespaces", "payments-team", "tier-1", "tier-1-payments", "tiers-1-and-2"),
                        List.of("all-namespaces", "payments-team", "tier-1", "tier-1-payments", "tiers-1-and-2")),
                Arguments.of(namespace("billing", "agentpolicy.io/tier=2", "team=payments"),
                        List.of("all-namespaces", "payments-team", "tiers-1-and-2"),
                        List.of("all-namespaces", "payments-team", "tiers-1-and-2")),
                Arguments.of(namespace("sandbox", "agentpolicy.io/tier=4"),
                        List.of("all-namespaces"),
                        List.of("all-namespaces")),
                // unlabelled: no baseline at all; sessions are decided as tier 1, with the real labels for selectors
                Arguments.of(namespace("scratch", "team=payments"),
                        List.of(),
                        List.of("all-namespaces", "payments-team", "tier-1", "tier-1-payments", "tiers-1-and-2")),
                Arguments.of(namespace("bare"),
                        List.of(),
                        List.of("all-namespaces", "tier-1", "tiers-1-and-2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaces")
    void selectsByTierAndSelectorSortedByName(NamespaceInfo ns, List<String> baseline, List<String> session) {
        assertThat(SELECTION.forBaseline(POLICIES, ns)).extracting(p -> p.getMetadata().getName()).containsExactlyElementsOf(baseline);
        assertThat(SELECTION.forSession(POLICIES, ns)).extracting(p -> p.getMetadata().getName()).containsExactlyElementsOf(session);
    }

    @Test
    void tierComesFromTheConfiguredLabel() {
        PolicySelection custom = new PolicySelection(new EngineConfig("example.com/risk", "2"));
        NamespaceInfo ns = namespace("x", "example.com/risk=3", "agentpolicy.io/tier=1");
        assertThat(custom.tierOf(ns)).isEqualTo("3");
        assertThat(custom.tierOf(namespace("y", "agentpolicy.io/tier=1"))).isNull();
        assertThat(custom.sessionTierOf(namespace("y", "agentpolicy.io/tier=1"))).isEqualTo("2");
        assertThat(custom.forSession(POLICIES, namespace("y")))
                .extracting(p -> p.getMetadata().getName()).containsExactly("all-namespaces", "tiers-1-and-2");
    }
}
