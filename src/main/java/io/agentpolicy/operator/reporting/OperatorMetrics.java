package io.agentpolicy.operator.reporting;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;

/** The operator's own Prometheus metrics (JOSDK adds per-controller ones). */
@ApplicationScoped
public class OperatorMetrics {

    @Inject
    MeterRegistry registry;

    /** agentpolicy_baseline_reconciles_total: namespace reconciles, with or without writes. */
    public void baselineReconciled() {
        registry.counter("agentpolicy.baseline.reconciles").increment();
    }

    /** agentpolicy_configmap_writes_total{operation=apply|delete}: every write of a rendered map. */
    public void configMapWritten(String operation) {
        registry.counter("agentpolicy.configmap.writes", "operation", operation).increment();
    }
}
