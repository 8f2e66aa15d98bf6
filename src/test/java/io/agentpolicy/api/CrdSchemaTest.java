package io.agentpolicy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The generated CRDs, installed into a real kube-apiserver: what they accept, what they refuse and how. */
class CrdSchemaTest {
    private static KubernetesClient client;

    @BeforeAll
    static void cluster() {
        client = TestCluster.get().admin();
    }

    @Test
    void acceptsAValidPolicyAndSession() {
        String name = unique("tier-1");
        client.resource(policyYaml(name, """
                tiers: ["1"]
                enforcement: Enforce
                modes: {default: plan, allowed: [plan, default, acceptEdits], disableBypassPermissions: true, disableAuto: true, onViolation: Downgrade}
                permissions: {deny: ["Bash(rm -rf *)", "Read(./.env)"]}
                seniority: {mid: {maxMode: default, groups: [eng-mid]}}
                taskOverrides: [{taskTypes: [schema-migration], maxMode: plan}]
                emergencyOverride: {reason: "INC-1 outage", expiresAt: "2026-11-22T09:00:00Z"}
                settings: {allowManagedPermissionRulesOnly: true, env: {CI: "1"}}
                """)).create();
        PermissionPolicy stored = client.resources(PermissionPolicy.class).withName(name).get();
        assertThat(stored.getSpec().getModes().getAllowed()).containsExactly(PermissionMode.PLAN, PermissionMode.DEFAULT,
                PermissionMode.ACCEPT_EDITS);
        assertThat(stored.getSpec().getPriority()).as("defaulted by the CRD").isZero();
        assertThat(stored.getSpec().getEmergencyOverride().getMaxMode()).as("defaulted by the CRD").isEqualTo(PermissionMode.PLAN);
        assertThat(stored.getSpec().getSettings().get("env").get("CI").asText()).isEqualTo("1");

        String namespace = freshNamespace();
        client.resource(sessionYaml(namespace, "fix-login", """
                engineer: alice@example.com
                groups: [eng-mid]
                requestedMode: acceptEdits
                taskType: refactor
                repository: payments-service
                expiresAt: "2026-11-21T18:00:00Z"
                """)).create();
        AgentSession session = client.resources(AgentSession.class).inNamespace(namespace).withName("fix-login").get();
        assertThat(session.getSpec().getRequestedMode()).isEqualTo(PermissionMode.ACCEPT_EDITS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown mode                  | tiers: ["1"]\\nmodes: {default: yolo}                                    | spec.modes.default: Unsupported value: "yolo"
            default outside allowed       | tiers: ["1"]\\nmodes: {default: acceptEdits, allowed: [plan, default]}   | modes.default must be one of modes.allowed
            neither tiers nor selector    | priority: 3                                                               | set spec.tiers, spec.namespaceSelector or both
            empty tiers and no selector   | tiers: []                                                                 | set spec.tiers, spec.namespaceSelector or both
            bypass locked but allowed     | tiers: ["1"]\\nmodes: {disableBypassPermissions: true, allowed: [plan, bypassPermissions]} | bypassPermissions cannot be in modes.allowed
            auto locked but default       | tiers: ["1"]\\nmodes: {disableAuto: true, default: auto}                  | auto cannot be in modes.allowed or be modes.default
            blank deny rule               | tiers: ["1"]\\npermissions: {deny: ["  "]}                                | spec.permissions.deny: Invalid value: rules must not be empty or blank
            override without reason       | tiers: ["1"]\\nemergencyOverride: {expiresAt: "2026-11-22T09:00:00Z"}     | spec.emergencyOverride.reason: Required value
            override without expiresAt    | tiers: ["1"]\\nemergencyOverride: {reason: outage}                         | spec.emergencyOverride.expiresAt: Required value
            override with a bad timestamp | tiers: ["1"]\\nemergencyOverride: {reason: outage, expiresAt: tomorrow}    | spec.emergencyOverride.expiresAt: Invalid value: "tomorrow"
            boolean lock given as string  | tiers: ["1"]\\nmodes: {disableAuto: "disable"}                             | spec.modes.disableAuto: Invalid value: "string": spec.modes.disableAuto in body must be of type boolean
            exception over 24h            | tiers: ["1"]\\nexceptions: {maxMode: auto, approvals: [{groups: [cto]}], maxDuration: 25h} | exceptions.maxDuration must be more than 0s and at most 24h
            exception of zero duration    | tiers: ["1"]\\nexceptions: {maxMode: auto, approvals: [{groups: [cto]}], maxDuration: 0h} | exceptions.maxDuration must be more than 0s and at most 24h
            exception in days             | tiers: ["1"]\\nexceptions: {maxMode: auto, approvals: [{groups: [cto]}], maxDuration: 1d} | spec.exceptions.maxDuration: Invalid value: "1d"
            exception without approvals   | tiers: ["1"]\\nexceptions: {maxMode: auto, approvals: [], maxDuration: 8h} | spec.exceptions.approvals: Invalid value: 0: spec.exceptions.approvals in body should have at least 1 items
            approval entry without groups | tiers: ["1"]\\nexceptions: {maxMode: auto, approvals: [{groups: []}], maxDuration: 8h} | each exceptions.approvals entry needs at least one group
            escalation that never lifts   | tiers: ["1"]\\nseniority: {escalation: {senior: {critical: 1}, lift: {}}} | escalation.lift needs cleanSessions, orQuietFor or both
            escalation without lift       | tiers: ["1"]\\nseniority: {escalation: {senior: {critical: 1}}} | spec.seniority.escalation.lift: Required value
            quiet period over a year      | tiers: ["1"]\\nseniority: {escalation: {lift: {orQuietFor: 9000h}}} | escalation.lift.orQuietFor must be more than 0s and at most 8760h
            mid window in days            | tiers: ["1"]\\nseniority: {escalation: {mid: {mistakes: 3, within: 30d}, lift: {cleanSessions: 5}}} | spec.seniority.escalation.mid.within: Invalid value: "30d"
            no mistakes                   | tiers: ["1"]\\nseniority: {escalation: {junior: {mistakes: 0}, lift: {cleanSessions: 5}}} | spec.seniority.escalation.junior.mistakes: Invalid value: 0
            task override with neither    | tiers: ["1"]\\ntaskOverrides: [{taskTypes: [docs]}]                      | a taskOverrides entry needs maxMode, raiseTo or both
            """)
    void refusesInvalidPolicies(String caseName, String spec, String expectedMessage) {
        String yaml = policyYaml(unique("bad"), spec.replace("\\n", "\n"));
        assertThatThrownBy(() -> client.resource(yaml).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                .hasMessageContaining(expectedMessage);
    }

    @Test
    void refusesAPolicyWithoutSpec() {
        String yaml = "apiVersion: agentpolicy.io/v1alpha1\nkind: PermissionPolicy\nmetadata: {name: " + unique("nospec") + "}\n";
        assertThatThrownBy(() -> client.resource(yaml).create()).hasMessageContaining("spec is required");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing engineer     | requestedMode: plan                                      | spec.engineer: Required value
            unknown mode         | engineer: a@example.com\\nrequestedMode: yolo             | spec.requestedMode: Unsupported value: "yolo"
            bad expiresAt        | engineer: a@example.com\\nexpiresAt: "next tuesday"       | spec.expiresAt: Invalid value: "next tuesday"
            empty exception      | engineer: a@example.com\\nexception: {reason: ""}          | spec.exception.reason must say why the session needs more than its caps allow
            """)
    void refusesInvalidSessions(String caseName, String spec, String expectedMessage) {
        String yaml = sessionYaml(freshNamespace(), "bad", spec.replace("\\n", "\n"));
        assertThatThrownBy(() -> client.resource(yaml).create()).hasMessageContaining(expectedMessage);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown decision     | session: s\\nsessionGeneration: 1\\napprover: carol\\ngroups: [cto]\\ndecision: Maybe   | spec.decision: Unsupported value: "Maybe"
            no groups            | session: s\\nsessionGeneration: 1\\napprover: carol\\ngroups: []\\ndecision: Approve     | spec.groups: Invalid value: 0: spec.groups in body should have at least 1 items
            generation too large | session: s\\nsessionGeneration: 9007199254740992\\napprover: carol\\ngroups: [cto]\\ndecision: Approve | spec.sessionGeneration: Invalid value
            no session           | sessionGeneration: 1\\napprover: carol\\ngroups: [cto]\\ndecision: Approve                  | spec.session: Required value
            """)
    void refusesInvalidApprovals(String caseName, String spec, String expectedMessage) {
        String yaml = approvalYaml(freshNamespace(), "bad", spec.replace("\\n", "\n"));
        assertThatThrownBy(() -> client.resource(yaml).create()).hasMessageContaining(expectedMessage);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown severity     | engineer: a@example.com\\nseverity: Catastrophic\\noccurredAt: "2026-12-01T10:00:00Z" | spec.severity: Unsupported value: "Catastrophic"
            no engineer          | severity: Minor\\noccurredAt: "2026-12-01T10:00:00Z"                               | spec.engineer: Required value
            no occurredAt        | engineer: a@example.com\\nseverity: Minor                                         | spec.occurredAt: Required value
            occurredAt not a date | engineer: a@example.com\\nseverity: Minor\\noccurredAt: yesterday              | spec.occurredAt: Invalid value: "yesterday"
            """)
    void refusesInvalidIncidents(String caseName, String spec, String expectedMessage) {
        String yaml = "apiVersion: agentpolicy.io/v1alpha1\nkind: AgentIncident\nmetadata: {name: bad, namespace: " + freshNamespace()
                + "}\nspec:\n" + spec.replace("\\n", "\n").indent(2);
        assertThatThrownBy(() -> client.resource(yaml).create()).hasMessageContaining(expectedMessage);
    }

    @Test
    void anIncidentStaysWithItsEngineer() {
        String namespace = freshNamespace();
        client.resource("apiVersion: agentpolicy.io/v1alpha1\nkind: AgentIncident\nmetadata: {name: inc, namespace: " + namespace
                + "}\nspec: {engineer: a@example.com, severity: Minor, occurredAt: \"2026-12-01T10:00:00Z\"}\n").create();
        assertThatThrownBy(() -> client.resources(AgentIncident.class).inNamespace(namespace).withName("inc")
                .edit(incident -> {
                    incident.getSpec().setEngineer("b@example.com");
                    return incident;
                })).hasMessageContaining("spec.engineer cannot be changed");
    }

    @Test
    void anApprovalCannotBeChanged() {
        String namespace = freshNamespace();
        client.resource(approvalYaml(namespace, "fix-carol", "session: fix\nsessionGeneration: 1\napprover: carol\ngroups: [cto]\ndecision: Reject"))
                .create();
        AgentSessionApproval stored = client.resources(AgentSessionApproval.class).inNamespace(namespace).withName("fix-carol").get();
        assertThat(stored.getSpec().getDecision()).isEqualTo(ApprovalDecision.REJECT);
        stored.getSpec().setDecision(ApprovalDecision.APPROVE);
        assertThatThrownBy(() -> client.resource(stored).update())
                .hasMessageContaining("an AgentSessionApproval cannot be changed once created");
        stored.getSpec().setDecision(ApprovalDecision.REJECT);
        stored.getMetadata().setLabels(java.util.Map.of("reviewed", "yes"));
        client.resource(stored).update(); // metadata may change; the answer may not
    }

    @Test
    void statusIsASubresource() {
        String name = unique("status");
        client.resource(policyYaml(name, "tiers: [\"2\"]")).create();
        PermissionPolicy policy = client.resources(PermissionPolicy.class).withName(name).get();
        PermissionPolicyStatus status = new PermissionPolicyStatus();
        status.setMatchedNamespaces(7);
        status.setObservedGeneration(policy.getMetadata().getGeneration());
        policy.setStatus(status);
        policy.getSpec().setTiers(List.of("3"));
        client.resource(policy).updateStatus();

        PermissionPolicy stored = client.resources(PermissionPolicy.class).withName(name).get();
        assertThat(stored.getStatus().getMatchedNamespaces()).isEqualTo(7);
        assertThat(stored.getSpec().getTiers()).as("a status write never changes the spec").containsExactly("2");
        assertThat(stored.getMetadata().getGeneration()).as("status writes do not bump the generation").isEqualTo(1L);
    }

    @Test
    void serverSideApplyTracksFieldManagersAndConflicts() {
        String name = unique("ssa");
        PermissionPolicy gitops = client.resources(PermissionPolicy.class)
                .load(new java.io.ByteArrayInputStream(policyYaml(name, "tiers: [\"1\"]\nmodes: {default: plan}").getBytes())).item();
        client.resource(gitops).fieldManager("argocd").serverSideApply();

        PermissionPolicy stored = client.resources(PermissionPolicy.class).withName(name).get();
        assertThat(stored.getMetadata().getManagedFields()).extracting("manager").contains("argocd");

        PermissionPolicy other = client.resources(PermissionPolicy.class)
                .load(new java.io.ByteArrayInputStream(policyYaml(name, "tiers: [\"1\"]\nmodes: {default: default}").getBytes())).item();
        assertThatThrownBy(() -> client.resource(other).fieldManager("someone-else").serverSideApply())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409))
                .hasMessageContaining("conflict");
        client.resource(other).fieldManager("someone-else").forceConflicts().serverSideApply();
        assertThat(client.resources(PermissionPolicy.class).withName(name).get().getSpec().getModes().getDefaultMode())
                .isEqualTo(PermissionMode.DEFAULT);
    }

    @Test
    void everyKindIsInTheAgentpolicyCategory() {
        for (String crd : List.of("agentsessions.agentpolicy.io", "permissionpolicies.agentpolicy.io", "agentsessionapprovals.agentpolicy.io",
                "agentincidents.agentpolicy.io", "engineerstandings.agentpolicy.io")) {
            assertThat(client.apiextensions().v1().customResourceDefinitions().withName(crd).get().getSpec().getNames()
                    .getCategories()).containsExactly("agentpolicy");
        }
    }

    static String policyYaml(String name, String spec) {
        return "apiVersion: agentpolicy.io/v1alpha1\nkind: PermissionPolicy\nmetadata: {name: " + name + "}\nspec:\n"
                + spec.indent(2);
    }

    static String sessionYaml(String namespace, String name, String spec) {
        return "apiVersion: agentpolicy.io/v1alpha1\nkind: AgentSession\nmetadata: {name: " + name + ", namespace: "
                + namespace + "}\nspec:\n" + spec.indent(2);
    }

    static String approvalYaml(String namespace, String name, String spec) {
        return "apiVersion: agentpolicy.io/v1alpha1\nkind: AgentSessionApproval\nmetadata: {name: " + name + ", namespace: "
                + namespace + "}\nspec:\n" + spec.indent(2);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String freshNamespace() {
        String name = unique("crd");
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        return name;
    }
}
