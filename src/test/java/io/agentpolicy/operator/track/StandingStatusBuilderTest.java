package io.agentpolicy.operator.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionStatus;
import io.agentpolicy.api.Condition;
import io.agentpolicy.api.EngineerStandingStatus;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.api.SessionRecord;
import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * The standing is derived from durable objects and its own previous status only: computed after a restart (the
 * operator down while a session ended) it equals the one computed without, and a session ends on the record once.
 */
class StandingStatusBuilderTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final String ENGINEER = "alice@example.com";
    static final PolicyEngine ENGINE = new PolicyEngine(EngineConfig.defaults());
    static final List<PermissionPolicy> POLICIES = List.of(policy());
    static final Map<String, NamespaceInfo> NAMESPACES = Map.of("payments", new NamespaceInfo("payments", Map.of("agentpolicy.io/tier", "1")));

    @Test
    void aSessionDeletedWhileTheOperatorWasDownEndsOnTheRecordOnceAndTheStandingIsTheSame() {
        AgentSession first = session("s1", "uid-1", T0, SessionPhase.ADMITTED);
        AgentIncident critical = incident("inc-1", T0.plus(Duration.ofMinutes(10)));

        // Without a restart: the operator saw s1 running, then the incident, then s1 deleted at t3.
        Instant t3 = T0.plus(Duration.ofHours(1));
        EngineerStandingStatus running = build(new EngineerStandingStatus(), List.of(first), List.of(), T0.plus(Duration.ofMinutes(1)));
        EngineerStandingStatus incident = build(running, List.of(first), List.of(critical), T0.plus(Duration.ofMinutes(11)));
        EngineerStandingStatus watched = build(incident, List.of(), List.of(critical), t3);

        // With a restart: the operator went down after it recorded s1 running; s1 was deleted meanwhile; it came back at t3.
        EngineerStandingStatus restarted = build(running, List.of(), List.of(critical), t3);
        assertThat(restarted).usingRecursiveComparison().isEqualTo(watched);

        SessionRecord ended = watched.getSessions().get(0);
        assertThat(ended.getEndedAt()).isEqualTo(t3.toString());
        assertThat(watched.getEscalated()).isEqualTo("payments=mid");
        assertThat(watched.getCleanSessions()).as("the incident happened while s1 ran").isZero();

        // Reconciled again, later: the session ended once, at the same instant.
        EngineerStandingStatus again = build(watched, List.of(), List.of(critical), t3.plus(Duration.ofHours(5)));
        assertThat(again.getSessions()).usingRecursiveComparison().isEqualTo(watched.getSessions());
    }

    @Test
    void cleanSessionsAfterTheIncidentCountOnceEach() {
        AgentIncident critical = incident("inc-1", T0);
        EngineerStandingStatus status = build(new EngineerStandingStatus(), List.of(), List.of(critical), T0.plusSeconds(1));
        for (int i = 1; i <= 4; i++) {
            AgentSession s = session("clean-" + i, "uid-" + i, T0.plus(Duration.ofHours(i)), SessionPhase.ADMITTED);
            status = build(status, List.of(s), List.of(critical), T0.plus(Duration.ofHours(i)).plusSeconds(1));
            status = build(status, List.of(), List.of(critical), T0.plus(Duration.ofHours(i)).plusSeconds(30));
            status = build(status, List.of(), List.of(critical), T0.plus(Duration.ofHours(i)).plusSeconds(40));
        }
        assertThat(status.getCleanSessions()).isEqualTo(4);
        assertThat(status.getNamespaces()).singleElement().satisfies(n -> {
            assertThat(n.getEscalated()).isTrue();
            assertThat(n.getCleanSessions()).isEqualTo(4);
            assertThat(n.getReason()).contains("4 of 5 clean sessions since");
        });
        AgentSession expired = session("clean-5", "uid-5", T0.plus(Duration.ofHours(6)), SessionPhase.EXPIRED);
        status = build(status, List.of(expired), List.of(critical), T0.plus(Duration.ofHours(7)));
        assertThat(status.getEscalated()).isNull();
        assertThat(status.getLiftedAt()).isEqualTo(T0.plus(Duration.ofHours(7)).toString());
    }

    @Test
    void aSessionThatNeverRanIsNotRecorded() {
        EngineerStandingStatus status = build(new EngineerStandingStatus(),
                List.of(session("denied", "uid-d", T0, SessionPhase.DENIED), session("waiting", "uid-w", T0, SessionPhase.PENDING_APPROVAL)),
                List.of(), T0.plusSeconds(5));
        assertThat(status.getSessions()).isNull();
    }

    /** A bot account with sessions everywhere: the status stays within the schema's bounds, the escalation listed. */
    @Test
    void anEngineerWithSessionsInThousandsOfPlacesKeepsAStatusTheApiServerAccepts() {
        List<AgentSession> running = IntStream.range(0, 1000)
                .mapToObj(i -> session("ns-" + (i % 300), "run-" + i, "uid-" + i, T0.plusSeconds(i), SessionPhase.ADMITTED)).toList();
        EngineerStandingStatus status = build(new EngineerStandingStatus(), running, List.of(incident("inc-1", T0)), T0.plusSeconds(2000));

        assertThat(status.getSessions()).as("the newest 900 running sessions").hasSize(StandingStatusBuilder.RUNNING_KEPT)
                .allSatisfy(r -> assertThat(Integer.parseInt(r.getUid().substring(4))).isGreaterThanOrEqualTo(100));
        assertThat(status.getNamespaces()).hasSize(StandingStatusBuilder.NAMESPACES_LISTED)
                .isSortedAccordingTo(java.util.Comparator.comparing(io.agentpolicy.api.NamespaceStanding::getNamespace))
                .anySatisfy(n -> assertThat(n.getNamespace() + " escalated=" + n.getEscalated()).isEqualTo("payments escalated=true"));
        assertThat(status.getUnlistedNamespaces()).as("300 namespaces of sessions and payments of the incident").isEqualTo(301 - 256);
        assertThat(status.getEscalated()).isEqualTo("payments=mid");
    }

    private static EngineerStandingStatus build(EngineerStandingStatus previous, List<AgentSession> live, List<AgentIncident> incidents,
            Instant now) {
        return StandingStatusBuilder.build(ENGINEER, previous, live, incidents, POLICIES, NAMESPACES::get, ENGINE, now);
    }

    private static AgentSession session(String name, String uid, Instant created, SessionPhase phase) {
        return session("payments", name, uid, created, phase);
    }

    private static AgentSession session(String namespace, String name, String uid, Instant created, SessionPhase phase) {
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withUid(uid)
                .withCreationTimestamp(created.toString()).build());
        AgentSessionStatus status = new AgentSessionStatus();
        status.setPhase(phase);
        status.setTier("1");
        status.setSeniority(Seniority.SENIOR);
        session.setStatus(status);
        return session;
    }

    private static AgentIncident incident(String name, Instant occurred) {
        AgentIncident incident = read("""
                metadata: {name: %s, namespace: payments, generation: 1}
                spec: {engineer: %s, severity: Critical, occurredAt: "%s"}
                status: {observedGeneration: 1}
                """.formatted(name, ENGINEER, occurred), AgentIncident.class);
        incident.getStatus().setConditions(List.of(new Condition("Ready", Condition.TRUE, "Counted", "counts")));
        return incident;
    }

    private static PermissionPolicy policy() {
        return read("""
                metadata: {name: tier-1}
                spec:
                  tiers: ["1"]
                  seniority:
                    senior: {groups: [eng-senior]}
                    escalation:
                      senior: {critical: 1}
                      lift: {cleanSessions: 5, orQuietFor: 2160h}
                """, PermissionPolicy.class);
    }

    private static <T> T read(String yaml, Class<T> type) {
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(yaml, type);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
