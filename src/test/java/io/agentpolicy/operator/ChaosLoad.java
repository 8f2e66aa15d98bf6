package io.agentpolicy.operator;

import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.assertj.core.api.SoftAssertions;
import org.jboss.logging.Logger;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.SettingsRenderer;
import io.agentpolicy.testing.Resources;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A realistic load for the chaos tests: namespaces over three tiers, an organisation-wide policy plus one per tier,
 * and sessions in a third of the namespaces. What the operator must have written is computed by the engine from
 * what the API server holds, so a check after a fault compares every map byte for byte with the engine's rendering.
 */
final class ChaosLoad {
    private static final Logger LOG = Logger.getLogger(ChaosLoad.class);
    private static final PolicyEngine ENGINE = new PolicyEngine(EngineConfig.defaults());
    private static final String MANAGED = ApiConstants.MANAGED_BY_LABEL + "=" + ApiConstants.MANAGED_BY_VALUE;

    private final KubernetesClient client;
    private final String prefix;
    final List<String> tiers;
    final List<String> namespaces = new ArrayList<>();
    final List<String> policies = new ArrayList<>();
    /** Session name by namespace. */
    final Map<String, String> sessions = new HashMap<>();
    private int revision;

    private ChaosLoad(KubernetesClient client, String prefix) {
        this.client = client;
        this.prefix = prefix;
        this.tiers = List.of(prefix + "-t1", prefix + "-t2", prefix + "-t3");
    }

    /**
     * The load of the chaos ITs: 30 namespaces and 15 sessions, or the full scale with
     * -Dchaos.namespaces=300 -Dchaos.sessions=300.
     */
    static ChaosLoad create(KubernetesClient client) {
        return create(client, Integer.getInteger("chaos.namespaces", 30), Integer.getInteger("chaos.sessions", 15));
    }

    /** Creates the policies, the namespaces (round robin over the tiers) and the sessions (round robin over the namespaces). */
    static ChaosLoad create(KubernetesClient client, int namespaceCount, int sessionCount) {
        ChaosLoad load = new ChaosLoad(client, unique("chaos"));
        load.applyPolicies();
        for (int i = 0; i < namespaceCount; i++) {
            String tier = load.tiers.get(i % load.tiers.size());
            load.namespaces.add(createNamespace(client, load.prefix + "-ns" + i, NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName());
        }
        IntStream.range(0, sessionCount).forEach(i -> load.createSession(load.namespaces.get(i % namespaceCount), "agent-" + i));
        return load;
    }

    /**
     * A policy change that moves most maps: the tier 2 default mode flips between default and plan, and every tier
     * gets a new deny rule (each call a different one).
     */
    void changePolicies() {
        revision++;
        applyPolicies();
    }

    private void applyPolicies() {
        String org = prefix + "-org";
        applyPolicy(client, org, "tiers: [" + String.join(", ", tiers) + "]\n" + """
                permissions:
                  deny: ["Read(./.env)", "Bash(curl *)", "Bash(rm -rf revision-%d *)"]
                settings: {allowManagedPermissionRulesOnly: true}
                """.formatted(revision));
        applyPolicy(client, prefix + "-strict", "tiers: [" + tiers.get(0) + "]\n"
                + "modes: {default: plan, allowed: [plan], disableBypassPermissions: true, disableAuto: true}");
        applyPolicy(client, prefix + "-standard", "tiers: [" + tiers.get(1) + "]\n"
                + "modes: {default: " + (revision % 2 == 0 ? "default" : "plan")
                + ", allowed: [plan, default, acceptEdits], disableBypassPermissions: true}\n"
                + "permissions: {ask: [\"Bash(git push *)\"]}");
        applyPolicy(client, prefix + "-sandbox", "tiers: [" + tiers.get(2) + "]\n"
                + "modes: {default: acceptEdits, allowed: [plan, default, acceptEdits]}");
        if (policies.isEmpty()) {
            policies.addAll(List.of(org, prefix + "-strict", prefix + "-standard", prefix + "-sandbox"));
        }
    }

    /**
     * Creates a session asking for a mode its namespace's tier allows now (admission refuses the others); a later
     * relabel or policy change may still downgrade or deny it.
     */
    void createSession(String namespace, String name) {
        String tier = client.namespaces().withName(namespace).get().getMetadata().getLabels().get(NamespaceBaselineTest.TIER_LABEL);
        String mode = List.of("plan", "default", "acceptEdits").get(tiers.indexOf(tier));
        AgentSession session = Resources.loadAll("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: %s, namespace: %s}
                spec: {engineer: dev@example.com, requestedMode: %s, taskType: docs}
                """.formatted(name, namespace, mode), AgentSession.class).get(0);
        // Right after a relabel the API server's admission may still judge the namespace by its old tier, and refuse a
        // mode only the new tier allows: it admits the session once its copy of the namespace has the new label.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 403)
                .until(() -> client.resource(session).create() != null);
        sessions.put(namespace, name);
    }

    void deleteSession(String namespace) {
        String name = sessions.remove(namespace);
        if (name != null) {
            client.resources(AgentSession.class).inNamespace(namespace).withName(name).delete();
        }
    }

    /** Moves a namespace to another of the load's tiers. */
    void relabel(String namespace, String tier) {
        client.namespaces().withName(namespace).edit(ns -> {
            ns.getMetadata().getLabels().put(NamespaceBaselineTest.TIER_LABEL, tier);
            return ns;
        });
    }

    /**
     * Waits until the cluster holds exactly what the engine renders from the stored policies, namespaces and
     * sessions: every map with the expected bytes (so none weaker), no other operator map in the load's namespaces
     * (none duplicated or left behind), every policy Ready for its generation and every session decided as the
     * engine decides it. Returns how long that took.
     */
    Duration awaitConverged(Duration atMost) {
        long start = System.nanoTime();
        long[] lastReport = {start};
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            try {
                assertConverged();
            } catch (AssertionError notYet) {
                // What is still missing, every 5 s: a slow convergence says what it waited for.
                if (System.nanoTime() - lastReport[0] > Duration.ofSeconds(5).toNanos()) {
                    lastReport[0] = System.nanoTime();
                    String message = String.valueOf(notYet.getMessage());
                    LOG.infof("not converged yet: %s", message.substring(0, Math.min(600, message.length())).replace('\n', ' '));
                }
                throw notYet;
            }
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    void assertConverged() {
        // Four LISTs, not three requests per namespace: at 300 namespaces a check by GETs took seconds and loaded the
        // API server the operator was converging against.
        List<PermissionPolicy> stored = client.resources(PermissionPolicy.class).list().getItems();
        Map<String, Namespace> namespacesByName = client.namespaces().list().getItems().stream()
                .collect(Collectors.toMap(ns -> ns.getMetadata().getName(), ns -> ns));
        Map<String, AgentSession> sessionsByNamespace = client.resources(AgentSession.class).inAnyNamespace().list().getItems().stream()
                .filter(session -> session.getMetadata().getName().equals(sessions.get(session.getMetadata().getNamespace())))
                .collect(Collectors.toMap(session -> session.getMetadata().getNamespace(), session -> session));
        Map<String, List<ConfigMap>> mapsByNamespace = client.configMaps().inAnyNamespace().withLabelSelector(MANAGED).list().getItems()
                .stream().collect(Collectors.groupingBy(map -> map.getMetadata().getNamespace()));
        Instant now = Instant.now();
        SoftAssertions softly = new SoftAssertions();
        for (String name : policies) {
            PermissionPolicy policy = stored.stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst().orElseThrow();
            softly.assertThat(policy.getStatus()).as("status of policy %s", name).isNotNull();
            if (policy.getStatus() != null) {
                softly.assertThat(policy.getStatus().getObservedGeneration()).as("observedGeneration of policy %s", name)
                        .isEqualTo(policy.getMetadata().getGeneration());
                softly.assertThat(policy.getStatus().getConditions().stream()
                        .map(c -> c.getType() + "=" + c.getStatus() + " (" + c.getReason() + ": " + c.getMessage() + ")"))
                        .as("conditions of policy %s", name).anyMatch(c -> c.startsWith("Ready=True "));
            }
        }
        for (String name : namespaces) {
            Namespace namespace = namespacesByName.get(name);
            NamespaceInfo info = new NamespaceInfo(name, namespace.getMetadata().getLabels());
            Map<String, String> expected = new HashMap<>();
            List<PermissionPolicy> baseline = ENGINE.forBaseline(stored, info);
            if (!baseline.isEmpty()) {
                expected.put(ApiConstants.DEFAULT_BASELINE_CONFIG_MAP, SettingsRenderer.renderBaseline(ENGINE.merge(baseline, now)).json());
            }
            String sessionName = sessions.get(name);
            if (sessionName != null) {
                AgentSession session = sessionsByNamespace.get(name);
                Decision decision = ENGINE.decide(stored, info, session.getSpec(), now);
                softly.assertThat(session.getStatus()).as("status of session %s/%s", name, sessionName).isNotNull();
                if (session.getStatus() != null) {
                    softly.assertThat(session.getStatus().getObservedGeneration()).as("observedGeneration of session %s/%s", name, sessionName)
                            .isEqualTo(session.getMetadata().getGeneration());
                    softly.assertThat(session.getStatus().getPhase()).as("phase of session %s/%s", name, sessionName)
                            .isNotEqualTo(SessionPhase.PENDING).isEqualTo(decision.phase());
                    softly.assertThat(session.getStatus().getEffectiveMode()).as("effectiveMode of session %s/%s", name, sessionName)
                            .isEqualTo(decision.effectiveMode());
                }
                if (decision.effectiveMode() != null) {
                    expected.put(ApiConstants.SESSION_CONFIG_MAP_PREFIX + sessionName,
                            SettingsRenderer.renderSession(decision.merged(), decision.effectiveMode()).json());
                }
            }
            Map<String, String> written = new HashMap<>();
            for (ConfigMap map : mapsByNamespace.getOrDefault(name, List.of())) {
                if (ofDeletedSession(map, sessionName)) {
                    // This control plane has no garbage collector; a cluster's removes the map with its session.
                    softly.assertThat(map.getMetadata().getOwnerReferences()).as("owners of %s/%s", name, map.getMetadata().getName())
                            .anySatisfy(owner -> assertThat(owner.getKind() + " " + owner.getName() + " controller=" + owner.getController())
                                    .isEqualTo("AgentSession " + map.getMetadata().getName().substring(ApiConstants.SESSION_CONFIG_MAP_PREFIX.length())
                                            + " controller=true"));
                } else {
                    written.put(map.getMetadata().getName(), settings(map));
                }
            }
            softly.assertThat(written).as("the operator's maps in namespace %s (tier %s)", name,
                    info.labels().get(NamespaceBaselineTest.TIER_LABEL)).isEqualTo(expected);
        }
        softly.assertAll();
    }

    /** A session map whose session was deleted (the namespace's current session, if any, has another name). */
    private static boolean ofDeletedSession(ConfigMap map, String currentSession) {
        String name = map.getMetadata().getName();
        return name.startsWith(ApiConstants.SESSION_CONFIG_MAP_PREFIX) && !name.equals(ApiConstants.SESSION_CONFIG_MAP_PREFIX + currentSession);
    }

    private static String settings(ConfigMap map) {
        return map.getData() == null ? null : map.getData().get(ApiConstants.SETTINGS_KEY);
    }

    /** Logs the DriftDetected Events so far, to tell those of the first convergence from those after a fault. */
    void logDriftEvents(String when) {
        LOG.infof("DriftDetected Events %s: %s", when, driftEvents(Map.of()));
    }

    /** How often each DriftDetected Event about the load was counted so far (by Event name), to compare with later. */
    Map<String, Integer> driftCounts() {
        return driftDetected().stream().collect(HashMap::new, (counts, e) -> counts.put(e.getMetadata().getName(), countOf(e)), HashMap::putAll);
    }

    /** DriftDetected Events about the load counted since the given counts (none is expected: nobody edits a map). */
    List<String> driftEvents(Map<String, Integer> before) {
        return driftDetected().stream().filter(e -> countOf(e) > before.getOrDefault(e.getMetadata().getName(), 0))
                .map(ChaosLoad::describe).toList();
    }

    private List<Event> driftDetected() {
        Set<String> ours = new TreeSet<>(policies);
        return client.v1().events().inAnyNamespace().withField("reason", "DriftDetected").list().getItems().stream()
                .filter(e -> ours.contains(e.getInvolvedObject().getName()) || namespaces.contains(e.getMetadata().getNamespace()))
                .toList();
    }

    private static int countOf(Event event) {
        return event.getCount() == null ? 1 : event.getCount();
    }

    private static String describe(Event event) {
        return event.getInvolvedObject().getKind() + " " + event.getInvolvedObject().getName() + " x" + event.getCount() + " (first "
                + event.getFirstTimestamp() + ", last " + event.getLastTimestamp() + "): " + event.getMessage();
    }

    /** Deletes the load's sessions and policies, so later tests do not carry it (namespaces never finish deleting). */
    void delete() {
        sessions.forEach((namespace, name) -> client.resources(AgentSession.class).inNamespace(namespace).withName(name).delete());
        policies.forEach(name -> client.resources(PermissionPolicy.class).withName(name).delete());
    }

    @Override
    public String toString() {
        return namespaces.size() + " namespaces over " + tiers.size() + " tiers, " + policies.size() + " policies, "
                + sessions.size() + " sessions";
    }
}
