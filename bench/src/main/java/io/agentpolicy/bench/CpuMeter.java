package io.agentpolicy.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of the processes that share the machine during a measurement: the operator, kube-apiserver, etcd and
 * this benchmark. On two cores, what one of them burns the others cannot use, so the split explains the timings.
 */
final class CpuMeter {
    private final Map<String, Long> pids = new LinkedHashMap<>();

    CpuMeter with(String name, long pid) {
        pids.put(name, pid);
        return this;
    }

    /** CPU seconds used so far, per process. */
    Map<String, Double> snapshot() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        pids.forEach((name, pid) -> seconds.put(name, ProcessHandle.of(pid)
                .flatMap(process -> process.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L) / 1e9));
        return seconds;
    }

    static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((name, seconds) -> used.put(name, Math.round((seconds - before.getOrDefault(name, 0.0)) * 100) / 100.0));
        return used;
    }
}
