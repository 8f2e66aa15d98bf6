package io.agentpolicy.operator.reporting;

import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.agentpolicy.operator.reporting.EventRecorder.Reason;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Events on the real API server: a repeat bumps the count of the one Event, also from a restarted operator. */
class EventRecorderTest {
    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void aRepeatedEventIsOneEventWhoseCountGrowsAcrossRestarts() {
        String namespace = createNamespace(client, unique("events"), "agentpolicy.io/tier", unique("events")).getMetadata().getName();
        ConfigMap involved = client.configMaps().inNamespace(namespace)
                .resource(new ConfigMapBuilder().withNewMetadata().withName("involved").endMetadata().build()).create();

        recorder().record(involved, Reason.DriftDetected, "changed by kubectl-edit");
        recorder().record(involved, Reason.DriftDetected, "changed by kubectl-edit"); // as after a restart
        EventRecorder sameProcess = recorder();
        sameProcess.record(involved, Reason.DriftDetected, "changed by kubectl-patch");
        sameProcess.record(involved, Reason.DriftDetected, "changed by kubectl-patch"); // within the repeat window: not written

        List<Event> events = client.v1().events().inNamespace(namespace).list().getItems();
        assertThat(events).extracting(Event::getMessage).containsExactlyInAnyOrder("changed by kubectl-edit", "changed by kubectl-patch");
        assertThat(events).filteredOn(e -> e.getMessage().endsWith("kubectl-edit")).singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(2))
                .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"))
                .satisfies(e -> assertThat(e.getInvolvedObject().getUid()).isEqualTo(involved.getMetadata().getUid()));
        assertThat(events).filteredOn(e -> e.getMessage().endsWith("kubectl-patch")).singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
    }

    private EventRecorder recorder() {
        EventRecorder recorder = new EventRecorder();
        recorder.client = client;
        recorder.clock = Clock.systemUTC();
        return recorder;
    }
}
