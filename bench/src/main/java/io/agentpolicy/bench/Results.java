package io.agentpolicy.bench;

import java.util.List;
import java.util.Map;

/** The figures of a run, as written to bench/results/*.json and read back by the report. */
final class Results {
    private Results() {
    }

    /** Every size of one invocation of hack/benchmark.sh. */
    record Run(String date, List<Size> sizes) {
    }

    /** @param kyverno the incumbent's figures on the same control plane, after the operator's; null in runs before it was measured */
    record Size(int size, String startedAt, Environment environment, double setupSeconds, Ceiling.Result ceiling,
            Ceiling.Result sameWritesCeiling, Convergence convergence, Requests requests, FanOut.Result fanOut, DriftRestore.Result drift, Memory memory,
            Kyverno kyverno) {

        Size withKyverno(Kyverno figures) {
            return new Size(size, startedAt, environment, setupSeconds, ceiling, sameWritesCeiling, convergence, requests, fanOut, drift,
                    memory, figures);
        }
    }

    record Environment(String cpu, int cores, double memoryGiB, String operatorJava, String kubernetes, String etcd, String operatorCommit,
            double loadBefore, double loadMax) {
    }

    /**
     * Cold convergence: seconds from the operator's process start until every map is correct; ready when
     * /q/health/ready first answered 200 (every informer synced); firstReconcile is the
     * earliest sign of work (first decision logged or first map seen), settled the end of all reconciles (statuses
     * included); the ratios to the maps-only ceiling and to the same-writes ceiling (the operator's whole write set); the
     * CPU seconds each process used during the convergence and during each ceiling, and the operator's by thread kind; the reconciles each controller ran until then.
     */
    record Convergence(double fromStartSeconds, double readySeconds, double firstReconcileSeconds, double firstMapSeconds, double fromFirstReconcileSeconds,
            double settledSeconds, double ratioToCeiling, double ratioToCeilingFromFirstReconcile, double ratioToSameWritesCeiling,
            double ratioToSameWritesCeilingFromFirstReconcile, boolean verifiedByList, Map<String, Double> cpuSeconds,
            Map<String, Double> ceilingCpuSeconds, Map<String, Double> sameWritesCeilingCpuSeconds, Map<String, Double> operatorCpuByThread,
            Map<String, Long> reconcilesUntilSettled) {
    }

    /** API requests in a time window, as the API server counted them minus the benchmark's own. */
    record Window(double seconds, long total, Map<String, Long> byVerb, Map<String, Long> writesByResource, long benchmarkOwn) {
    }

    record Requests(Window convergence, Window settle, Window idle, double configMapWritesPerMap, long idleOperatorWrites,
            long idleOtherWrites) {
    }

    /**
     * The operator's memory: peak RSS; the heap at its highest sample and the committed heap then; the live heap after a
     * full GC at the end (L1), again once every session, its pod and its map are deleted (L2), and of the same operator
     * on a cluster holding only the policies (L0, null when not measured); per session (L1 - L2) / N and per namespace
     * (L2 - L0) / N, in KiB.
     */
    record Memory(double peakRssMiB, double peakHeapUsedMiB, double heapCommittedAtPeakMiB, double liveHeapMiB,
            double liveHeapWithoutSessionsMiB, Double emptyClusterLiveHeapMiB, double liveHeapPerSessionKiB, Double liveHeapPerNamespaceKiB,
            String javaOptions) {
    }

    /**
     * The incumbent, Kyverno, on the same control plane after the operator has stopped (see Kyverno): problem says what
     * did not work or was not measured (null when everything was), and the figures not measured are null. ready: seconds
     * from the start of its two controllers until both could act; convergence: seconds from the ClusterPolicy's creation
     * until all maps held the CLI's bytes (mapsCorrect of maps when it stopped, at the limit); requests: the API requests
     * in that window; the CPU seconds of every process in it, and each controller's CPU seconds and peak RSS over the phase.
     */
    record Kyverno(String version, String problem, Double readySeconds, int maps, int mapsCorrect, Double convergenceSeconds,
            long convergenceLimitSeconds, Window requests, DriftRestore.Result drift, Map<String, Double> convergenceCpuSeconds,
            Map<String, Double> cpuSeconds, Map<String, Double> peakRssMiB) {

        static Kyverno notRun(String reason) {
            return new Kyverno(null, reason, null, 0, 0, null, 0, null, null, Map.of(), Map.of(), Map.of());
        }
    }
}
