package io.agentpolicy.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the operator's CPU went, from a JFR recording of its whole run (hack/benchmark.sh --profile): method
 * samples by thread group, by the method on top of the stack (self time) and by method anywhere on the stack
 * (inclusive time, the operator's, JOSDK's and fabric8's code only), and the garbage collector's pauses. JFR samples
 * Java threads only: the JIT compilers' and the collector's own CPU are in the benchmark's CPU-by-thread figure.
 */
final class Profile {
    private static final String OPERATOR_PACKAGE = "io.agentpolicy.";
    private static final List<String> OWN_PACKAGES = List.of(OPERATOR_PACKAGE, "io.javaoperatorsdk.", "io.fabric8.");

    private Profile() {
    }

    static void print(Path recording, int top) throws IOException {
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> operatorCode = new HashMap<>();
        int samples = 0;
        double gcPauseMillis = 0;
        int collections = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.GarbageCollection")) {
                gcPauseMillis += event.getDuration("sumOfPauses").toNanos() / 1e6;
                collections++;
            }
            if (!type.equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            samples++;
            String thread = event.getThread("sampledThread").getJavaName();
            threads.merge(thread == null ? "?" : OperatorProcess.threadKind(thread), 1, Integer::sum);
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (!frames.isEmpty()) {
                self.merge(name(frames.get(0)), 1, Integer::sum);
            }
            Set<String> onStack = new HashSet<>();
            frames.stream().map(Profile::name).filter(n -> OWN_PACKAGES.stream().anyMatch(n::startsWith)).forEach(onStack::add);
            onStack.forEach(n -> inclusive.merge(n, 1, Integer::sum));
            onStack.stream().filter(n -> n.startsWith(OPERATOR_PACKAGE) && !n.contains("_ClientProxy"))
                    .forEach(n -> operatorCode.merge(n, 1, Integer::sum));
        }
        System.out.printf("%s: %d method samples, %d collections with %.0f ms of pauses%n", recording, samples, collections, gcPauseMillis);
        section("samples by thread", threads, samples, top);
        section("self: the method on top of the stack", self, samples, top);
        section("inclusive: operator, JOSDK and fabric8 methods anywhere on the stack", inclusive, samples, top);
        section("inclusive: the operator's own methods anywhere on the stack", operatorCode, samples, top);
    }

    private static void section(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.println("\n" + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
