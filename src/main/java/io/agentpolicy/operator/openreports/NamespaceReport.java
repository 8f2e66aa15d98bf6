package io.agentpolicy.operator.openreports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionStatus;
import io.agentpolicy.api.Condition;
import io.agentpolicy.api.DriftEntry;
import io.agentpolicy.api.PodCompliance;
import io.agentpolicy.api.PodViolation;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.operator.reporting.Conditions;

/**
 * The content of a namespace's OpenReports {@code Report} (openreports.io/v1alpha1), built from what the operator
 * already wrote into statuses: one result per session decision, per session's pods, per drifted session map, and
 * one for the namespace's baseline map. Pure: the same inputs give the same content, so an unchanged namespace is
 * never written again.
 *
 * <p>Bounded: at most {@value #MAX_RESULTS} results, failures first, then warnings, then the rest; the summary still
 * counts every result, and {@code configuration.limits.maxResults} tells a reader that the list is capped.
 */
public final class NamespaceReport {
    public static final int MAX_RESULTS = 100;
    public static final String SOURCE = "agent-policy-operator";
    public static final String DECISION_POLICY = "agentpolicy.io/session-decision";
    public static final String PODS_POLICY = "agentpolicy.io/pod-compliance";
    public static final String DRIFT_POLICY = "agentpolicy.io/managed-settings-drift";
    static final String PASS = "pass";
    static final String WARN = "warn";
    static final String FAIL = "fail";
    static final String SKIP = "skip";
    /** The order results are kept in when capped: what needs a person's attention first. */
    private static final List<String> ATTENTION = List.of(FAIL, WARN, PASS, SKIP);
    /** A result's message is a session's reason or a drift description: long enough, never the whole object. */
    private static final int MAX_MESSAGE = 512;

    /** The namespace's baseline map and the uncorrected drift the governing policies record for it. */
    public record Baseline(String configMap, List<DriftEntry> uncorrectedDrift) {
    }

    private NamespaceReport() {
    }

    /**
     * @param baseline null when no policy governs the namespace (no baseline map)
     * @return the Report's top-level fields besides apiVersion, kind and metadata
     */
    public static Map<String, Object> content(String namespace, List<AgentSession> sessions, Baseline baseline) {
        List<Map<String, Object>> results = new ArrayList<>();
        if (baseline != null) {
            results.add(baselineResult(namespace, baseline));
        }
        for (AgentSession session : sessions) {
            AgentSessionStatus status = session.getStatus();
            if (status == null || status.getPhase() == null) {
                continue; // not decided yet: the next status write brings it here
            }
            results.add(decisionResult(session, status));
            PodCompliance pods = status.getPods();
            if (pods != null && count(pods.getCompliant()) + count(pods.getNonCompliant()) > 0) {
                results.add(podsResult(session, pods));
            }
            Condition drifted = Conditions.find(status.getConditions(), Conditions.DRIFTED);
            if (drifted != null && drifted.isTrue() && status.getConfigMap() != null) {
                results.add(result(DRIFT_POLICY, status.getConfigMap(), FAIL, "high", "Drift", drifted.getMessage(),
                        drifted.getLastTransitionTime(), List.of(reference("v1", "ConfigMap", namespace, status.getConfigMap())),
                        Map.of("session", session.getMetadata().getName())));
            }
        }
        Map<String, Long> summary = results.stream().collect(Collectors.groupingBy(r -> (String) r.get("result"), Collectors.counting()));
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("source", SOURCE);
        content.put("scope", reference("v1", "Namespace", null, namespace));
        content.put("configuration", Map.of("limits", Map.of("maxResults", MAX_RESULTS)));
        Map<String, Object> counts = new LinkedHashMap<>();
        for (String result : List.of(PASS, FAIL, WARN, "error", SKIP)) {
            counts.put(result, summary.getOrDefault(result, 0L));
        }
        content.put("summary", counts);
        content.put("results", results.stream()
                .sorted(Comparator.comparingInt((Map<String, Object> r) -> ATTENTION.indexOf((String) r.get("result")))
                        .thenComparing(r -> (String) r.get("policy"))
                        .thenComparing(r -> (String) r.get("rule")))
                .limit(MAX_RESULTS).toList());
        return content;
    }

    private static Map<String, Object> baselineResult(String namespace, Baseline baseline) {
        List<Map<String, Object>> map = List.of(reference("v1", "ConfigMap", namespace, baseline.configMap()));
        if (baseline.uncorrectedDrift().isEmpty()) {
            return result(DRIFT_POLICY, baseline.configMap(), PASS, null, "Drift",
                    "ConfigMap " + baseline.configMap() + " holds the settings its policies render", null, map, Map.of());
        }
        DriftEntry newest = baseline.uncorrectedDrift().get(0);
        String message = "ConfigMap " + baseline.configMap() + " was changed by " + newest.getChangedBy() + " at "
                + String.join(", ", newest.getPaths() == null ? List.of() : newest.getPaths()) + " and not restored"
                + (baseline.uncorrectedDrift().size() > 1 ? " (" + baseline.uncorrectedDrift().size() + " changes)" : "");
        return result(DRIFT_POLICY, baseline.configMap(), FAIL, "high", "Drift", message, newest.getDetectedAt(), map, Map.of());
    }

    private static Map<String, Object> decisionResult(AgentSession session, AgentSessionStatus status) {
        boolean auditOnly = Conditions.isTrue(status.getConditions(), Conditions.POLICY_VIOLATION);
        String result = switch (status.getPhase()) {
            case ADMITTED -> auditOnly ? WARN : PASS;
            case DOWNGRADED, PENDING_APPROVAL -> WARN;
            case DENIED -> FAIL;
            case EXPIRED, PENDING -> SKIP;
        };
        String severity = switch (result) {
            case FAIL -> "medium";
            case WARN -> "low";
            default -> null;
        };
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("phase", status.getPhase().value());
        putIfPresent(properties, "effectiveMode", status.getEffectiveMode() == null ? null : status.getEffectiveMode().value());
        putIfPresent(properties, "requestedMode", session.getSpec() == null || session.getSpec().getRequestedMode() == null ? null
                : session.getSpec().getRequestedMode().value());
        putIfPresent(properties, "tier", status.getTier());
        putIfPresent(properties, "engineer", session.getSpec() == null ? null : session.getSpec().getEngineer());
        putIfPresent(properties, "policies", status.getPolicies() == null ? null : String.join(",", status.getPolicies()));
        Condition ready = Conditions.find(status.getConditions(), Conditions.READY);
        return result(DECISION_POLICY, session.getMetadata().getName(), result, severity, "Agent sessions", status.getReason(),
                ready == null ? null : ready.getLastTransitionTime(), List.of(sessionReference(session)), properties);
    }

    private static Map<String, Object> podsResult(AgentSession session, PodCompliance pods) {
        String namespace = session.getMetadata().getNamespace();
        int bad = count(pods.getNonCompliant());
        List<PodViolation> violations = pods.getViolations() == null ? List.of() : pods.getViolations();
        String message = bad == 0 ? count(pods.getCompliant()) + " pod(s) run under the session's settings"
                : bad + " non-compliant pod(s): " + violations.stream().map(v -> v.getPod() + " " + v.getProblem())
                        .collect(Collectors.joining("; "));
        List<Map<String, Object>> resources = new ArrayList<>();
        resources.add(sessionReference(session));
        violations.stream().map(PodViolation::getPod).distinct()
                .forEach(pod -> resources.add(reference("v1", "Pod", namespace, pod)));
        return result(PODS_POLICY, session.getMetadata().getName(), bad == 0 ? PASS : FAIL, bad == 0 ? null : "high", "Agent pods",
                message, null, resources, Map.of("compliant", String.valueOf(count(pods.getCompliant())),
                        "nonCompliant", String.valueOf(bad)));
    }

    private static Map<String, Object> result(String policy, String rule, String result, String severity, String category,
            String message, String at, List<Map<String, Object>> resources, Map<String, String> properties) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("source", SOURCE);
        entry.put("policy", policy);
        entry.put("rule", rule);
        entry.put("category", category);
        entry.put("result", result);
        if (severity != null) {
            entry.put("severity", severity);
        }
        entry.put("scored", true);
        if (message != null) {
            entry.put("message", message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 1) + "…" : message);
        }
        var instant = at == null ? null : Rfc3339.parse(at);
        if (instant != null) {
            entry.put("timestamp", Map.of("seconds", instant.getEpochSecond(), "nanos", instant.getNano()));
        }
        entry.put("resources", resources);
        if (!properties.isEmpty()) {
            entry.put("properties", properties);
        }
        return entry;
    }

    private static Map<String, Object> sessionReference(AgentSession session) {
        Map<String, Object> reference = reference(session.getApiVersion(), session.getKind(), session.getMetadata().getNamespace(),
                session.getMetadata().getName());
        if (session.getMetadata().getUid() != null) {
            reference.put("uid", session.getMetadata().getUid());
        }
        return reference;
    }

    private static Map<String, Object> reference(String apiVersion, String kind, String namespace, String name) {
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put("apiVersion", apiVersion);
        reference.put("kind", kind);
        if (namespace != null) {
            reference.put("namespace", namespace);
        }
        reference.put("name", name);
        return reference;
    }

    private static void putIfPresent(Map<String, String> properties, String key, String value) {
        if (value != null) {
            properties.put(key, value);
        }
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }
}
