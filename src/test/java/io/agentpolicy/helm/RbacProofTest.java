package io.agentpolicy.helm;

import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.readResource;
import static io.agentpolicy.testing.Resources.settingsOf;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.api.NamespaceStanding;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.StandingNames;
import io.agentpolicy.operator.admission.AdmissionPolicies;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.testing.ExampleSessions;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Least privilege, proven: the operator runs in-process with a token of the chart's ServiceAccount and only the
 * chart's RBAC bound (ChartServiceAccount), with leader election on as in the chart, and must carry the examples
 * end to end: policies to maps, sessions decided, events, admission policies, a pre-created map taken over. The
 * same identity is refused Secrets, namespace deletion, any write to the users' specs, any ConfigMap but a rendered
 * map (the chart's admission policy) and any admission policy but its own (RBAC by name).
 */
@QuarkusTest
@TestProfile(RbacProofTest.ChartIdentity.class)
class RbacProofTest {
    private static final Logger LOG = Logger.getLogger(RbacProofTest.class);
    static final Duration WITHIN = Duration.ofSeconds(60);

    /** The chart's configuration where it differs from the tests' usual one: leader election through a Lease. */
    public static class ChartIdentity implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.operator-sdk.activate-leader-election-for-profiles", "test",
                    "%test.agentpolicy.leader-election.enabled", "true");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ChartServiceAccount.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true; // not OperatorTestResource: its client certificate is the cluster admin's
        }
    }

    /** The operator's own client, authenticated by the ServiceAccount token. */
    @Inject
    KubernetesClient operatorClient;

    @ConfigProperty(name = "quarkus.kubernetes-client.namespace")
    String releaseNamespace;

    final KubernetesClient admin = TestCluster.get().admin();

    @Test
    void theOperatorRunsAsTheChartsServiceAccount() {
        SelfSubjectReview whoami = operatorClient.resource(new SelfSubjectReview()).create();
        assertThat(whoami.getStatus().getUserInfo().getUsername()).isEqualTo(serviceAccountUser());
        assertThat(whoami.getStatus().getUserInfo().getGroups()).doesNotContain("system:masters");
    }

    @Test
    void theExamplesRunEndToEndWithOnlyTheChartsPermissions() throws IOException {
        String suffix = unique("rbac");
        Map<String, String> namespaces = applyExamplesRenamed(suffix);

        for (String tier : List.of("1", "2", "3", "4")) {
            String namespace = namespaces.get(exampleNamespaceOfTier(tier));
            await().atMost(WITHIN).untilAsserted(() -> assertThat(settingsOf(configMap(admin, namespace, "agent-managed-settings")))
                    .isEqualTo(readResource("fixtures/baseline/tier-" + tier + ".json")));
        }
        ExampleSessions.OUTCOMES.forEach((id, outcome) -> await().atMost(WITHIN).untilAsserted(() -> {
            AgentSession session = admin.resources(AgentSession.class).inNamespace(namespaces.get(id.split("/")[0]))
                    .withName(id.split("/")[1]).get();
            assertThat(session.getStatus()).as(id).isNotNull();
            assertThat(session.getStatus().getPhase().value() + ":" + session.getStatus().getEffectiveMode()).as(id).isEqualTo(outcome);
            assertThat(configMap(admin, session.getMetadata().getNamespace(), session.getStatus().getConfigMap())).as(id).isNotNull();
        }));
        // The agent pod once its session is decided: admission mounts the session's map, which exists by then.
        applyRenamed(Path.of("examples/pods"), namespaces);
        await().atMost(WITHIN).untilAsserted(() -> assertThat(admin.resources(PermissionPolicy.class).list().getItems())
                .filteredOn(p -> p.getMetadata().getName().endsWith(suffix)).hasSize(5)
                .allSatisfy(p -> assertThat(p.getStatus()).as(p.getMetadata().getName()).isNotNull()
                        .satisfies(status -> assertThat(Conditions.isTrue(status.getConditions(), Conditions.READY)).isTrue())));
        String payments = namespaces.get("payments");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(admin.resources(AgentSession.class).inNamespace(payments).withName("mid-review").get()
                .getStatus().getPods().getCompliant()).isEqualTo(1));
        assertThat(admin.v1().events().inNamespace(payments).list().getItems()).extracting("reason").contains("Admitted");

        assertThat(admin.resources(ValidatingAdmissionPolicy.class).withLabel(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE)
                .list().getItems()).extracting(p -> p.getMetadata().getName()).containsAll(AdmissionPolicies.allNames());
        assertThat(admin.resources(ValidatingAdmissionPolicyBinding.class).withLabel(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE)
                .list().getItems()).extracting(b -> b.getMetadata().getName()).containsAll(AdmissionPolicies.allNames());
        for (String kind : List.of("MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding")) {
            assertThat(admin.genericKubernetesResources("admissionregistration.k8s.io/v1", kind).withName(AdmissionPolicies.INJECT_SETTINGS).get())
                    .as(kind).isNotNull();
        }
        // Track record: the example incident is checked (its status) and counted on sam's standing (created, status).
        applyRenamed(Path.of("examples/incidents/inc-1234-sam.yaml"), namespaces);
        String orders = namespaces.get("orders");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(admin.resources(AgentIncident.class).inNamespace(orders).withName("inc-1234-sam")
                .get().getStatus()).isNotNull().satisfies(status -> assertThat(Conditions.isTrue(status.getConditions(), Conditions.READY)).isTrue()));
        await().atMost(WITHIN).untilAsserted(() -> assertThat(admin.resources(EngineerStanding.class).withName(StandingNames.of("sam@example.com"))
                .get().getStatus().getNamespaces()).extracting(NamespaceStanding::getNamespace).contains(orders));
        // The leader keeps renewing its Lease (a replica that cannot renew stops leading, and exits).
        await().atMost(WITHIN).untilAsserted(() -> assertThat(admin.leases().inNamespace(releaseNamespace).withName("agent-policy-operator").get())
                .isNotNull().extracting(Lease::getSpec)
                .satisfies(lease -> assertThat(lease.getHolderIdentity()).isNotBlank())
                .satisfies(lease -> assertThat(lease.getRenewTime()).isAfter(lease.getAcquireTime())));
    }

    @Test
    void theServiceAccountIsRefusedSecretsNamespaceDeletionAndSpecWrites() {
        String other = "default";
        Map<String, Boolean> expected = new LinkedHashMap<>();
        expected.put("get secrets (all namespaces)", can("get", "", "secrets", "", null, null));
        expected.put("list secrets in " + releaseNamespace, can("list", "", "secrets", releaseNamespace, null, null));
        expected.put("watch secrets in " + other, can("watch", "", "secrets", other, null, null));
        expected.put("delete namespaces", can("delete", "", "namespaces", "", null, null));
        expected.put("update namespaces (relabel a tier)", can("update", "", "namespaces", "", null, null));
        expected.put("patch permissionpolicies (spec)", can("patch", "agentpolicy.io", "permissionpolicies", "", null, null));
        expected.put("update agentsessions (spec)", can("update", "agentpolicy.io", "agentsessions", other, null, null));
        expected.put("create pods", can("create", "", "pods", other, null, null));
        expected.put("patch another Lease in " + releaseNamespace, can("patch", "coordination.k8s.io", "leases", releaseNamespace, null, "someone-elses"));
        Map<String, Boolean> granted = new LinkedHashMap<>();
        granted.put("patch configmaps in " + other, can("patch", "", "configmaps", other, null, null));
        granted.put("patch permissionpolicies/status", can("patch", "agentpolicy.io", "permissionpolicies", "", "status", null));
        granted.put("patch agentsessions/status", can("patch", "agentpolicy.io", "agentsessions", other, "status", null));
        granted.put("create events in " + other, can("create", "", "events", other, null, null));
        expected.put("create validatingadmissionpolicies by POST (no name)",
                can("create", "admissionregistration.k8s.io", "validatingadmissionpolicies", "", null, null));
        expected.put("delete validatingadmissionpolicy someone-elses",
                can("delete", "admissionregistration.k8s.io", "validatingadmissionpolicies", "", null, "someone-elses"));
        expected.put("patch mutatingadmissionpolicy someone-elses",
                can("patch", "admissionregistration.k8s.io", "mutatingadmissionpolicies", "", null, "someone-elses"));
        for (String name : AdmissionPolicies.allNames()) {
            granted.put("apply (create, patch) validatingadmissionpolicy " + name,
                    can("create", "admissionregistration.k8s.io", "validatingadmissionpolicies", "", null, name)
                            && can("patch", "admissionregistration.k8s.io", "validatingadmissionpolicies", "", null, name));
        }
        granted.put("patch configmaps in " + other + " (takeover; narrowed at admission)", can("patch", "", "configmaps", other, null, null));
        granted.put("patch Lease agent-policy-operator in " + releaseNamespace,
                can("patch", "coordination.k8s.io", "leases", releaseNamespace, null, "agent-policy-operator"));

        StringBuilder report = new StringBuilder("SelfSubjectAccessReview as " + serviceAccountUser() + ":\n");
        expected.forEach((what, allowed) -> report.append(String.format("  %-45s %s%n", what, allowed ? "ALLOWED" : "denied")));
        granted.forEach((what, allowed) -> report.append(String.format("  %-45s %s%n", what, allowed ? "ALLOWED" : "denied")));
        Kubectl.Result rules = Kubectl.run(null, "auth", "can-i", "--list", "--as=" + serviceAccountUser(), "-n", other);
        LOG.info(report + "kubectl auth can-i --list --as=" + serviceAccountUser() + " -n " + other + ":\n" + rules.stdout());

        assertThat(expected).as("refused").allSatisfy((what, allowed) -> assertThat(allowed).as(what).isFalse());
        assertThat(granted).as("granted").allSatisfy((what, allowed) -> assertThat(allowed).as(what).isTrue());
    }

    /**
     * What RBAC grants on ConfigMaps the chart's admission policy narrows to the rendered maps: with the operator's own
     * token, a write to another map (a stand-in for kube-system/aws-auth) is refused at admission, and so is a map
     * named like a rendered one but without the managed label.
     */
    @Test
    void theServiceAccountMayWriteOnlyRenderedMaps() {
        String namespace = "kube-system";
        String awsAuth = unique("aws-auth");
        admin.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName(awsAuth).endMetadata()
                .addToData("mapRoles", "- rolearn: arn:aws:iam::111122223333:role/nodes").build()).create();

        await().atMost(WITHIN).untilAsserted(() -> assertThatThrownBy(() -> operatorClient.configMaps().inNamespace(namespace)
                .withName(awsAuth).edit(map -> new ConfigMapBuilder(map).addToData("mapUsers", "- userarn: attacker").build()))
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("may write only rendered maps (agent-managed-settings, agent-session-<name>), not ConfigMap "
                        + namespace + "/" + awsAuth));
        assertThatThrownBy(() -> operatorClient.configMaps().inNamespace(namespace).withName(awsAuth).delete())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("may write only rendered maps");
        assertThatThrownBy(() -> operatorClient.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(unique("planted")).endMetadata().build()).create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("may write only rendered maps");
        assertThatThrownBy(() -> operatorClient.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("agent-session-" + unique("unlabelled")).endMetadata().build()).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("may write only ConfigMaps labelled app.kubernetes.io/managed-by=agent-policy-operator");
        assertThat(admin.configMaps().inNamespace(namespace).withName(awsAuth).get().getData()).containsOnlyKeys("mapRoles");
    }

    /** Admission policies are not subject to admission policies: RBAC names are the guard, and they hold. */
    @Test
    void theServiceAccountCannotTouchSomeoneElsesAdmissionPolicy() {
        String foreign = unique("third-party-policy");
        ValidatingAdmissionPolicy thirdParty = admin.resource(new ValidatingAdmissionPolicyBuilder().withNewMetadata().withName(foreign)
                .endMetadata().withNewSpec().withNewMatchConstraints().addNewResourceRule().withApiGroups("apps").withApiVersions("v1")
                .withOperations("CREATE").withResources("deployments").endResourceRule().endMatchConstraints()
                .addNewValidation().withExpression("object.spec.replicas <= 50").endValidation().endSpec().build()).create();

        assertThatThrownBy(() -> operatorClient.resources(ValidatingAdmissionPolicy.class).withName(foreign)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"validations\":[{\"expression\":\"true\"}]}}"))
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("cannot patch resource \"validatingadmissionpolicies\"");
        assertThatThrownBy(() -> operatorClient.resources(ValidatingAdmissionPolicy.class).withName(foreign).delete())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("cannot delete resource \"validatingadmissionpolicies\"");
        assertThatThrownBy(() -> operatorClient.resource(new ValidatingAdmissionPolicyBuilder(thirdParty).editMetadata()
                .withName(unique("planted-policy")).withResourceVersion(null).withUid(null).endMetadata().build())
                .fieldManager("agent-policy-operator").serverSideApply())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("forbidden");
        assertThat(admin.resources(ValidatingAdmissionPolicy.class).withName(foreign).get().getSpec().getValidations())
                .extracting(v -> v.getExpression()).containsExactly("object.spec.replicas <= 50");
    }

    /** Taking over a pre-created map (finalizer, immutable data) passes the chart's guard with the chart's RBAC. */
    @Test
    void aPreCreatedMapIsTakenOverWithOnlyTheChartsPermissions() {
        String tier = unique("rbac-adopt");
        Resources.applyPolicy(admin, unique("rbac-adopt"), "tiers: [" + tier + "]\nmodes: {default: plan}");
        String namespace = Resources.createNamespace(admin, unique("rbac-adopt"), "agentpolicy.io/tier", null).getMetadata().getName();
        admin.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName("agent-managed-settings")
                .addToFinalizers("tenant.example.com/keep").endMetadata().withImmutable(true)
                .addToData("managed-mcp.json", "{\"mcpServers\": {\"tenant\": {\"command\": \"/bin/sh\"}}}").build()).create();
        admin.namespaces().withName(namespace).edit(ns -> {
            ns.getMetadata().getLabels().put("agentpolicy.io/tier", tier);
            return ns;
        });
        await().atMost(WITHIN).untilAsserted(() -> {
            ConfigMap map = configMap(admin, namespace, "agent-managed-settings");
            assertThat(map).as("the map, deleted and created anew").isNotNull();
            assertThat(map.getData()).containsOnlyKeys(ApiConstants.SETTINGS_KEY);
            assertThat(map.getMetadata().getFinalizers()).isNullOrEmpty();
        });
    }

    private boolean can(String verb, String group, String resource, String namespace, String subresource, String name) {
        SelfSubjectAccessReview review = operatorClient.resource(new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                .withVerb(verb).withGroup(group).withResource(resource).withNamespace(namespace).withSubresource(subresource).withName(name)
                .endResourceAttributes().endSpec().build()).create();
        return review.getStatus().getAllowed();
    }

    private String serviceAccountUser() {
        return "system:serviceaccount:" + releaseNamespace + ":" + releaseNamespace + "-agent-policy-operator";
    }

    /**
     * Applies examples/ (namespaces, policies, sessions, the agent pod) with every name and tier suffixed, so that
     * this operator has to do all the work itself; returns the example namespace names with their renamed ones.
     */
    private Map<String, String> applyExamplesRenamed(String suffix) throws IOException {
        Map<String, String> namespaces = new LinkedHashMap<>();
        for (ObjectNode namespace : documents(Path.of("examples/namespaces.yaml"))) {
            String name = namespace.at("/metadata/name").asText();
            namespaces.put(name, name + "-" + suffix);
            ((ObjectNode) namespace.get("metadata")).put("name", name + "-" + suffix);
            ObjectNode labels = (ObjectNode) namespace.at("/metadata/labels");
            labels.put("agentpolicy.io/tier", labels.get("agentpolicy.io/tier").asText() + "-" + suffix);
            apply(namespace);
        }
        for (ObjectNode policy : documents(Path.of("examples/policies"))) {
            ((ObjectNode) policy.get("metadata")).put("name", policy.at("/metadata/name").asText() + "-" + suffix);
            ArrayNode tiers = (ArrayNode) policy.at("/spec/tiers");
            for (int i = 0; i < tiers.size(); i++) {
                tiers.set(i, tiers.get(i).asText() + "-" + suffix);
            }
            apply(policy);
        }
        applyRenamed(Path.of("examples/sessions"), namespaces);
        return namespaces;
    }

    /** The example objects of a folder, in the renamed namespaces. */
    private void applyRenamed(Path directory, Map<String, String> namespaces) throws IOException {
        for (ObjectNode object : documents(directory)) {
            ((ObjectNode) object.get("metadata")).put("namespace", namespaces.get(object.at("/metadata/namespace").asText()));
            apply(object);
        }
    }

    private String exampleNamespaceOfTier(String tier) throws IOException {
        return documents(Path.of("examples/namespaces.yaml")).stream()
                .filter(ns -> tier.equals(ns.at("/metadata/labels/agentpolicy.io~1tier").asText()))
                .map(ns -> ns.at("/metadata/name").asText()).findFirst().orElseThrow();
    }

    private void apply(JsonNode object) {
        admin.resource(object.toString()).fieldManager(Resources.TEST_MANAGER).forceConflicts().serverSideApply();
    }

    private static List<ObjectNode> documents(Path fileOrDirectory) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.isDirectory(fileOrDirectory) ? Files.list(fileOrDirectory) : Stream.of(fileOrDirectory)) {
            files = listing.sorted().toList();
        }
        List<ObjectNode> documents = new ArrayList<>();
        for (Path file : files) {
            documents.addAll(new ObjectMapper(new YAMLFactory()).readerFor(ObjectNode.class).<ObjectNode> readValues(file.toFile()).readAll());
        }
        return documents;
    }
}
