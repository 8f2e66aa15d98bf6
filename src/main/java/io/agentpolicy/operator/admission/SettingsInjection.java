package io.agentpolicy.operator.admission;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.agentpolicy.api.ApiConstants;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;

/**
 * The MutatingAdmissionPolicy that gives every container of every pod in a governed namespace (one holding the
 * namespace map) a read-only mount of the whole /etc/claude-code directory from the pod's map (shared/docs/api.md, "Agent
 * pods", 1), where some policy renders the namespace map (the policies are compiled into the CEL, as in the validating
 * policies). fabric8 7.3 models only v1alpha1 of this kind, so the policy is written as a generic resource.
 */
final class SettingsInjection {
    static final String NAME = "agentpolicy.io-inject-settings";
    static final String VOLUME = "agentpolicy-managed-settings";
    static final String API_VERSION = "admissionregistration.k8s.io/v1";
    static final GroupVersionKind POLICY_KIND = new GroupVersionKind("admissionregistration.k8s.io", "v1", "MutatingAdmissionPolicy");
    static final GroupVersionKind BINDING_KIND = new GroupVersionKind("admissionregistration.k8s.io", "v1",
            "MutatingAdmissionPolicyBinding");

    private SettingsInjection() {
    }

    /** The policy and its binding, in that order. */
    /**
     * @param namespaceVariables the variables that say whether the request's namespace is governed
     *        ({@code variables.governed}: some policy renders its map)
     */
    static List<GenericKubernetesResource> resources(String namespaceMap, List<Variable> namespaceVariables) {
        return List.of(policy(namespaceMap, namespaceVariables), binding());
    }

    private static GenericKubernetesResource policy(String namespaceMap, List<Variable> namespaceVariables) {
        String configMap = "has(object.metadata.labels) && " + Cel.string(ApiConstants.SESSION_LABEL) + " in object.metadata.labels ? "
                + Cel.string(ApiConstants.SESSION_CONFIG_MAP_PREFIX) + " + object.metadata.labels[" + Cel.string(ApiConstants.SESSION_LABEL)
                + "] : " + Cel.string(namespaceMap);
        List<Map<String, String>> variables = new ArrayList<>();
        namespaceVariables.forEach(v -> variables.add(Map.of("name", v.getName(), "expression", v.getExpression())));
        variables.add(Map.of("name", "configMap", "expression", configMap));
        String volume = "Object.spec.volumes{name: " + Cel.string(VOLUME)
                + ", configMap: Object.spec.volumes.configMap{name: variables.configMap, optional: false}}";
        // Volumes of a running pod cannot change, so an ephemeral container is given the mount only where the pod
        // already has the volume (every pod created since this policy exists).
        String hasVolume = "has(object.spec.volumes) && object.spec.volumes.exists(v, v.name == " + Cel.string(VOLUME) + ")";
        String expression = "!variables.governed ? Object{} : " + Cel.EPHEMERAL_CONTAINERS_UPDATE + " ? (" + hasVolume
                + " ? Object{spec: Object.spec{ephemeralContainers: " + mounts("ephemeralContainers") + "}} : Object{}) : "
                + "Object{spec: Object.spec{volumes: [" + volume + "], containers: " + mounts("containers")
                + ", ?initContainers: has(object.spec.initContainers) ? optional.of(" + mounts("initContainers") + ") : optional.none()}}";
        Map<String, Object> spec = Map.of(
                "failurePolicy", "Fail",
                // Another mutation (a sidecar injector) may add containers after this one ran.
                "reinvocationPolicy", "IfNeeded",
                "matchConstraints", Map.of(
                        "resourceRules", List.of(
                                Map.of("apiGroups", List.of(""), "apiVersions", List.of("v1"), "resources", List.of("pods"),
                                        "operations", List.of("CREATE")),
                                Map.of("apiGroups", List.of(""), "apiVersions", List.of("v1"), "resources",
                                        List.of("pods/ephemeralcontainers"), "operations", List.of("UPDATE"))),
                        "objectSelector", Map.of("matchExpressions", List.of(
                                Map.of("key", ApiConstants.EXEMPT_LABEL, "operator", "NotIn", "values", List.of("true"))))),
                "variables", variables,
                "mutations", List.of(Map.of("patchType", "ApplyConfiguration",
                        "applyConfiguration", Map.of("expression", expression))));
        return new GenericKubernetesResourceBuilder().withApiVersion(API_VERSION).withKind(POLICY_KIND.getKind())
                .withNewMetadata().withName(NAME).addToLabels(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE).endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build();
    }

    /**
     * A mount of the pod's map at /etc/claude-code for every container of the list that has nothing mounted there
     * yet: applying it again changes nothing, and a foreign volume mounted there is left for the pod policy to refuse.
     */
    private static String mounts(String containers) {
        String type = "Object.spec." + containers;
        return "object.spec." + containers + ".filter(c, !has(c.volumeMounts) || !c.volumeMounts.exists(m, m.mountPath == "
                + Cel.string(ApiConstants.MOUNT_DIRECTORY) + ")).map(c, " + type + "{name: c.name, volumeMounts: [" + type
                + ".volumeMounts{name: " + Cel.string(VOLUME) + ", mountPath: " + Cel.string(ApiConstants.MOUNT_DIRECTORY)
                + ", readOnly: true}]})";
    }

    private static GenericKubernetesResource binding() {
        return new GenericKubernetesResourceBuilder().withApiVersion(API_VERSION).withKind(BINDING_KIND.getKind())
                .withNewMetadata().withName(NAME).addToLabels(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE).endMetadata()
                .addToAdditionalProperties("spec", Map.of("policyName", NAME))
                .build();
    }
}
