package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.replacePolicy;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.agentpolicy.api.Condition;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Bad input gets a clear error and loses nothing: every invalid spec is refused at apply time by the CRD or
 * reported as Stalled by the operator, and the map rendered from the last good spec stays byte-identical.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class InvalidPolicyTest {
    static final KubernetesClient client = TestCluster.get().admin();
    static final String TIER = unique("invalid");
    static final String POLICY = unique("invalid-policy");
    static final String GOOD_SPEC = "tiers: [" + TIER + "]\nmodes: {default: default, allowed: [plan, default, acceptEdits]}\n"
            + "permissions: {deny: [\"Bash(rm -rf *)\"]}";
    static String namespace;
    static ConfigMap lastGood;

    @BeforeAll
    static void renderAGoodMap() {
        applyPolicy(client, POLICY, GOOD_SPEC);
        namespace = createNamespace(client, unique("invalid"), NamespaceBaselineTest.TIER_LABEL, TIER).getMetadata().getName();
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> configMap(client, namespace, NamespaceBaselineTest.MAP) != null);
        lastGood = configMap(client, namespace, NamespaceBaselineTest.MAP);
    }

    @ParameterizedTest(name = "refused at apply: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            unknown mode                 | modes: {default: yolo}                                                   | spec.modes.default: Unsupported value: "yolo"
            default outside allowed      | modes: {default: acceptEdits, allowed: [plan]}                           | modes.default must be one of modes.allowed
            bypass lock contradiction    | modes: {disableBypassPermissions: true, allowed: [plan, bypassPermissions]} | bypassPermissions cannot be in modes.allowed
            auto lock contradiction      | modes: {disableAuto: true, default: auto}                                | auto cannot be in modes.allowed or be modes.default
            lock given as a string       | modes: {disableBypassPermissions: "disable"}                             | spec.modes.disableBypassPermissions: Invalid value: "string"
            duplicate allowed mode       | modes: {allowed: [plan, plan]}                                           | modes.allowed lists a mode more than once
            blank deny rule              | permissions: {deny: ["   "]}                                             | spec.permissions.deny: Invalid value: rules must not be empty or blank
            override without reason      | emergencyOverride: {expiresAt: "2026-11-22T09:00:00Z"}                   | spec.emergencyOverride.reason: Required value
            override without expiresAt   | emergencyOverride: {reason: outage}                                      | spec.emergencyOverride.expiresAt: Required value
            override with a bad time     | emergencyOverride: {reason: outage, expiresAt: "tomorrow 9am"}           | spec.emergencyOverride.expiresAt: Invalid value: "tomorrow 9am"
            task cap without a cap       | taskOverrides: [{taskTypes: [payments]}]                                 | a taskOverrides entry needs maxMode, raiseTo or both
            priority that is no number   | priority: high                                                            | spec.priority: Invalid value: "string"
            priority beyond 32 bits      | priority: 3000000000                                                      | spec.priority in body should be less than or equal to 2147483647
            """)
    void refusedAtApplyTime(String name, String extraSpec, String message) {
        assertThatThrownBy(() -> replacePolicy(client, POLICY, "tiers: [" + TIER + "]\n" + extraSpec))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                .hasMessageContaining(message);
        assertMapUnchanged();
    }

    @ParameterizedTest(name = "stalled: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            unbalanced rule              | permissions: {deny: ["Bash(ls"]}                        | spec.permissions.deny[0]: rule "Bash(ls" has unbalanced parentheses
            whitespace around a rule     | permissions: {deny: [" Bash(ls)"]}                      | has leading or trailing whitespace, so it never matches
            empty specifier              | permissions: {ask: ["Bash()"]}                          | spec.permissions.ask[0]: rule "Bash()" has an empty specifier
            glob in an allow rule        | permissions: {allow: ["*"]}                             | tool-name glob "*" in an allow rule is skipped by Claude Code
            WebFetch without domain      | permissions: {allow: ["WebFetch(example.com)"]}         | spec.permissions.allow[0]
            specifier on a bare tool     | permissions: {deny: ["ExitPlanMode(x)"]}                | ExitPlanMode takes no specifier
            parameter on primary field   | permissions: {deny: ["Bash(command:rm *)"]}             | is a parameter rule on command, a tool's primary field, which Claude Code ignores
            boolean where a flag is      | settings: {allowManagedPermissionRulesOnly: "yes"}      | spec.settings.allowManagedPermissionRulesOnly: must be a boolean (true or false), got "yes"
            number in env                | settings: {env: {DEBUG: 1}}                             | spec.settings.env.DEBUG: must be a string; quote it: "1"
            permissions in settings      | settings: {permissions: {disableBypassPermissionsMode: true}} | settings must not contain permissions
            disableAutoMode in settings  | settings: {disableAutoMode: disable}                    | it is owned by spec.modes.disableAuto
            unknown hook event           | settings: {hooks: {PreToolUsage: []}}                   | Claude Code does not know hook event PreToolUsage and drops it; did you mean "PreToolUse"?
            port out of range            | settings: {sandbox: {network: {httpProxyPort: 70000}}}  | must be an integer between 1 and 65535, got 70000
            cleanup period of zero       | settings: {cleanupPeriodDays: 0}                        | spec.settings.cleanupPeriodDays: must be an integer >= 1, got 0
            bad selector operator        | namespaceSelector: {matchExpressions: [{key: team, operator: Maybe}]} | has operator "Maybe"; use one of In, NotIn, Exists, DoesNotExist
            override longer than a day   | emergencyOverride: {reason: outage, expiresAt: "@30h"}  | an emergency override may last at most 24 hours
            """)
    void stalledWithTheFieldAndReason(String name, String extraSpec, String message) {
        String spec = extraSpec.replace("\"@30h\"", "\"" + Instant.now().plus(30, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS) + "\"");
        PermissionPolicy applied = applyPolicy(client, POLICY, "tiers: [" + TIER + "]\n" + spec);
        long generation = applied.getMetadata().getGeneration();
        await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> {
            PermissionPolicy policy = client.resources(PermissionPolicy.class).withName(POLICY).get();
            Condition stalled = Conditions.find(policy.getStatus().getConditions(), Conditions.STALLED);
            assertThat(stalled.getObservedGeneration()).isEqualTo(generation);
            assertThat(stalled.getStatus()).isEqualTo(Condition.TRUE);
            assertThat(stalled.getMessage()).contains(message);
            assertThat(Conditions.isTrue(policy.getStatus().getConditions(), Conditions.READY)).isFalse();
        });
        // The Event follows the status write that records the transition.
        await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> assertThat(client.v1().events().inNamespace("default").list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getInvolvedObject().getName()).isEqualTo(POLICY);
                    assertThat(e.getReason()).isEqualTo("InvalidSpec");
                    assertThat(e.getMessage()).contains(message);
                }));
        assertMapUnchanged();
    }

    /** Leaves the shared cluster with a valid policy, as other tests expect of their neighbours. */
    @AfterAll
    static void fixThePolicy() {
        applyPolicy(client, POLICY, GOOD_SPEC);
    }

    /** The last good map is still there, byte for byte, never rewritten. */
    private static void assertMapUnchanged() {
        ConfigMap now = configMap(client, namespace, NamespaceBaselineTest.MAP);
        assertThat(now.getData()).isEqualTo(lastGood.getData());
        assertThat(now.getMetadata().getResourceVersion()).isEqualTo(lastGood.getMetadata().getResourceVersion());
    }

}
