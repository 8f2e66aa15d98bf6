package io.agentpolicy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads the operator's own Prometheus metrics, to wait for "the operator has processed it" conditions. */
public final class MetricsScraper {
    private MetricsScraper() {
    }

    /** How many times the namespace-baseline controller has reconciled so far. */
    public static double baselineReconciles(URL metrics) {
        return sum(metrics, "agentpolicy_baseline_reconciles_total");
    }

    /**
     * Every series of the scrape, keyed as {@code name{label="value",...}} with the labels sorted by name (the way
     * {@link #key} spells them).
     */
    public static Map<String, Double> series(URL metrics) {
        Map<String, Double> series = new TreeMap<>();
        Matcher line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE).matcher(read(metrics));
        while (line.find()) {
            Map<String, String> labels = new TreeMap<>();
            if (line.group(2) != null) {
                Matcher label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(line.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            series.put(key(line.group(1), labels), Double.parseDouble(line.group(3)));
        }
        return series;
    }

    /** A series' key in {@link #series}: labels given as name, value, name, value... */
    public static String key(String name, String... labels) {
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        return key(name, sorted);
    }

    private static String key(String name, Map<String, String> sortedLabels) {
        return sortedLabels.isEmpty() ? name : name + sortedLabels.entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue() + "\"").collect(Collectors.joining(",", "{", "}"));
    }

    private static String read(URL metrics) {
        try (InputStream in = metrics.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + metrics, e);
        }
    }

    /** Sum of all series of a metric. */
    public static double sum(URL metrics, String name) {
        Matcher line = Pattern.compile("^" + name + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE).matcher(read(metrics));
        double total = 0;
        while (line.find()) {
            total += Double.parseDouble(line.group(2));
        }
        return total;
    }
}
