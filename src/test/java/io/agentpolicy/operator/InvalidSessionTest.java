package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Malformed sessions, applied with kubectl: a clear error at apply time or in status, and never a map. */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class InvalidSessionTest {
    static final KubernetesClient client = TestCluster.get().admin();
    static String namespace;

    @BeforeAll
    static void aGovernedNamespace() {
        String tier = unique("malformed");
        applyPolicy(client, unique("malformed-policy"), "tiers: [" + tier + "]\nmodes: {default: default}");
        namespace = createNamespace(client, unique("malformed"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            unknown mode               | spec: {engineer: a@x.io, requestedMode: yolo}                   | spec.requestedMode: Unsupported value: "yolo"
            mode in the wrong case     | spec: {engineer: a@x.io, requestedMode: Plan}                   | spec.requestedMode: Unsupported value: "Plan"
            empty mode                 | spec: {engineer: a@x.io, requestedMode: ""}                     | spec.requestedMode: Unsupported value: ""
            missing engineer           | spec: {requestedMode: plan}                                     | spec.engineer: Required value
            empty engineer             | spec: {engineer: ""}                                            | spec.engineer: Invalid value: "": spec.engineer in body should be at least 1 chars long
            engineer not a string      | spec: {engineer: 42}                                            | spec.engineer: Invalid value: "integer": spec.engineer in body must be of type string
            engineer far too long      | spec: {engineer: @300}                                          | spec.engineer: Too long: may not be more than 253
            no spec at all             | metadataOnly: true                                              | spec is required: set at least spec.engineer
            unknown spec field         | spec: {engineer: a@x.io, mode: plan}                            | unknown field "spec.mode"
            groups not a list          | spec: {engineer: a@x.io, groups: eng-mid}                       | spec.groups: Invalid value: "string": spec.groups in body must be of type array
            an empty group name        | spec: {engineer: a@x.io, groups: [""]}                          | group names must be 1 to 253 characters long
            too many groups            | spec: {engineer: a@x.io, groups: @33groups}                     | spec.groups: Too many: 33: must have at most 32 items
            task type too long         | spec: {engineer: a@x.io, taskType: @64}                         | spec.taskType: Too long: may not be more than 63
            repository too long        | spec: {engineer: a@x.io, repository: @300}                      | spec.repository: Too long: may not be more than 253
            expiresAt in words         | spec: {engineer: a@x.io, expiresAt: "next tuesday"}             | spec.expiresAt: Invalid value: "next tuesday"
            expiresAt offset sans colon| spec: {engineer: a@x.io, expiresAt: "2026-11-21T18:00:00+0100"} | spec.expiresAt: Invalid value: "2026-11-21T18:00:00+0100"
            """)
    void refusedAtApplyTime(String name, String body, String message) {
        String session = "bad-" + unique("s");
        String manifest = "apiVersion: agentpolicy.io/v1alpha1\nkind: AgentSession\nmetadata: {name: " + session + ", namespace: "
                + namespace + "}\n" + (body.startsWith("metadataOnly") ? "" : expand(body) + "\n");
        Kubectl.Result result = Kubectl.apply(manifest, null);
        assertThat(result.succeeded()).as("kubectl apply of %s", name).isFalse();
        assertThat(result.stderr()).contains(message);
        assertThat(client.resources(AgentSession.class).inNamespace(namespace).withName(session).get()).isNull();
        assertThat(configMap(client, namespace, "agent-session-" + session)).isNull();
    }

    @Test
    void anImpossibleDateIsStalledAndDeniedWithTheField() {
        Kubectl.Result result = Kubectl.apply("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: feb-30, namespace: %s}
                spec: {engineer: a@x.io, requestedMode: plan, expiresAt: "2026-02-30T10:00:00Z"}
                """.formatted(namespace), null);
        assertThat(result.succeeded()).as(result.stderr()).isTrue();
        await().atMost(NamespaceBaselineTest.WITHIN).untilAsserted(() -> {
            AgentSession session = client.resources(AgentSession.class).inNamespace(namespace).withName("feb-30").get();
            assertThat(session.getStatus()).as("status written").isNotNull();
            assertThat(session.getStatus().getPhase()).isEqualTo(SessionPhase.DENIED);
            assertThat(session.getStatus().getReason()).contains("spec.expiresAt \"2026-02-30T10:00:00Z\"");
            assertThat(Conditions.find(session.getStatus().getConditions(), Conditions.STALLED).getMessage()).contains("spec.expiresAt");
            assertThat(Conditions.isTrue(session.getStatus().getConditions(), Conditions.STALLED)).isTrue();
        });
        assertThat(configMap(client, namespace, "agent-session-feb-30")).isNull();
    }

    /** @N is a string of N characters, @33groups a list of 33 group names. */
    private static String expand(String body) {
        return body.replace("@33groups", "[" + String.join(", ", java.util.Collections.nCopies(33, "g")) + "]")
                .replace("@300", "x".repeat(300))
                .replace("@64", "t".repeat(64));
    }
}
