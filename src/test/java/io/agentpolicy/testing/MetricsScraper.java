package io.agentpolicy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the operator's own Prometheus metrics, to wait for "the operator has processed it" conditions. */
public final class MetricsScraper {
    private MetricsScraper() {
    }

    /** How many times the namespace-baseline controller has reconciled so far. */
    public static double baselineReconciles(URL metrics) {
        return sum(metrics, "agentpolicy_baseline_reconciles_total");
    }

    /** Sum of all series of a metric. */
    public static double sum(URL metrics, String name) {
        try (InputStream in = metrics.openStream()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher line = Pattern.compile("^" + name + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE).matcher(text);
            double total = 0;
            while (line.find()) {
                total += Double.parseDouble(line.group(2));
            }
            return total;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + metrics, e);
        }
    }
}
