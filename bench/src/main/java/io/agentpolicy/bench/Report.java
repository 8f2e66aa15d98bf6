package io.agentpolicy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The results as Markdown: the figures per size, the API requests, and each target of the issue with its measured
 * value. The same text is printed by hack/benchmark.sh and written into BENCHMARKS.md.
 */
final class Report {
    private Report() {
    }

    private record Row(String label, Function<Results.Size, String> value) {
    }

    private static final List<Row> FIGURES = List.of(
            new Row("set-up: create N namespaces, N AgentSessions, N Pods (s, not measured against anything)", s -> seconds(s.setupSeconds())),
            new Row("**cold convergence, from operator process start (s)**", s -> seconds(s.convergence().fromStartSeconds())),
            new Row("**Kyverno: every namespace's map generated, from ClusterPolicy creation (s)** (N maps; the operator's "
                    + "figure above is 2N maps, N session statuses and N Events, from its process start)",
                    s -> kyverno(s, k -> k.convergenceSeconds() != null ? seconds(k.convergenceSeconds())
                            : k.readySeconds() != null ? String.format("not converged within %d min: %d of %d maps", k.convergenceLimitSeconds() / 60,
                                    k.mapsCorrect(), k.maps()) : null)),
            new Row("time from process start to ready (s; /q/health/ready: every informer synced)",
                    s -> seconds(s.convergence().readySeconds())),
            new Row("Kyverno: start of its two controllers to ready (s; webhooks registered, background controller leading)",
                    s -> kyverno(s, k -> k.readySeconds() == null ? null : seconds(k.readySeconds()))),
            new Row("time from process start to first reconcile (s)", s -> seconds(s.convergence().firstReconcileSeconds())),
            new Row("time from process start to first map written (s)", s -> seconds(s.convergence().firstMapSeconds())),
            new Row("convergence from first reconcile (s)", s -> seconds(s.convergence().fromFirstReconcileSeconds())),
            new Row("**ceiling: the same 2N maps by SSA, 50 in flight, plain client (s)**", s -> seconds(s.ceiling().seconds())
                    + String.format(" (%.0f writes/s)", s.ceiling().writesPerSecond())),
            new Row("**same-writes ceiling: the operator's whole write set, 50 in flight, plain client (s)**",
                    s -> seconds(s.sameWritesCeiling().seconds()) + String.format(" (%d writes: %s; %.0f writes/s)",
                            s.sameWritesCeiling().writes(), joined(s.sameWritesCeiling().writesByResource()),
                            s.sameWritesCeiling().writesPerSecond())),
            new Row("**operator ÷ ceiling** (from process start)", s -> ratio(s.convergence().ratioToCeiling())),
            new Row("operator ÷ ceiling, from first reconcile", s -> ratio(s.convergence().ratioToCeilingFromFirstReconcile())),
            new Row("**operator ÷ same-writes ceiling** (from process start)", s -> ratio(s.convergence().ratioToSameWritesCeiling())),
            new Row("operator ÷ same-writes ceiling, from first reconcile",
                    s -> ratio(s.convergence().ratioToSameWritesCeilingFromFirstReconcile())),
            new Row("every reconcile done, statuses included (s from start)", s -> seconds(s.convergence().settledSeconds())),
            new Row("operator's writes until then, all resources (maps, statuses, events, admission policies)",
                    s -> String.valueOf(operatorWrites(s))),
            new Row("reconciles until then, per controller", s -> joined(s.convergence().reconcilesUntilSettled())),
            new Row("converged state re-checked on a fresh LIST", s -> s.convergence().verifiedByList() ? "yes" : "**NO**"),
            new Row("CPU during convergence (CPU-s)", s -> cpu(s.convergence().cpuSeconds())),
            new Row("CPU during Kyverno's convergence (CPU-s)", s -> kyverno(s, k -> k.convergenceCpuSeconds().isEmpty() ? null
                    : cpu(k.convergenceCpuSeconds()))),
            new Row("CPU during the ceiling (CPU-s)", s -> cpu(s.convergence().ceilingCpuSeconds())),
            new Row("CPU during the same-writes ceiling (CPU-s)", s -> cpu(s.convergence().sameWritesCeilingCpuSeconds())),
            new Row("operator CPU until converged, by thread (CPU-s)",
                    s -> cpu(largest(s.convergence().operatorCpuByThread(), 6))),
            new Row("fan-out after one tier-2 policy change: maps", s -> String.valueOf(s.fanOut().maps())),
            new Row("**fan-out p50 / p95 / max (s)**", s -> seconds(s.fanOut().seconds().p50()) + " / " + seconds(s.fanOut().seconds().p95())
                    + " / " + seconds(s.fanOut().seconds().max()) + (s.fanOut().baselinesExact() ? "" : " (**bytes differ from the CLI**)")),
            new Row("**drift restore p50 / p95 / max (ms)**, edits restored", s -> millis(s.drift().millis().p50()) + " / "
                    + millis(s.drift().millis().p95()) + " / " + millis(s.drift().millis().max()) + ", " + s.drift().restored() + " of "
                    + s.drift().edits()),
            new Row("**Kyverno drift restore p50 / p95 / max (ms)**, edits restored", s -> kyverno(s, k -> k.drift() == null ? null
                    : millis(k.drift().millis().p50()) + " / " + millis(k.drift().millis().p95()) + " / " + millis(k.drift().millis().max())
                            + ", " + k.drift().restored() + " of " + k.drift().edits())),
            new Row("API requests during convergence, by verb", s -> verbs(s.requests().convergence())),
            new Row("writes during convergence, by resource", s -> joined(s.requests().convergence().writesByResource())),
            new Row("API requests during Kyverno's convergence, by verb", s -> kyverno(s, k -> k.requests() == null ? null : verbs(k.requests()))),
            new Row("writes during Kyverno's convergence, by resource",
                    s -> kyverno(s, k -> k.requests() == null ? null : joined(k.requests().writesByResource()))),
            new Row("API requests from start until every reconcile is done, by verb", s -> verbs(s.requests().settle())),
            new Row("writes from start until every reconcile is done, by resource", s -> joined(s.requests().settle().writesByResource())),
            new Row("**ConfigMap writes per rendered map** (convergence)", s -> String.format("%.2f", s.requests().configMapWritesPerMap())),
            new Row("API requests during 2 idle minutes, by verb", s -> verbs(s.requests().idle())),
            new Row("**writes during 2 idle minutes: operator's resources** / API server's own",
                    s -> s.requests().idleOperatorWrites() + " / " + s.requests().idleOtherWrites() + otherWrites(s)),
            new Row("benchmark's own requests, subtracted above (convergence / idle)",
                    s -> s.requests().convergence().benchmarkOwn() + " / " + s.requests().idle().benchmarkOwn()),
            new Row("**operator peak RSS (MiB)**", s -> String.format("%.0f", s.memory().peakRssMiB())),
            new Row("operator peak heap used / committed then (MiB)", s -> String.format("%.0f / %.0f", s.memory().peakHeapUsedMiB(),
                    s.memory().heapCommittedAtPeakMiB())),
            new Row("operator live heap after a full GC, at the end (MiB)", s -> String.format("%.0f", s.memory().liveHeapMiB())),
            new Row("live heap after every session, its pod and map are deleted / on a cluster with only the policies (MiB)",
                    s -> String.format("%.0f / %s", s.memory().liveHeapWithoutSessionsMiB(), orNotMeasured(s.memory().emptyClusterLiveHeapMiB(), "%.0f"))),
            new Row("**live heap per session / per namespace (KiB)**", s -> String.format("%.1f / %s", s.memory().liveHeapPerSessionKiB(),
                    orNotMeasured(s.memory().liveHeapPerNamespaceKiB(), "%.1f"))),
            new Row("**Kyverno peak RSS (MiB)**, per controller", s -> kyverno(s, k -> k.peakRssMiB().isEmpty() ? null
                    : k.peakRssMiB().entrySet().stream().map(e -> e.getKey() + " " + String.format("%.0f", e.getValue()))
                            .collect(Collectors.joining(", ")))),
            new Row("Kyverno CPU from its start to the end of its drift edits (CPU-s), per controller",
                    s -> kyverno(s, k -> k.cpuSeconds().isEmpty() ? null : cpu(k.cpuSeconds()))),
            new Row("operator JVM options", s -> s.memory().javaOptions().isEmpty() ? "none (java -jar)" : "`" + s.memory().javaOptions() + "`"),
            new Row("load average before / max during", s -> String.format("%.2f / %.2f", s.environment().loadBefore(), s.environment().loadMax())));

    static String markdown(Results.Run run) {
        List<Results.Size> sizes = run.sizes();
        Results.Environment env = sizes.get(0).environment();
        StringBuilder out = new StringBuilder();
        out.append("Run of ").append(run.date()).append(", operator commit `").append(env.operatorCommit()).append("`. Machine: ")
                .append(env.cores()).append(" cores (").append(env.cpu()).append("), ").append(String.format("%.1f", env.memoryGiB()))
                .append(" GiB memory, operator on ").append(env.operatorJava()).append(", Kubernetes ").append(env.kubernetes()).append(", etcd ")
                .append(env.etcd()).append(sizes.stream().map(Results.Size::kyverno).filter(k -> k != null && k.version() != null).findFirst()
                        .map(k -> ", Kyverno " + k.version()).orElse("")).append(".\n\n");
        out.append("| | ").append(sizes.stream().map(s -> String.format("N = %,d", s.size())).collect(Collectors.joining(" | "))).append(" |\n");
        out.append("|---|").append("---|".repeat(sizes.size())).append('\n');
        for (Row row : FIGURES) {
            out.append("| ").append(row.label()).append(" | ")
                    .append(sizes.stream().map(row.value()).collect(Collectors.joining(" | "))).append(" |\n");
        }
        out.append("\n![Cold convergence time against N](bench/results/convergence.png)\n\n");
        out.append("| target | measured | met |\n|---|---|---|\n");
        targets(sizes).forEach(target -> out.append("| ").append(target).append(" |\n"));
        return out.toString();
    }

    /** Each target of the issue, "target | measured | met". */
    private static List<String> targets(List<Results.Size> sizes) {
        List<String> rows = new ArrayList<>();
        Optional<Results.Size> thousand = size(sizes, 1000);
        rows.add(target("cold convergence at N = 1,000 within 1.2× the same-writes ceiling",
                thousand.map(s -> ratio(s.convergence().ratioToSameWritesCeiling()) + " ("
                        + ratio(s.convergence().ratioToSameWritesCeilingFromFirstReconcile()) + " from first reconcile; "
                        + ratio(s.convergence().ratioToCeiling()) + " the maps-only ceiling)"),
                thousand.map(s -> s.convergence().ratioToSameWritesCeiling() <= 1.2)));
        long idleWrites = sizes.stream().mapToLong(s -> s.requests().idleOperatorWrites()).max().orElse(0);
        rows.add(target("zero writes while idle", Optional.of(idleWrites + " operator writes in 2 minutes at every N (the API server's own "
                + "lease and endpoints updates aside)"), Optional.of(idleWrites == 0)));
        rows.add(target("fan-out p95 under 5 s at N = 1,000", thousand.map(s -> seconds(s.fanOut().seconds().p95()) + " s"),
                thousand.map(s -> s.fanOut().seconds().p95() < 5)));
        double worstDrift = sizes.stream().mapToDouble(s -> s.drift().millis().p50()).max().orElse(Double.NaN);
        rows.add(target("drift restore p50 under 1 s", Optional.of(millis(worstDrift) + " ms (the worst N)"),
                Optional.of(worstDrift < 1000 && sizes.stream().allMatch(s -> s.drift().restored() == s.drift().edits()))));
        Optional<Results.Size> threeThousand = size(sizes, 3000);
        rows.add(target("peak RSS under 200 MiB at N = 3,000", threeThousand.map(s -> String.format("%.0f MiB", s.memory().peakRssMiB())),
                threeThousand.map(s -> s.memory().peakRssMiB() < 200)));
        return rows;
    }

    /** A figure of Kyverno's, or why there is none: not measured in runs before it was, or the problem its phase met. */
    private static String kyverno(Results.Size s, Function<Results.Kyverno, String> figure) {
        if (s.kyverno() == null) {
            return "not measured in this run";
        }
        String value = figure.apply(s.kyverno());
        return value != null ? value : "– (" + s.kyverno().problem() + ")";
    }

    /** The largest entries, the rest summed up as "others". */
    private static Map<String, Double> largest(Map<String, Double> seconds, int count) {
        Map<String, Double> top = new java.util.LinkedHashMap<>();
        seconds.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(count)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        top.put("others", seconds.values().stream().mapToDouble(Double::doubleValue).sum() - top.values().stream().mapToDouble(Double::doubleValue).sum());
        return top;
    }

    /** Everything the operator wrote from its start until every reconcile was done. */
    private static long operatorWrites(Results.Size s) {
        return s.requests().settle().writesByResource().entrySet().stream().filter(e -> ScaleRun.OPERATOR_RESOURCES.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static String target(String name, Optional<String> measured, Optional<Boolean> met) {
        return name + " | " + measured.orElse("not run") + " | " + met.map(ok -> ok ? "yes" : "**no**").orElse("–");
    }

    private static Optional<Results.Size> size(List<Results.Size> sizes, int n) {
        return sizes.stream().filter(s -> s.size() == n).findFirst();
    }

    private static String orNotMeasured(Double value, String format) {
        return value == null ? "not measured" : String.format(format, value);
    }

    private static String seconds(double value) {
        return String.format("%.2f", value);
    }

    private static String millis(double value) {
        return String.format("%.0f", value);
    }

    private static String ratio(double value) {
        return String.format("%.2f×", value);
    }

    private static String verbs(Results.Window window) {
        return joined(window.byVerb()) + " (total " + window.total() + ")";
    }

    private static String cpu(Map<String, Double> seconds) {
        return seconds.entrySet().stream().map(e -> e.getKey() + " " + String.format("%.1f", e.getValue())).collect(Collectors.joining(", "));
    }

    private static String otherWrites(Results.Size s) {
        Map<String, Long> other = s.requests().idle().writesByResource().entrySet().stream()
                .filter(e -> !ScaleRun.OPERATOR_RESOURCES.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, Long::sum, java.util.TreeMap::new));
        return other.isEmpty() ? "" : " (" + joined(other) + ")";
    }

    private static String joined(Map<String, Long> counts) {
        return counts.isEmpty() ? "none" : counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
