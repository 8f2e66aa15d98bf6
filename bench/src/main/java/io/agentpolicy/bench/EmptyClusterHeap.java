package io.agentpolicy.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The live heap of the operator on a cluster that holds only the CRDs and the policies (no namespace of the
 * scenario): what it keeps whatever the cluster's size, subtracted before the live heap is divided per namespace.
 * The operator runs as in a measured size (same runtime and JVM options), until it is ready and quiet.
 */
final class EmptyClusterHeap {
    private EmptyClusterHeap() {
    }

    /** The live heap after a full GC, in KiB. */
    static long measureKiB(Options options) throws Exception {
        Path work = options.path("work");
        try (OperatorProcess operator = OperatorProcess.start(Path.of(options.text("operator-java", ExpectedSettings.javaExecutable())),
                options.path("operator-app"), options.path("operator-kubeconfig"), work.resolve("operator-empty-cluster.log"),
                options.all("operator-java-opt"), work.resolve("operator.pid"))) {
            operator.awaitReady(Duration.ofMinutes(3));
            operator.awaitQuiet(Duration.ofSeconds(5), Duration.ofMinutes(3));
            return operator.liveHeapBytes(work.resolve("operator-empty-cluster-heap-histogram.txt")) / 1024;
        }
    }
}
