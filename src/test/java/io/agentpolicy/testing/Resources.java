package io.agentpolicy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.api.DriftEntry;
import io.agentpolicy.api.DriftStatus;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.PermissionPolicyStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Small helpers the integration tests share: unique names, YAML, namespaces, policies, maps. */
public final class Resources {
    /** The field manager of test writes (the operator's own is agent-policy-operator). */
    public static final String TEST_MANAGER = "integration-test";

    private Resources() {
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Namespace createNamespace(KubernetesClient client, String name, String tierLabel, String tier) {
        NamespaceBuilder namespace = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
        if (tier != null) {
            namespace.editMetadata().addToLabels(tierLabel, tier).endMetadata();
        }
        return client.namespaces().resource(namespace.build()).create();
    }

    public static String policyYaml(String name, String spec) {
        return "apiVersion: agentpolicy.io/v1alpha1\nkind: PermissionPolicy\nmetadata: {name: " + name + "}\nspec:\n"
                + spec.indent(2);
    }

    /**
     * Applies a policy the way a GitOps tool would: server-side apply of the manifest as written (so the API
     * server, not a client-side parser, judges it), and returns it as stored.
     */
    public static PermissionPolicy applyPolicy(KubernetesClient client, String name, String spec) {
        client.resource(policyYaml(name, spec)).fieldManager(TEST_MANAGER).forceConflicts().serverSideApply();
        return client.resources(PermissionPolicy.class).withName(name).get();
    }

    /**
     * Replaces a policy's manifest with a plain update (PUT), as `kubectl replace` does: server-side apply
     * answers type errors with HTTP 500 instead of the readable 422 that users see.
     */
    public static PermissionPolicy replacePolicy(KubernetesClient client, String name, String spec) {
        GenericKubernetesResource manifest = Serialization.unmarshal(policyYaml(name, spec), GenericKubernetesResource.class);
        manifest.getMetadata().setResourceVersion(client.resources(PermissionPolicy.class).withName(name).get()
                .getMetadata().getResourceVersion());
        client.resource(manifest).update();
        return client.resources(PermissionPolicy.class).withName(name).get();
    }

    /** Every document of a multi-document YAML text, as the given type. */
    public static <T> List<T> loadAll(String yaml, Class<T> type) {
        try {
            return new ObjectMapper(new YAMLFactory()).readerFor(type).<T> readValues(yaml).readAll();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static <T extends HasMetadata> T load(KubernetesClient client, Class<T> type, String yaml) {
        return client.resources(type).load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).item();
    }

    public static List<HasMetadata> loadFile(KubernetesClient client, Path file) {
        try {
            return client.load(Files.newInputStream(file)).items();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ConfigMap configMap(KubernetesClient client, String namespace, String name) {
        return client.configMaps().inNamespace(namespace).withName(name).get();
    }

    public static String settingsOf(ConfigMap map) {
        return map == null ? null : map.getData().get("managed-settings.json");
    }

    public static String readResource(String path) {
        try (var in = Resources.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The policy's drift report; an assertion error (which an await retries) while its status has none yet. */
    public static DriftStatus driftOf(KubernetesClient client, String policy) {
        PermissionPolicyStatus status = client.resources(PermissionPolicy.class).withName(policy).get().getStatus();
        assertThat(status == null ? null : status.getDrift()).as("status.drift of policy " + policy).isNotNull();
        return status.getDrift();
    }

    /** The newest entry of the policy's drift report; an assertion error while there is none. */
    public static DriftEntry latestDrift(KubernetesClient client, String policy) {
        DriftStatus drift = driftOf(client, policy);
        assertThat(drift.getEntries()).as("status.drift.entries of policy " + policy).isNotEmpty();
        return drift.getEntries().get(0);
    }
}
