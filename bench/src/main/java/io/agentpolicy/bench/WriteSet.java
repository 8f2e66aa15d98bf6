package io.agentpolicy.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The writes of the two ceilings, as a plain client sends them, by the operator's apply method (server-side apply with
 * forced conflicts; Events are created, as the operator creates them):
 * <ul>
 * <li>{@link #maps}: per namespace one baseline-shaped and one session-shaped map with the same bytes (the CLI's
 * rendering of the tier), labels, annotations and owner references as the operator's, under fresh names and a
 * managed-by value of their own, so the operator's informers never see them;</li>
 * <li>{@link #whole}: the operator's whole write set for a cold start: those 2N maps, each session's status (what the
 * operator writes for its decision: the CLI's decide output, map name and settings hash, pod compliance and the four
 * conditions) on the real session's status subresource, one Admitted or Downgraded Event per session named as the
 * operator names it, and each policy's status.</li>
 * </ul>
 * The statuses go on the very objects the operator later decides; {@link #removeStatuses} takes them away again
 * (untimed), so the operator starts on sessions and policies as the set-up left them.
 */
final class WriteSet {
    static final String FIELD_MANAGER = "agentpolicy-benchmark-ceiling";
    static final String MANAGED_BY = "agentpolicy-benchmark";
    /** The operator's reporting component (EventRecorder.COMPONENT). */
    private static final String COMPONENT = "agent-policy-operator";
    private static final PatchContext APPLY = new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
            .withFieldManager(FIELD_MANAGER).withForce(true).build();

    private final KubernetesClient client;
    private final Scenario scenario;
    private final Map<String, String> expected;
    private final Map<String, Map<String, Object>> decisions;
    private final List<GenericKubernetesResource> policies;
    private final Map<String, OwnerReference> policyOwners = new LinkedHashMap<>();

    /**
     * @param expected tier to the rendered managed-settings.json
     * @param decisions tier to the status fields of the decision on that tier's session (ExpectedSettings.decisions)
     */
    WriteSet(KubernetesClient client, Scenario scenario, Map<String, String> expected, Map<String, Map<String, Object>> decisions) {
        this.client = client;
        this.scenario = scenario;
        this.expected = expected;
        this.decisions = decisions;
        this.policies = client.genericKubernetesResources(Scenario.API_VERSION, "PermissionPolicy").list().getItems();
        policies.forEach(policy -> policyOwners.put(policy.getMetadata().getName(), new OwnerReferenceBuilder()
                .withApiVersion(Scenario.API_VERSION).withKind("PermissionPolicy").withName(policy.getMetadata().getName())
                .withUid(policy.getMetadata().getUid()).build()));
    }

    /** A baseline-shaped and a session-shaped map per namespace, with names starting with the prefix. */
    List<Ceiling.Write> maps(String prefix) {
        List<Ceiling.Write> writes = new ArrayList<>();
        scenario.namespaces.forEach(namespace -> writes.addAll(mapsOf(namespace, prefix)));
        return writes;
    }

    /** Per namespace its two maps, its Event and its session's status; then every policy's status. */
    List<Ceiling.Write> whole(String prefix) {
        List<Ceiling.Write> writes = new ArrayList<>();
        for (String namespace : scenario.namespaces) {
            writes.addAll(mapsOf(namespace, prefix));
            writes.add(event(namespace, "benchmark ceiling"));
            writes.add(sessionStatus(namespace));
        }
        policies.forEach(policy -> writes.add(policyStatus(policy)));
        return writes;
    }

    /** One decision Event per session, told apart from the operator's (and from other lists') by the marker. */
    List<Ceiling.Write> events(String marker) {
        return scenario.namespaces.stream().map(namespace -> event(namespace, marker)).toList();
    }

    /** Applies an empty status as the ceiling's field manager: the fields it owned are removed. Checked on a LIST. */
    void removeStatuses() {
        List<Ceiling.Write> removals = new ArrayList<>();
        scenario.namespaces.forEach(namespace -> removals.add(status("agentsessions/status", "AgentSession", namespace, Scenario.SESSION, null)));
        policies.forEach(policy -> removals.add(status("permissionpolicies/status", "PermissionPolicy", null, policy.getMetadata().getName(),
                null)));
        Parallel.run(ScaleRun.OPERATOR_RECONCILE_THREADS, removals, write -> write.send().run());
        for (String kind : List.of("AgentSession", "PermissionPolicy")) {
            client.genericKubernetesResources(Scenario.API_VERSION, kind).inAnyNamespace().list().getItems().stream()
                    .filter(object -> object.getAdditionalProperties().get("status") instanceof Map<?, ?> status && !status.isEmpty())
                    .findFirst().ifPresent(object -> {
                        throw new IllegalStateException("the ceiling's status stayed on " + kind + " " + object.getMetadata().getName());
                    });
        }
    }

    private List<Ceiling.Write> mapsOf(String namespace, String prefix) {
        String tier = scenario.tierOf(namespace);
        String json = expected.get(tier);
        List<String> names = List.of("org-baseline", policyOfTier(tier));
        return List.of(
                map(map(namespace, prefix + "-settings", json, tier, Map.of(), names, names.stream().map(policyOwners::get).toList())),
                map(map(namespace, prefix + "-session-" + Scenario.SESSION, json, tier, Map.of(Scenario.SESSION_LABEL, Scenario.SESSION),
                        names, List.of(new OwnerReferenceBuilder().withApiVersion(Scenario.API_VERSION).withKind("AgentSession")
                                .withName(Scenario.SESSION).withUid(scenario.sessionUid(namespace)).withController(true).build()))));
    }

    private Ceiling.Write map(ConfigMap map) {
        return new Ceiling.Write("configmaps", () -> client.configMaps().inNamespace(map.getMetadata().getNamespace()).resource(map)
                .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply());
    }

    private String policyOfTier(String tier) {
        return policyOwners.keySet().stream().filter(name -> name.startsWith("tier-" + tier + "-")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no policy tier-" + tier + "-* among " + policyOwners.keySet()));
    }

    private static ConfigMap map(String namespace, String name, String json, String tier, Map<String, String> extraLabels,
            List<String> policyNames, List<OwnerReference> owners) {
        return new ConfigMapBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels(Scenario.MANAGED_BY, MANAGED_BY).addToLabels(Scenario.TIER_LABEL, tier).addToLabels(extraLabels)
                .addToAnnotations(Scenario.HASH_ANNOTATION, Ceiling.sha256(json))
                .addToAnnotations("agentpolicy.io/policies", String.join(",", policyNames))
                .withOwnerReferences(owners)
                .endMetadata()
                .addToData(Scenario.SETTINGS_KEY, json)
                .build();
    }

    /** The status the operator writes for a decided session (SessionStatusCalculator.decided), with one compliant pod. */
    private Ceiling.Write sessionStatus(String namespace) {
        String tier = scenario.tierOf(namespace);
        Map<String, Object> decision = decisions.get(tier);
        String now = Instant.now().toString();
        String reason = (String) decision.get("reason");
        boolean violation = Boolean.TRUE.equals(decision.get("policyViolation"));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", decision.get("phase"));
        status.put("effectiveMode", decision.get("effectiveMode"));
        status.put("tier", decision.get("tier"));
        status.put("seniority", decision.get("seniority"));
        status.put("policies", decision.get("policies"));
        status.put("reason", reason);
        status.put("configMap", Scenario.SESSION_MAP);
        status.put("settingsHash", Ceiling.sha256(expected.get(tier)));
        status.put("pods", Map.of("compliant", 1, "nonCompliant", 0));
        status.put("conditions", List.of(
                condition("Ready", true, (String) decision.get("phase"), reason, now),
                condition("Stalled", false, "Decided", "the session was decided", now),
                condition("Drifted", false, "NoDrift", "the session map holds the desired settings", now),
                condition("PolicyViolation", violation, violation ? "AuditOnly" : "Compliant",
                        violation ? reason : "the session is within its policies", now)));
        status.put("observedGeneration", 1);
        return status("agentsessions/status", "AgentSession", namespace, Scenario.SESSION, status);
    }

    /** The status the operator writes for a policy whose matched namespaces all hold their maps (PolicyStatusCalculator). */
    private Ceiling.Write policyStatus(GenericKubernetesResource policy) {
        String name = policy.getMetadata().getName();
        int matched = name.startsWith("tier-") ? scenario.namespacesOfTier(name.substring(5, 6)).size() : scenario.size;
        String now = Instant.now().toString();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("observedGeneration", policy.getMetadata().getGeneration());
        status.put("conditions", List.of(
                condition("Stalled", false, "Valid", "the spec is valid", now),
                condition("Ready", true, "Rendered", matched + " of " + matched + " matched namespaces hold the desired managed settings", now),
                condition("Reconciling", false, "Idle", "no work in flight", now),
                condition("Drifted", false, "NoDrift", "every rendered map holds the desired settings", now),
                condition("Conflicting", false, "NoConflict", "no conflict with other policies", now),
                condition("Warnings", false, "NoWarnings", "no warnings", now)));
        status.put("matchedNamespaces", matched);
        status.put("renderedNamespaces", matched);
        return status("permissionpolicies/status", "PermissionPolicy", null, name, status);
    }

    private static Map<String, Object> condition(String type, boolean value, String reason, String message, String now) {
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", type);
        condition.put("status", value ? "True" : "False");
        condition.put("reason", reason);
        condition.put("message", message);
        condition.put("lastTransitionTime", now);
        condition.put("observedGeneration", 1);
        return condition;
    }

    /** Server-side apply of a status (none: give up every status field) on the status subresource. */
    private Ceiling.Write status(String resource, String kind, String namespace, String name, Map<String, Object> status) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        Map<String, Object> body = new LinkedHashMap<>(Map.of("apiVersion", Scenario.API_VERSION, "kind", kind, "metadata", metadata));
        if (status != null) {
            body.put("status", status);
        }
        String json = Serialization.asJson(body);
        return new Ceiling.Write(resource, () -> (namespace == null
                ? client.genericKubernetesResources(Scenario.API_VERSION, kind).withName(name)
                : client.genericKubernetesResources(Scenario.API_VERSION, kind).inNamespace(namespace).withName(name))
                .subresource("status").patch(APPLY, json));
    }

    /**
     * The session's Admitted or Downgraded Event, named as the operator's EventRecorder names it (the session's name and
     * 16 hex digits of the SHA-256 of uid, reason and message); the marker in the message keeps its name apart from
     * the Event the operator writes later.
     */
    private Ceiling.Write event(String namespace, String marker) {
        Map<String, Object> decision = decisions.get(scenario.tierOf(namespace));
        String reason = (String) decision.get("phase");
        String message = decision.get("reason") + " (" + marker + ")";
        String uid = scenario.sessionUid(namespace);
        String now = Instant.now().toString();
        Event event = new EventBuilder()
                .withNewMetadata().withName(Scenario.SESSION + "." + Ceiling.sha256Hex(uid + "\n" + reason + "\n" + message).substring(0, 16))
                .withNamespace(namespace).endMetadata()
                .withNewInvolvedObject().withApiVersion(Scenario.API_VERSION).withKind("AgentSession").withName(Scenario.SESSION)
                .withNamespace(namespace).withUid(uid).endInvolvedObject()
                .withReason(reason).withMessage(message).withType("Admitted".equals(reason) ? "Normal" : "Warning")
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT).withCount(1).withFirstTimestamp(now).withLastTimestamp(now)
                .build();
        return new Ceiling.Write("events", () -> client.v1().events().inNamespace(namespace).resource(event).create());
    }
}
