package io.agentpolicy.bench;

import java.util.List;

import sun.jvmstat.monitor.Monitor;
import sun.jvmstat.monitor.MonitoredHost;
import sun.jvmstat.monitor.MonitoredVm;
import sun.jvmstat.monitor.VmIdentifier;

/**
 * Samples another JVM's heap every 100 ms through its performance counters (the shared hsperfdata file jstat
 * reads), so sampling costs the operator nothing. Needs --add-exports jdk.internal.jvmstat/sun.jvmstat.monitor,
 * which the benchmark jar's manifest declares.
 */
final class HeapSampler implements AutoCloseable {
    private static final String USED = "sun\\.gc\\.generation\\.\\d+\\.space\\.\\d+\\.used";
    private static final String CAPACITY = "sun\\.gc\\.generation\\.\\d+\\.space\\.\\d+\\.capacity";

    private final Thread thread;
    private volatile long used;
    private volatile long peakUsed;
    private volatile long committedAtPeak;
    private volatile boolean stopped;

    HeapSampler(long pid) {
        thread = new Thread(() -> sample(pid), "heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** The heap in use at the last sample. */
    long usedBytes() {
        return used;
    }

    long peakUsedBytes() {
        return peakUsed;
    }

    long committedAtPeakBytes() {
        return committedAtPeak;
    }

    private void sample(long pid) {
        try {
            MonitoredVm vm = attach(pid);
            List<Monitor> usedCounters = vm.findByPattern(USED);
            List<Monitor> capacity = vm.findByPattern(CAPACITY);
            while (!stopped) {
                used = total(usedCounters);
                if (used > peakUsed) {
                    peakUsed = used;
                    committedAtPeak = total(capacity);
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            if (!stopped) {
                System.err.println("[bench] heap sampling stopped: " + e);
            }
        }
    }

    /** The counters appear a few milliseconds after the JVM starts. */
    private MonitoredVm attach(long pid) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return MonitoredHost.getMonitoredHost("localhost").getMonitoredVm(new VmIdentifier(String.valueOf(pid)));
            } catch (Exception e) {
                if (attempt == 200 || stopped) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    private static long total(List<Monitor> monitors) {
        return monitors.stream().mapToLong(m -> ((Number) m.getValue()).longValue()).sum();
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
