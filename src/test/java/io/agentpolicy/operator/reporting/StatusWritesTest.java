package io.agentpolicy.operator.reporting;

import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.api.EngineerStandingStatus;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Status writes on the real API server: a status computed from a version that has changed since is refused, so a
 * write held up in an outage can never put an old status over a newer one.
 */
class StatusWritesTest {
    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void aStatusComputedFromAnOlderVersionIsRefusedAndTheNewerOneStays() {
        EngineerStanding standing = new EngineerStanding();
        // No engineer annotation: no controller of a running test operator writes this one.
        standing.setMetadata(new ObjectMetaBuilder().withName(unique("status-writes")).build());
        EngineerStanding read = client.resource(standing).create();

        EngineerStanding newer = StatusWrites.apply(client, read, status("newer"), "status-writes-test");
        assertThatThrownBy(() -> StatusWrites.apply(client, read, status("older"), "status-writes-test"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(engineerInStatus(read)).isEqualTo("newer");

        StatusWrites.apply(client, newer, status("latest"), "status-writes-test");
        assertThat(engineerInStatus(read)).isEqualTo("latest");
    }

    private String engineerInStatus(EngineerStanding standing) {
        return client.resources(EngineerStanding.class).withName(standing.getMetadata().getName()).get().getStatus().getEngineer();
    }

    private static EngineerStandingStatus status(String engineer) {
        EngineerStandingStatus status = new EngineerStandingStatus();
        status.setEngineer(engineer);
        return status;
    }
}
