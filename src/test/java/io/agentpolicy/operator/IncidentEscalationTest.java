package io.agentpolicy.operator;

import static io.agentpolicy.testing.MetricsScraper.key;
import static io.agentpolicy.testing.Resources.applyPolicy;
import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.createNamespace;
import static io.agentpolicy.testing.Resources.settingsOf;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.Condition;
import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionRecord;
import io.agentpolicy.engine.StandingNames;
import io.agentpolicy.testing.AdjustableClock;
import io.agentpolicy.testing.Kubectl;
import io.agentpolicy.testing.MetricsScraper;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Track record on the real API server (shared/docs/api.md, "Track record"): a senior's critical incident re-decides
 * their running session as mid within seconds; five clean sessions, or the quiet period (on an advanced clock), lift
 * it; incidents that cannot count change nothing.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class IncidentEscalationTest {
    private static final Logger LOG = Logger.getLogger(IncidentEscalationTest.class);
    static final Duration WITHIN = NamespaceBaselineTest.WITHIN;

    final KubernetesClient client = TestCluster.get().admin();

    @TestHTTPResource("/q/metrics")
    URL metrics;

    /** A tier-1-like namespace whose policy escalates a senior on one critical incident, lifted as given. */
    private String tierOne(String lift) {
        String tier = unique("track");
        applyPolicy(client, unique("track-policy"), """
                tiers: [%s]
                modes: {default: plan, allowed: [plan, default, acceptEdits], disableBypassPermissions: true, disableAuto: true, onViolation: Downgrade}
                seniority:
                  mid: {maxMode: default, groups: [eng-mid]}
                  senior: {maxMode: acceptEdits, groups: [eng-senior]}
                  escalation:
                    junior: {mistakes: 2, sameNamespace: true}
                    mid: {mistakes: 3, within: 720h}
                    senior: {critical: 1}
                    lift: %s
                """.formatted(tier, lift));
        return createNamespace(client, unique("track"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
    }

    @Test
    void aSeniorsCriticalIncidentDecidesTheirRunningSessionAsMidUntilFiveCleanSessions() {
        String namespace = tierOne("{cleanSessions: 5, orQuietFor: 2160h}");
        String engineer = unique("senior") + "@example.com";
        createSession(namespace, "work", engineer, "acceptEdits");
        awaitSession(namespace, "work", s -> s.getStatus().getEffectiveMode() == PermissionMode.ACCEPT_EDITS);
        awaitMap(namespace, "work", "acceptEdits");

        Instant occurred = Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS);
        long sent = System.nanoTime();
        recordIncident(namespace, "inc-1234", engineer, "work", "Critical", occurred);
        awaitMap(namespace, "work", "default");
        LOG.infof("critical incident: the running session's map was re-rendered %d ms after the incident was created",
                (System.nanoTime() - sent) / 1_000_000);

        AgentSession escalated = awaitSession(namespace, "work", s -> s.getStatus().getSeniority() == Seniority.MID);
        assertThat(escalated.getStatus().getEffectiveMode()).isEqualTo(PermissionMode.DEFAULT);
        assertThat(escalated.getStatus().getEscalatedFrom()).isEqualTo(Seniority.SENIOR);
        assertThat(escalated.getStatus().getReason()).startsWith("escalated from senior to mid in " + namespace
                + ": critical incident inc-1234 on " + occurred.toString().substring(0, 10) + "; 0 of 5 clean sessions since");
        assertThat(escalated.getStatus().getReason()).endsWith("seniority mid caps tier " + escalated.getStatus().getTier()
                + " at default (" + "policy " + escalated.getStatus().getPolicies().get(0) + "); downgraded to default");
        assertThat(incident(namespace, "inc-1234").getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
                .extracting(Condition::getStatus).containsExactly("True");

        EngineerStanding standing = awaitStanding(engineer, s -> (namespace + "=mid").equals(s.getStatus().getEscalated()));
        assertThat(standing.getStatus().getNamespaces()).filteredOn(n -> n.getNamespace().equals(namespace)).singleElement()
                .satisfies(n -> {
                    assertThat(n.getIncidents()).containsExactly("inc-1234");
                    assertThat(n.getCleanSessionsNeeded()).isEqualTo(5);
                    assertThat(n.getLiftsAt()).isEqualTo(occurred.plus(Duration.ofHours(2160)).toString());
                });
        await().atMost(WITHIN).until(() -> standingEvents(standing).contains("Escalated"));

        for (int i = 1; i <= 5; i++) {
            String name = "clean-" + i;
            AgentSession clean = createSession(namespace, name, engineer, "default");
            String uid = clean.getMetadata().getUid();
            awaitStanding(engineer, s -> record(s, uid) != null); // seen running: counted when it ends, whenever that is
            client.resources(AgentSession.class).inNamespace(namespace).withName(name).delete();
            awaitStanding(engineer, s -> record(s, uid) != null && record(s, uid).getEndedAt() != null);
        }
        awaitMap(namespace, "work", "acceptEdits");
        AgentSession lifted = awaitSession(namespace, "work", s -> s.getStatus().getSeniority() == Seniority.SENIOR);
        assertThat(lifted.getStatus().getEscalatedFrom()).isNull();
        assertThat(lifted.getStatus().getReason()).doesNotContain("escalated");
        EngineerStanding after = awaitStanding(engineer, s -> s.getStatus().getEscalated() == null);
        assertThat(after.getStatus().getCleanSessions()).isEqualTo(5);
        assertThat(after.getStatus().getLiftedAt()).isNotNull();
        assertThat(after.getStatus().getNamespaces()).filteredOn(n -> n.getNamespace().equals(namespace)).singleElement()
                .satisfies(n -> assertThat(n.getReason()).endsWith("after 5 consecutive clean sessions"));
        await().atMost(WITHIN).until(() -> standingEvents(after).contains("DeEscalated"));
        // Each transition counted once, though the sessions' changes ask for the standing again while it is written.
        String tier = escalated.getStatus().getTier();
        await().atMost(WITHIN).untilAsserted(() -> {
            Map<String, Double> series = MetricsScraper.series(metrics);
            assertThat(series.get(key("agentpolicy_incidents_total", "severity", "Critical", "tier", tier))).isEqualTo(1);
            assertThat(series.get(key("agentpolicy_escalations_total", "direction", "escalated", "tier", tier))).isEqualTo(1);
            assertThat(series.get(key("agentpolicy_escalations_total", "direction", "de_escalated", "tier", tier))).isEqualTo(1);
        });
    }

    @Test
    void theQuietPeriodLiftsTheEscalationAtItsInstant() {
        String namespace = tierOne("{orQuietFor: 2h}");
        String engineer = unique("senior") + "@example.com";
        createSession(namespace, "work", engineer, "acceptEdits");
        awaitSession(namespace, "work", s -> s.getStatus().getEffectiveMode() == PermissionMode.ACCEPT_EDITS);
        recordIncident(namespace, "inc-7", engineer, null, "Critical", Instant.now().minus(Duration.ofMinutes(1)));
        awaitMap(namespace, "work", "default");
        try {
            AdjustableClock.advance(Duration.ofHours(2));
            // The operator scheduled its reconcile for the lift two real hours away; a touch of the session stands in
            // for the time passing.
            client.resources(AgentSession.class).inNamespace(namespace).withName("work").patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"annotations\":{\"test.agentpolicy.io/touched\":\"1\"}}}");
            awaitMap(namespace, "work", "acceptEdits");
            assertThat(awaitSession(namespace, "work", s -> s.getStatus().getSeniority() == Seniority.SENIOR).getStatus().getReason())
                    .doesNotContain("escalated");
            EngineerStanding lifted = awaitStanding(engineer, s -> s.getStatus().getEscalated() == null && s.getStatus().getLiftedAt() != null);
            assertThat(lifted.getStatus().getNamespaces()).filteredOn(n -> n.getNamespace().equals(namespace)).singleElement()
                    .satisfies(n -> assertThat(n.getReason()).endsWith("after 2h without a new incident"));
        } finally {
            AdjustableClock.reset();
        }
    }

    @Test
    void theOperatorLiftsAQuietPeriodAtItsInstantWithoutBeingTouched() {
        String namespace = tierOne("{orQuietFor: 15s}");
        String engineer = unique("senior") + "@example.com";
        createSession(namespace, "work", engineer, "acceptEdits");
        awaitSession(namespace, "work", s -> s.getStatus().getEffectiveMode() == PermissionMode.ACCEPT_EDITS);
        Instant occurred = Instant.now().minus(Duration.ofSeconds(5)).truncatedTo(ChronoUnit.SECONDS);
        recordIncident(namespace, "inc-8", engineer, null, "Critical", occurred);
        awaitMap(namespace, "work", "default");
        Instant liftsAt = occurred.plus(Duration.ofSeconds(15));
        assertThat(Instant.now()).as("escalated before the lift").isBefore(liftsAt);

        awaitMap(namespace, "work", "acceptEdits");
        LOG.infof("quiet period: the map was re-rendered %d ms after the lift instant", Duration.between(liftsAt, Instant.now()).toMillis());
        assertThat(Instant.now()).isAfterOrEqualTo(liftsAt);
        awaitStanding(engineer, s -> s.getStatus().getEscalated() == null && s.getStatus().getLiftedAt() != null);
    }

    @Test
    void incidentsThatCannotCountAreRefusedOrStalledAndChangeNothing() {
        String namespace = tierOne("{cleanSessions: 5}");
        String alice = unique("alice") + "@example.com";
        String bob = unique("bob") + "@example.com";
        createSession(namespace, "alices", alice, "acceptEdits");
        createSession(namespace, "bobs", bob, "acceptEdits");
        awaitSession(namespace, "alices", s -> s.getStatus().getEffectiveMode() == PermissionMode.ACCEPT_EDITS);

        recordIncident(namespace, "wrong-session", alice, "bobs", "Critical", Instant.now().minus(Duration.ofMinutes(1)));
        assertThat(awaitStalled(namespace, "wrong-session").getMessage()).startsWith("spec.session bobs is a session of " + bob
                + ", not of " + alice);
        recordIncident(namespace, "tomorrow", alice, null, "Critical", Instant.now().plus(Duration.ofDays(1)));
        assertThat(awaitStalled(namespace, "tomorrow").getMessage()).startsWith("spec.occurredAt ").contains("is after the incident was recorded");

        Kubectl.Result unknown = Kubectl.apply(incidentYaml(namespace, "catastrophe", alice, null, "Catastrophic", Instant.now(), null), null);
        assertThat(unknown.succeeded()).isFalse();
        assertThat(unknown.stderr()).contains("spec.severity").contains("Unsupported value: \"Catastrophic\"");

        // Nothing changed: both sessions stay as they were, and nobody is escalated.
        await().during(Duration.ofSeconds(2)).atMost(WITHIN).until(() -> {
            AgentSession s = client.resources(AgentSession.class).inNamespace(namespace).withName("alices").get();
            return s.getStatus().getEffectiveMode() == PermissionMode.ACCEPT_EDITS && s.getStatus().getEscalatedFrom() == null;
        });
        assertThat(awaitSession(namespace, "bobs", s -> true).getStatus().getEffectiveMode()).isEqualTo(PermissionMode.ACCEPT_EDITS);
        assertThat(awaitStanding(alice, s -> true).getStatus().getEscalated()).isNull();
    }

    @Test
    void anIncidentIsRecordedOnlyInTheRecordersOwnName() {
        String namespace = tierOne("{cleanSessions: 5}");
        String carol = "carol@example.com";
        client.resource(new ClusterRoleBuilder().withNewMetadata().withName("track-incident-recorder").endMetadata()
                .addNewRule().withApiGroups("agentpolicy.io").withResources("agentincidents").withVerbs("create", "get", "list").endRule()
                .build()).serverSideApply();
        client.resource(new RoleBindingBuilder().withNewMetadata().withName("incident-recorders").withNamespace(namespace).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("track-incident-recorder").endRoleRef()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(carol).endSubject()
                .build()).create();
        String inSomeoneElsesName = incidentYaml(namespace, "probe", "dan@example.com", null, "Minor", Instant.now(), "dave@example.com");
        await().atMost(WITHIN).until(() -> Kubectl.run(inSomeoneElsesName, "apply", "--dry-run=server", "--as=" + carol, "-f", "-")
                .stderr().contains("spec.reportedBy is dave@example.com but the request comes from carol@example.com"));

        Kubectl.Result unnamed = Kubectl.apply(incidentYaml(namespace, "unnamed", "dan@example.com", null, "Minor", Instant.now(), null), carol);
        assertThat(unnamed.succeeded()).isFalse();
        assertThat(unnamed.stderr()).contains("spec.reportedBy is not set");
        Kubectl.Result own = Kubectl.apply(incidentYaml(namespace, "own", "dan@example.com", null, "Minor", Instant.now(), carol), carol);
        assertThat(own.succeeded()).as(own.stderr()).isTrue();
        await().atMost(WITHIN).until(() -> incident(namespace, "own").getStatus() != null
                && "True".equals(condition(incident(namespace, "own"), "Ready").getStatus()));
    }

    private AgentSession createSession(String namespace, String name, String engineer, String mode) {
        return client.resource(Resources.loadAll("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: %s, namespace: %s}
                spec: {engineer: %s, groups: [eng-senior], requestedMode: %s, taskType: refactor}
                """.formatted(name, namespace, engineer, mode), AgentSession.class).get(0)).create();
    }

    private void recordIncident(String namespace, String name, String engineer, String session, String severity, Instant occurred) {
        client.resource(Resources.loadAll(incidentYaml(namespace, name, engineer, session, severity, occurred, null), AgentIncident.class)
                .get(0)).create();
    }

    private static String incidentYaml(String namespace, String name, String engineer, String session, String severity,
            Instant occurred, String reportedBy) {
        return """
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentIncident
                metadata: {name: %s, namespace: %s}
                spec:
                  engineer: %s
                  severity: %s
                  occurredAt: "%s"
                  summary: "agent dropped a column in staging"
                """.formatted(name, namespace, engineer, severity, occurred.truncatedTo(ChronoUnit.SECONDS))
                + (session == null ? "" : "  session: " + session + "\n")
                + (reportedBy == null ? "" : "  reportedBy: " + reportedBy + "\n");
    }

    private AgentIncident incident(String namespace, String name) {
        return client.resources(AgentIncident.class).inNamespace(namespace).withName(name).get();
    }

    private static Condition condition(AgentIncident incident, String type) {
        return incident.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElse(new Condition());
    }

    private Condition awaitStalled(String namespace, String name) {
        return await().atMost(WITHIN).until(() -> {
            AgentIncident incident = incident(namespace, name);
            return incident.getStatus() == null ? null : condition(incident, "Stalled");
        }, c -> c != null && "True".equals(c.getStatus()) && "InvalidSpec".equals(c.getReason()));
    }

    private AgentSession awaitSession(String namespace, String name, Predicate<AgentSession> condition) {
        return await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).until(
                () -> client.resources(AgentSession.class).inNamespace(namespace).withName(name).get(),
                s -> s != null && s.getStatus() != null && s.getStatus().getPhase() != null && condition.test(s));
    }

    private void awaitMap(String namespace, String session, String mode) {
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).until(() -> {
            var map = configMap(client, namespace, "agent-session-" + session);
            return map != null && settingsOf(map).contains("\"defaultMode\": \"" + mode + "\"");
        });
    }

    private EngineerStanding awaitStanding(String engineer, Predicate<EngineerStanding> condition) {
        return await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).until(
                () -> client.resources(EngineerStanding.class).withName(StandingNames.of(engineer)).get(),
                s -> s != null && s.getStatus() != null && engineer.equals(s.getStatus().getEngineer()) && condition.test(s));
    }

    private static SessionRecord record(EngineerStanding standing, String uid) {
        List<SessionRecord> records = standing.getStatus().getSessions();
        return records == null ? null : records.stream().filter(r -> r.getUid().equals(uid)).findFirst().orElse(null);
    }

    private List<String> standingEvents(EngineerStanding standing) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> standing.getMetadata().getName().equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
    }
}
