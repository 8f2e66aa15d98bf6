package io.agentpolicy.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClientException;

class OneLineReconcileErrorsTest {
    final OneLineReconcileErrors filter = new OneLineReconcileErrors();

    @Test
    void aFailedReconcileIsOneLineWithTheResourceTheExceptionAndItsRootCause() {
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "Uncaught error during event processing {} - but another reconciliation will be attempted",
                ExtLogRecord.FormatStyle.MESSAGE_FORMAT, getClass().getName());
        record.setMessage("Uncaught error during event processing {0} - but another reconciliation will be attempted", ExtLogRecord.FormatStyle.MESSAGE_FORMAT);
        record.setParameters(new Object[] { "ResourceID{name='payments'}" });
        record.setLoggerName("io.javaoperatorsdk.operator.processing.event.EventProcessor");
        record.setThrown(new KubernetesClientException("Failure executing: PATCH at: https://127.0.0.1:6443/api/v1/namespaces/payments/configmaps\nmore",
                new ConnectException("Connection refused")));

        assertThat(filter.isLoggable(record)).isTrue();
        assertThat(record.getThrown()).isNull();
        assertThat(record.getFormattedMessage()).isEqualTo("Uncaught error during event processing ResourceID{name='payments'} - but another "
                + "reconciliation will be attempted: KubernetesClientException: Failure executing: PATCH at: "
                + "https://127.0.0.1:6443/api/v1/namespaces/payments/configmaps (cause: ConnectException: Connection refused)");
    }

    @Test
    void otherLoggersKeepTheirTraces() {
        ExtLogRecord record = new ExtLogRecord(Level.SEVERE, "boom", getClass().getName());
        record.setLoggerName("io.agentpolicy.operator.session.AgentSessionReconciler");
        IllegalStateException thrown = new IllegalStateException("bug");
        record.setThrown(thrown);
        assertThat(filter.isLoggable(record)).isTrue();
        assertThat(record.getThrown()).isSameAs(thrown);
    }
}
