package io.agentpolicy.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** What the informers read: a list holding one object the model cannot hold still yields every object. */
class UnreadableSpecTest {
    /** As the operator's client reads and writes (config.UnreadableSpecs). */
    static final KubernetesSerialization serialization = new KubernetesSerialization(new ObjectMapper().registerModule(UnreadableSpec.MODULE), true);

    @Test
    void aPolicyBeyondTheModelReadsAsUnreadableWithTheFieldAndTheOthersReadNormally() {
        String list = """
                {"apiVersion": "agentpolicy.io/v1alpha1", "kind": "List", "items": [
                  {"apiVersion": "agentpolicy.io/v1alpha1", "kind": "PermissionPolicy", "metadata": {"name": "huge"},
                   "spec": {"tiers": ["1"], "priority": 3000000000}},
                  {"apiVersion": "agentpolicy.io/v1alpha1", "kind": "PermissionPolicy", "metadata": {"name": "fine"},
                   "spec": {"tiers": ["2"], "priority": 7}}]}
                """;
        DefaultKubernetesResourceList<PermissionPolicy> policies = serialization.unmarshal(new ByteArrayInputStream(list.getBytes(StandardCharsets.UTF_8)),
                new TypeReference<DefaultKubernetesResourceList<PermissionPolicy>>() {
                });

        PermissionPolicy huge = policies.getItems().get(0);
        assertThat(huge.getMetadata().getName()).isEqualTo("huge");
        assertThat(huge.getSpec().unreadable().field()).isEqualTo("spec.priority");
        assertThat(huge.getSpec().unreadable().message()).contains("3000000000").contains("out of range");
        assertThat(huge.getSpec().getTiers()).isNull();

        PermissionPolicy fine = policies.getItems().get(1);
        assertThat(fine.getSpec().unreadable()).isNull();
        assertThat(fine.getSpec().getPriority()).isEqualTo(7);
        assertThat(fine.getSpec().getTiers()).containsExactly("2");
    }

    @Test
    void aSessionWithAValueTheModelCannotHoldNamesTheField() {
        AgentSession session = serialization.unmarshal("""
                {"apiVersion": "agentpolicy.io/v1alpha1", "kind": "AgentSession", "metadata": {"name": "s", "namespace": "n"},
                 "spec": {"engineer": "alice@example.com", "requestedMode": "yolo"}}
                """, AgentSession.class);
        assertThat(session.getSpec().unreadable().field()).isEqualTo("spec.requestedMode");
    }

    @Test
    void aCopyMadeBySerializationIsUnreadableForTheSameReasonAndAReadableOneIsUnchanged() {
        PermissionPolicy huge = serialization.unmarshal("""
                {"apiVersion": "agentpolicy.io/v1alpha1", "kind": "PermissionPolicy", "metadata": {"name": "huge"},
                 "spec": {"tiers": ["1"], "priority": 3000000000}}
                """, PermissionPolicy.class);
        PermissionPolicy copy = serialization.clone(huge);
        assertThat(copy.getSpec().unreadable()).isEqualTo(huge.getSpec().unreadable());
        assertThat(serialization.asJson(copy)).contains("\"priority\":3000000000");

        PermissionPolicy fine = serialization.unmarshal("""
                {"apiVersion": "agentpolicy.io/v1alpha1", "kind": "PermissionPolicy", "metadata": {"name": "fine"},
                 "spec": {"tiers": ["2"], "priority": 7}}
                """, PermissionPolicy.class);
        assertThat(serialization.asJson(fine)).contains("\"spec\":{\"tiers\":[\"2\"],\"priority\":7}");
    }
}
