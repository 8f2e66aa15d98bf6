package io.agentpolicy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The scale benchmark's driver (see BENCHMARKS.md); hack/benchmark.sh is the way to run it.
 *
 * <pre>
 * run    --size N --cluster-dir DIR --etcd-url URL --operator-app DIR --operator-kubeconfig FILE --cli-jar JAR --policies DIR --work DIR --out FILE
 *        [--commit SHA] [--drift-edits 100] [--idle-seconds 120] [--operator-java JAVA] [--operator-java-opt OPT]...
 *        [--empty-cluster-live-heap-kib KIB] [--kyverno-dir DIR]
 *        one size against a running control plane (KUBECONFIG) that holds the CRDs and the policies; then Kyverno, as
 *        hack/kyverno.sh built it in DIR, on the same control plane (without --kyverno-dir, no Kyverno)
 * empty-cluster --operator-app DIR --operator-kubeconfig FILE --work DIR [--operator-java JAVA] [--operator-java-opt OPT]...
 *        prints the operator's live heap (KiB) on a control plane holding only the CRDs and the policies
 * report --result FILE... --json FILE --chart PNG [--markdown BENCHMARKS.md]
 *        the table (printed), the combined results, the chart, and optionally the results section of BENCHMARKS.md
 * profile --jfr FILE [--top 25]
 *        where the operator's CPU time went, from a JFR recording (hack/benchmark.sh --profile)
 * </pre>
 */
public final class Benchmark {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String BEGIN = "<!-- results:begin (written by hack/benchmark.sh --write-markdown) -->";
    static final String END = "<!-- results:end -->";

    private Benchmark() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = execute(args.length == 0 ? "" : args[0], new Options(args, 1));
        } catch (Exception e) {
            System.err.println("[bench] failed: " + e.getMessage());
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // the client's non-daemon threads would keep the JVM alive
    }

    private static int execute(String command, Options options) throws Exception {
        switch (command) {
            case "run" -> JSON.writeValue(options.path("out").toFile(), new ScaleRun(options).run());
            case "empty-cluster" -> System.out.println(EmptyClusterHeap.measureKiB(options));
            case "report" -> report(options);
            case "profile" -> Profile.print(options.path("jfr"), options.number("top", 25));
            default -> {
                System.err.println("usage: Benchmark run|report|profile --option value ... (see hack/benchmark.sh)");
                return 2;
            }
        }
        return 0;
    }

    private static void report(Options options) throws IOException {
        List<Results.Size> sizes = new ArrayList<>();
        for (String file : options.all("result")) {
            sizes.add(JSON.readValue(Path.of(file).toFile(), Results.Size.class));
        }
        sizes.sort(Comparator.comparingInt(Results.Size::size));
        Results.Run run = new Results.Run(LocalDate.now().toString(), sizes);
        JSON.writeValue(options.path("json").toFile(), run);
        Chart.draw(sizes, "Cold convergence: agent-policy-operator vs the API server's ceilings (" + run.date() + ")", options.path("chart"));
        String markdown = Report.markdown(run);
        System.out.println(markdown);
        if (options.has("markdown")) {
            Path file = options.path("markdown");
            String text = Files.readString(file);
            int begin = text.indexOf(BEGIN);
            int end = text.indexOf(END);
            if (begin < 0 || end < begin) {
                throw new IllegalStateException(file + " has no " + BEGIN + " ... " + END + " section");
            }
            Files.writeString(file, text.substring(0, begin + BEGIN.length()) + "\n" + markdown + text.substring(end));
        }
    }
}
