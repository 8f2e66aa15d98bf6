package io.agentpolicy.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the figures were measured on: processor, memory, runtime versions and how busy the machine was. */
final class Machine {
    private Machine() {
    }

    static String cpuModel() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    }

    static double memoryGiB() throws IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0).findFirst().orElse(0.0);
    }

    /** The VM's name and runtime version of a java executable, e.g. "OpenJDK 64-Bit Server VM 25.0.3+9-LTS". */
    static String java(Path executable) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(executable.toString(), "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
        String settings = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return property(settings, "java.vm.name") + " " + property(settings, "java.runtime.version");
    }

    private static String property(String settings, String name) {
        Matcher value = Pattern.compile("^\\s*" + Pattern.quote(name) + " = (.*)$", Pattern.MULTILINE).matcher(settings);
        return value.find() ? value.group(1).trim() : "?";
    }

    /** etcd's version from its client URL (GET /version). */
    static String etcdVersion(String etcdUrl) throws IOException, InterruptedException {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(etcdUrl + "/version")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher version = Pattern.compile("\"etcdserver\":\"([^\"]+)\"").matcher(body);
        return version.find() ? version.group(1) : body;
    }

    /** A process's peak resident set size so far (VmHWM from /proc), in bytes. */
    static long peakRssBytes(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(line -> line.startsWith("VmHWM:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024).findFirst()
                .orElseThrow(() -> new IllegalStateException("no VmHWM for process " + pid));
    }

    /** The one-minute load average. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** The highest one-minute load average seen while it runs, sampled every five seconds. */
    static final class LoadWatch implements AutoCloseable {
        private final Thread thread;
        private volatile double max;

        LoadWatch() {
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    max = Math.max(max, loadAverage());
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "load-watch");
            thread.setDaemon(true);
            thread.start();
        }

        double max() {
            return max;
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
