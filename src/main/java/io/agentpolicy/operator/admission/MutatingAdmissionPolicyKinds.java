package io.agentpolicy.operator.admission;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Typed handles on admissionregistration.k8s.io/v1 MutatingAdmissionPolicy and its binding, for the informers that
 * watch the generated ones. fabric8 7.3 models only v1alpha1; a generic resource would need the API server's
 * discovery to find its plural, which makes the controller's very construction fail while the API server is away.
 * The spec stays a JSON tree: only the generated objects' contents are compared, never interpreted.
 */
final class MutatingAdmissionPolicyKinds {
    private MutatingAdmissionPolicyKinds() {
    }

    @Group("admissionregistration.k8s.io")
    @Version("v1")
    @Kind("MutatingAdmissionPolicy")
    @Plural("mutatingadmissionpolicies")
    public static final class Policy extends CustomResource<JsonNode, Void> {
    }

    @Group("admissionregistration.k8s.io")
    @Version("v1")
    @Kind("MutatingAdmissionPolicyBinding")
    @Plural("mutatingadmissionpolicybindings")
    public static final class Binding extends CustomResource<JsonNode, Void> {
    }
}
