package io.agentpolicy.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * Decides, on every watched change, whether the cluster has converged: every namespace's baseline map holds the
 * bytes the CLI renders for its tier, and (for the operator) every session has a phase that runs (Admitted or
 * Downgraded) and a map labelled with its name whose settings-hash annotation equals the hash in the session's status.
 */
final class Convergence implements AutoCloseable {
    private final ClusterWatch watch;
    private final Scenario scenario;
    private final Map<String, String> expected;
    private final String baselineMap;
    private final boolean withSessions;
    private final Set<String> correctBaselines = ConcurrentHashMap.newKeySet();
    private final Set<String> correctSessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong firstMapAt = new AtomicLong();
    private final CompletableFuture<Long> convergedAt = new CompletableFuture<>();
    private final BiConsumer<ConfigMap, Long> mapListener = this::mapChanged;
    private final BiConsumer<GenericKubernetesResource, Long> sessionListener = this::sessionChanged;

    /** The operator's convergence: the baseline maps and the sessions. */
    Convergence(ClusterWatch watch, Scenario scenario, Map<String, String> expected) {
        this(watch, scenario, expected, Scenario.BASELINE_MAP, true);
    }

    private Convergence(ClusterWatch watch, Scenario scenario, Map<String, String> expected, String baselineMap, boolean withSessions) {
        this.watch = watch;
        this.scenario = scenario;
        this.expected = expected;
        this.baselineMap = baselineMap;
        this.withSessions = withSessions;
        watch.onMap(mapListener);
        if (withSessions) {
            watch.onSession(sessionListener);
        }
    }

    /** Only the baseline maps, named baselineMap: what a generate rule produces (it knows nothing of sessions). */
    static Convergence ofBaselines(ClusterWatch watch, Scenario scenario, Map<String, String> expected, String baselineMap) {
        return new Convergence(watch, scenario, expected, baselineMap, false);
    }

    /** The System.nanoTime at which the last missing piece arrived. */
    long await(Duration timeout) throws InterruptedException {
        return within(timeout).orElseThrow(
                () -> new IllegalStateException("not converged after " + timeout + ": " + progress() + firstWrong()));
    }

    /** The System.nanoTime at which the last missing piece arrived, or empty if that did not happen within the timeout. */
    OptionalLong within(Duration timeout) throws InterruptedException {
        try {
            return OptionalLong.of(convergedAt.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return OptionalLong.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** How many namespaces' baseline maps are correct now. */
    int correctBaselines() {
        return correctBaselines.size();
    }

    /** The System.nanoTime of the first rendered map seen, 0 while none. */
    long firstMapAt() {
        return firstMapAt.get();
    }

    String progress() {
        return correctBaselines.size() + "/" + scenario.size + " baseline maps"
                + (withSessions ? " and " + correctSessions.size() + "/" + scenario.size + " sessions" : "") + " correct";
    }

    // Synchronized: a map and its session may change on two watch threads; the later evaluation sees both.
    private synchronized void mapChanged(ConfigMap map, long at) {
        firstMapAt.compareAndSet(0, at);
        String namespace = map.getMetadata().getNamespace();
        if (baselineMap.equals(map.getMetadata().getName())) {
            mark(correctBaselines, namespace, baselineCorrect(namespace));
        } else if (withSessions) {
            mark(correctSessions, namespace, sessionCorrect(namespace));
        }
        check(at);
    }

    private synchronized void sessionChanged(GenericKubernetesResource session, long at) {
        mark(correctSessions, session.getMetadata().getNamespace(), sessionCorrect(session.getMetadata().getNamespace()));
        check(at);
    }

    boolean baselineCorrect(String namespace) {
        return watch.map(namespace, baselineMap)
                .map(map -> expected.get(scenario.tierOf(namespace)).equals(Scenario.settingsOf(map)))
                .orElse(false);
    }

    boolean sessionCorrect(String namespace) {
        Map<String, Object> status = watch.session(namespace).map(Convergence::status).orElse(Map.of());
        Object phase = status.get("phase");
        if (!"Admitted".equals(phase) && !"Downgraded".equals(phase)) {
            return false;
        }
        return watch.map(namespace, Scenario.SESSION_MAP)
                .filter(map -> Scenario.SESSION.equals(map.getMetadata().getLabels().get(Scenario.SESSION_LABEL)))
                .map(Scenario::hashOf)
                .filter(hash -> Objects.equals(hash, status.get("settingsHash")))
                .isPresent();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(GenericKubernetesResource resource) {
        Object status = resource.getAdditionalProperties().get("status");
        return status instanceof Map ? (Map<String, Object>) status : Map.of();
    }

    private static void mark(Set<String> correct, String namespace, boolean isCorrect) {
        if (isCorrect) {
            correct.add(namespace);
        } else {
            correct.remove(namespace);
        }
    }

    private void check(long at) {
        if (correctBaselines.size() == scenario.size && (!withSessions || correctSessions.size() == scenario.size)) {
            convergedAt.complete(at);
        }
    }

    private String firstWrong() {
        return scenario.namespaces.stream()
                .filter(ns -> !correctBaselines.contains(ns) || withSessions && !correctSessions.contains(ns)).findFirst()
                .map(ns -> "; e.g. " + ns + ": baseline " + (baselineCorrect(ns) ? "correct" : "wrong or missing") + (withSessions
                        ? ", session " + watch.session(ns).map(s -> String.valueOf(status(s).get("phase"))).orElse("missing") : ""))
                .orElse("");
    }

    @Override
    public void close() {
        watch.removeListener(mapListener);
        watch.removeListener(sessionListener);
    }
}
