package io.agentpolicy.helm;

import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.operator.admission.AdmissionPolicies;
import io.agentpolicy.testing.Helm;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The Helm chart: lint, rendering with default and non-default values, its schema, and installs into a real API server. */
class HelmChartTest {
    static final Path NON_DEFAULT = Path.of("src/test/resources/helm/non-default-values.yaml");
    /** The one-command install of README.md, run verbatim. */
    static final String README_INSTALL = "helm install agent-policy-operator ./helm/agent-policy-operator -n agent-policy-system --create-namespace";

    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void theChartsAppVersionIsTheProjectVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>agent-policy-operator</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(version.find()).isTrue();
        Map<?, ?> chart = new ObjectMapper(new YAMLFactory()).readValue(Helm.CHART.resolve("Chart.yaml").toFile(), Map.class);
        assertThat(chart.get("appVersion")).isEqualTo(version.group(1));
    }

    @Test
    void lintIsCleanWithDefaultAndNonDefaultValues() {
        for (List<String> values : List.of(List.<String> of(), List.of("-f", NON_DEFAULT.toString()))) {
            Kubectl.Result lint = Helm.run(Stream.concat(Stream.of("lint", "--strict", Helm.CHART.toString()), values.stream())
                    .toArray(String[]::new));
            assertThat(lint.succeeded()).as("helm lint --strict %s:\n%s%s", values, lint.stdout(), lint.stderr()).isTrue();
            assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed").doesNotContain("[WARNING]", "[ERROR]");
        }
    }

    @Test
    void byDefaultTwoRestrictedReplicasElectALeader() {
        Deployment deployment = only(render("ops", "agent-policy-system"), Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container operator = pod.getContainers().get(0);
        assertThat(operator.getImage()).isEqualTo("ghcr.io/agentpolicy/agent-policy-operator:0.1.0-SNAPSHOT");
        assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(operator.getVolumeMounts()).anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
        assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(operator.getResources().getLimits()).containsKey("memory");
        assertThat(environment(operator)).containsEntry("AGENTPOLICY_LEADER_ELECTION_ENABLED", "true")
                .containsEntry("AGENTPOLICY_LEADER_ELECTION_LEASE_NAME", "agent-policy-operator")
                .containsEntry("AGENTPOLICY_TIER_LABEL", "agentpolicy.io/tier")
                .containsEntry("AGENTPOLICY_TRUSTED_GROUPS", "system:masters")
                .containsEntry("AGENTPOLICY_MAX_SESSION_DURATION", "168h")
                .containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false")
                .doesNotContainKey("AGENTPOLICY_SESSION_NAMESPACES");
        assertThat(operator.getEnv()).filteredOn(env -> env.getName().equals("AGENTPOLICY_LEADER_ELECTION_LEASE_NAMESPACE"))
                .singleElement().satisfies(env -> assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));
        assertThat(kinds(render("ops", "agent-policy-system"))).containsExactlyInAnyOrder("ServiceAccount", "ClusterRole",
                "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Lease", "Service", "Deployment",
                "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    }

    @Test
    void theOperatorPodPassesPodSecurityRestricted() {
        String namespace = unique("restricted");
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).create();
        PodSpec template = only(render("ops", namespace), Deployment.class).getSpec().getTemplate().getSpec();

        Pod accepted = client.resource(podOf(namespace, "operator", template)).create();
        assertThat(accepted.getMetadata().getUid()).isNotNull();

        PodSpec escalating = new PodBuilder().withSpec(template).build().getSpec();
        escalating.getContainers().get(0).getSecurityContext().setAllowPrivilegeEscalation(true);
        assertThatThrownBy(() -> client.resource(podOf(namespace, "escalating", escalating)).create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("violates PodSecurity \"restricted");
    }

    @Test
    void theClusterRoleGrantsNoWildcardsNoSecretsNoSpecWrites() {
        List<HasMetadata> objects = render("ops", "agent-policy-system");
        List<PolicyRule> rules = clusterRole(objects, "ops-agent-policy-operator").getRules();
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
            assertThat(rule.getResources()).doesNotContain("*", "secrets");
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        });
        assertThat(rules).filteredOn(rule -> rule.getResources().contains("permissionpolicies") || rule.getResources().contains("agentsessions"))
                .allSatisfy(rule -> assertThat(rule.getVerbs()).containsOnly("get", "list", "watch"));
        // Admission policies are written only under the operator's own names, every one it generates.
        assertThat(rules).filteredOn(rule -> rule.getResources().contains("validatingadmissionpolicies")
                && !rule.getVerbs().stream().allMatch(List.of("get", "list", "watch")::contains))
                .singleElement().satisfies(rule -> assertThat(rule.getResourceNames()).containsExactlyInAnyOrderElementsOf(AdmissionPolicies.allNames()));
        assertThat(rules).filteredOn(rule -> rule.getResources().stream().anyMatch(r -> r.endsWith("admissionpolicies") || r.endsWith("admissionpolicybindings")))
                .allSatisfy(rule -> assertThat(rule.getResourceNames().isEmpty()).as("unnarrowed rule %s", rule)
                        .isEqualTo(rule.getVerbs().stream().allMatch(List.of("get", "list", "watch")::contains)));
        // Recording incidents is a documented role of its own for the platform to bind; it cannot edit or delete them.
        assertThat(clusterRole(objects, "agentpolicy-incident-recorder").getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("agentincidents");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("create", "get", "list");
        });
        List<PolicyRule> leaseRules = only(objects, Role.class).getRules();
        assertThat(leaseRules).filteredOn(rule -> rule.getVerbs().contains("update"))
                .singleElement().satisfies(rule -> assertThat(rule.getResourceNames()).containsExactly("agent-policy-operator"));
    }

    @Test
    void nonDefaultValuesReachTheRenderedObjects() throws IOException {
        List<HasMetadata> objects = render("ops", "platform", "-f", NON_DEFAULT.toString());
        String dashboardJson = Files.readString(Helm.CHART.resolve("files/dashboard.json")).stripTrailing();
        Deployment deployment = only(objects, Deployment.class);
        assertThat(clusterRole(objects, "platform-incident-recorder").getRules()).extracting(PolicyRule::getResources)
                .containsExactly(List.of("agentincidents"));
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("policy-operator");
        assertThat(pod.getImagePullSecrets()).extracting("name").containsExactly("regcred");
        assertThat(pod.getPriorityClassName()).isEqualTo("platform-critical");
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
        assertThat(pod.getTolerations()).extracting("key").containsExactly("dedicated");
        assertThat(pod.getAffinity().getPodAntiAffinity()).isNotNull();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("team", "platform");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("example.com/audit", "true");
        Container operator = pod.getContainers().get(0);
        assertThat(operator.getImage()).isEqualTo("registry.example.com/platform/agent-policy-operator:1.2.3");
        assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
        assertThat(operator.getResources().getLimits().get("memory").toString()).isEqualTo("768Mi");
        assertThat(environment(operator)).containsEntry("AGENTPOLICY_TIER_LABEL", "example.com/risk-tier")
                .containsEntry("AGENTPOLICY_UNCLASSIFIED_TIER", "2")
                .containsEntry("AGENTPOLICY_TRUSTED_GROUPS", "platform-robots,system:masters")
                .containsEntry("AGENTPOLICY_PROTECT_MANAGED_CONFIG_MAPS", "false")
                .containsEntry("AGENTPOLICY_BREAK_GLASS_GROUPS", "sre-oncall")
                .containsEntry("AGENTPOLICY_CONFIG_MAP_NAME", "claude-managed-settings")
                .containsEntry("AGENTPOLICY_SESSION_NAMESPACES", "payments,orders")
                .containsEntry("AGENTPOLICY_MAX_SESSION_DURATION", "12h")
                .containsEntry("AGENTPOLICY_REPORTS_ENABLED", "false")
                .containsEntry("AGENTPOLICY_LEADER_ELECTION_LEASE_NAME", "agent-policy-leader")
                .containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true")
                .containsEntry("QUARKUS_LOG_LEVEL", "DEBUG")
                .containsEntry("QUARKUS_OPERATOR_SDK_CONCURRENT_RECONCILIATION_THREADS", "8");
        assertThat(only(objects, PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
        assertThat(only(objects, Role.class).getRules()).anySatisfy(rule -> assertThat(rule.getResourceNames()).containsExactly("agent-policy-leader"));
        assertThat(kinds(objects)).contains("ServiceMonitor", "NetworkPolicy", "PodDisruptionBudget", "PrometheusRule");
        assertThat(byKind(objects).get("PrometheusRule").getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(objects).filteredOn(o -> o instanceof ConfigMap).singleElement().satisfies(dashboard -> {
            assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1").containsEntry("team", "platform");
            assertThat(dashboard.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Platform");
            assertThat(((ConfigMap) dashboard).getData().get("agent-policy-operator.json"))
                    .isEqualTo(dashboardJson);
        });
        assertThat(objects).filteredOn(ClusterRole.class::isInstance).map(role -> ((ClusterRole) role).getRules()).isNotEmpty()
                .allSatisfy(rules -> assertThat(rules).noneMatch(rule -> rule.getApiGroups().contains("openreports.io")));
        ValidatingAdmissionPolicy guard = only(objects, ValidatingAdmissionPolicy.class);
        assertThat(guard.getSpec().getMatchConditions()).singleElement().satisfies(condition -> assertThat(condition.getExpression())
                .isEqualTo("request.userInfo.username == \"system:serviceaccount:platform:policy-operator\""));
        assertThat(guard.getSpec().getValidations().get(0).getExpression()).contains("\"claude-managed-settings\"");
        assertThat(byKind(objects).get("ServiceMonitor").getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(byKind(objects).get("ServiceAccount").getMetadata().getAnnotations()).containsEntry("example.com/owner", "platform");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "replicaCount=\"two\"; at '/replicaCount': got string, want integer",
            "config.trustedGroups=\"system:masters\"; at '/config/trustedGroups': got string, want array",
            "config.protectManagedConfigMaps=\"yes\"; at '/config/protectManagedConfigMaps': got string, want boolean",
            "config.tierLabel=\"risk tier\"; at '/config/tierLabel'",
            "config.maxSessionDuration=\"forever\"; at '/config/maxSessionDuration'",
            "log.format=\"xml\"; at '/log/format': value must be one of 'text', 'json'",
            "replicas=3; additional properties 'replicas' not allowed" })
    void theSchemaRejectsWrongValues(String value, String message) {
        Kubectl.Result template = Helm.run("template", "ops", Helm.CHART.toString(), "--set-json", value);
        assertThat(template.succeeded()).isFalse();
        assertThat(template.stderr()).contains("values don't meet the specifications of the schema", message);
    }

    @Test
    void moreThanOneReplicaNeedsLeaderElection() {
        Kubectl.Result template = Helm.run("template", "ops", Helm.CHART.toString(), "--set", "leaderElection.enabled=false");
        assertThat(template.succeeded()).isFalse();
        assertThat(template.stderr()).contains("replicaCount > 1 needs leaderElection.enabled=true");
        assertThat(Helm.run("template", "ops", Helm.CHART.toString(), "--set", "leaderElection.enabled=false", "--set", "replicaCount=1")
                .succeeded()).isTrue();
    }

    @Test
    void theReadmeInstallCommandInstallsEveryObject() throws IOException {
        assertThat(Files.readString(Path.of("README.md"))).contains(README_INSTALL);
        Kubectl.Result install = Kubectl.shell(README_INSTALL);
        assertThat(install.succeeded()).as(install.stderr()).isTrue();
        assertThat(install.stdout()).contains("STATUS: deployed", "Next steps", "kubectl apply -f examples/policies/");
        assertEveryObjectExists("agent-policy-operator", "agent-policy-system");
    }

    @Test
    void installsWithNonDefaultValues() {
        TestCluster.get().installCrds(Path.of("src/test/resources/third-party-crds/prometheus-servicemonitor-crd.yaml"),
                Path.of("src/test/resources/third-party-crds/prometheus-prometheusrule-crd.yaml"));
        String release = unique("custom");
        Helm.install(release, release, "-f", NON_DEFAULT.toString());
        List<HasMetadata> installed = assertEveryObjectExists(release, release);
        assertThat(kinds(installed)).contains("ServiceMonitor", "NetworkPolicy", "PodDisruptionBudget", "PrometheusRule");
    }

    /** Every object of the release's manifest is in the API server, as helm sent it. */
    private List<HasMetadata> assertEveryObjectExists(String release, String namespace) {
        Kubectl.Result manifest = Helm.run("get", "manifest", release, "-n", namespace);
        assertThat(manifest.succeeded()).as(manifest.stderr()).isTrue();
        List<HasMetadata> objects = load(manifest.stdout());
        assertThat(objects).hasSizeGreaterThanOrEqualTo(7).allSatisfy(object -> assertThat(client.resource(object).get())
                .as("%s %s", object.getKind(), object.getMetadata().getName()).isNotNull());
        return objects;
    }

    private List<HasMetadata> render(String release, String namespace, String... values) {
        String[] arguments = Stream.concat(Stream.of("template", release, Helm.CHART.toString(), "-n", namespace), Arrays.stream(values))
                .toArray(String[]::new);
        Kubectl.Result template = Helm.run(arguments);
        assertThat(template.succeeded()).as(template.stderr()).isTrue();
        return load(template.stdout());
    }

    private List<HasMetadata> load(String yaml) {
        return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).reduce((a, b) -> {
            throw new AssertionError("more than one " + type.getSimpleName());
        }).orElseThrow(() -> new AssertionError("no " + type.getSimpleName()));
    }

    private static ClusterRole clusterRole(List<HasMetadata> objects, String name) {
        return objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
                .filter(role -> role.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no ClusterRole " + name));
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }

    private static Map<String, HasMetadata> byKind(List<HasMetadata> objects) {
        return objects.stream().collect(Collectors.toMap(HasMetadata::getKind, Function.identity(), (a, b) -> a));
    }

    private static Map<String, String> environment(Container container) {
        return container.getEnv().stream().filter(env -> env.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private static Pod podOf(String namespace, String name, PodSpec spec) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().withSpec(spec).build();
    }
}
