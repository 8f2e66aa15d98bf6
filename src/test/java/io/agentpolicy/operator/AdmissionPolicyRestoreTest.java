package io.agentpolicy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.agentpolicy.operator.admission.AdmissionPolicies;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A generated admission policy deleted or edited by hand comes back within seconds and is reported. */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class AdmissionPolicyRestoreTest {
    private static final Logger LOG = Logger.getLogger(AdmissionPolicyRestoreTest.class);
    static final Duration WITHIN = Duration.ofSeconds(5);
    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void aDeletedPolicyAndBindingAreRestoredAndReported() {
        String name = AdmissionPolicies.SESSION_MODES;
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> client.resources(ValidatingAdmissionPolicy.class).withName(name).get() != null);

        long deleted = System.nanoTime();
        client.resources(ValidatingAdmissionPolicy.class).withName(name).delete();
        client.resources(ValidatingAdmissionPolicyBinding.class).withName(name).delete();

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> exists(name));
        LOG.infof("%s restored %d ms after its deletion", name, (System.nanoTime() - deleted) / 1_000_000);
        await().atMost(WITHIN).untilAsserted(() -> assertThat(restoredEvents())
                .anySatisfy(message -> assertThat(message).contains("ValidatingAdmissionPolicy " + name + " was deleted; restored it")));
    }

    @Test
    void aHandEditedPolicyIsPutBack() {
        String name = AdmissionPolicies.SESSION_IDENTITY;
        await().atMost(NamespaceBaselineTest.WITHIN).until(() -> client.resources(ValidatingAdmissionPolicy.class).withName(name).get() != null);
        client.resources(ValidatingAdmissionPolicy.class).withName(name).edit(policy -> {
            policy.getSpec().setValidations(List.of(new ValidationBuilder()
                    .withExpression("true").build()));
            return policy;
        });
        await().atMost(WITHIN).until(() -> !client.resources(ValidatingAdmissionPolicy.class).withName(name).get().getSpec()
                .getValidations().get(0).getExpression().equals("true"));
        await().atMost(WITHIN).untilAsserted(() -> assertThat(restoredEvents())
                .anySatisfy(message -> assertThat(message).contains("ValidatingAdmissionPolicy " + name + " was changed by hand; restored it")));
    }

    private boolean exists(String name) {
        return client.resources(ValidatingAdmissionPolicy.class).withName(name).get() != null
                && client.resources(ValidatingAdmissionPolicyBinding.class).withName(name).get() != null;
    }

    private List<String> restoredEvents() {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> "AdmissionPolicyRestored".equals(e.getReason())).map(Event::getMessage).toList();
    }
}
