package io.agentpolicy.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;

class SharedStringsTest {
    private static final String LONG_VALUE = "x".repeat(SharedStrings.MAX_LENGTH + 1);

    @Test
    void objectsReadByTheClientShareTheirShortStringsAndKeepEveryValue() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        new SharedStrings().customize(mapper);

        ConfigMap first = mapper.readValue(map("payments"), ConfigMap.class);
        ConfigMap second = mapper.readValue(map("orders"), ConfigMap.class);

        assertThat(first.getMetadata().getNamespace()).isEqualTo("payments");
        assertThat(second.getMetadata().getNamespace()).isEqualTo("orders");
        assertThat(second.getMetadata().getLabels().get("agentpolicy.io/tier")).isEqualTo("1")
                .isSameAs(first.getMetadata().getLabels().get("agentpolicy.io/tier"));
        assertThat(second.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("PermissionPolicy")
                .isSameAs(first.getMetadata().getOwnerReferences().get(0).getKind());
        assertThat(second.getData().get("managed-settings.json")).isEqualTo(LONG_VALUE)
                .isNotSameAs(first.getData().get("managed-settings.json"));
    }

    private static String map(String namespace) {
        return """
                {"apiVersion": "v1", "kind": "ConfigMap",
                 "metadata": {"name": "agent-managed-settings", "namespace": "%s", "labels": {"agentpolicy.io/tier": "1"},
                              "ownerReferences": [{"apiVersion": "agentpolicy.io/v1alpha1", "kind": "PermissionPolicy",
                                                   "name": "tier-1-critical", "uid": "u-1"}]},
                 "data": {"managed-settings.json": "%s"}}
                """.formatted(namespace, LONG_VALUE);
    }
}
