package io.agentpolicy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.IncidentSeverity;
import io.agentpolicy.api.OnViolation;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionPhase;

/**
 * Every escalation trigger and lift rule of shared/docs/domain.md ("Escalation and de-escalation"), replayed by the
 * engine. Facts are written in a line: an incident "name ns severity day[ session]", a session "name ns startDay-endDay",
 * days counted from 2026-12-01 (day 0) at 10:00 UTC.
 */
class TrackRecordTest {
    static final Instant DAY_0 = Instant.parse("2026-12-01T10:00:00Z");
    static final String RULES = """
            metadata: {name: tier-1}
            spec:
              tiers: ["1"]
              seniority:
                escalation:
                  junior: {mistakes: 2, sameNamespace: true}
                  mid: {mistakes: 3, within: 720h}
                  senior: {critical: 1}
                  lift: {cleanSessions: 5, orQuietFor: 2160h}
            """;
    static final TrackRecord.Rules DOMAIN = TrackRecord.Rules.of(List.of(Fixtures.policy(RULES)));

    static Stream<Arguments> triggers() {
        return Stream.of(
                // level, incidents, namespace asked about, day asked at, escalated?
                Arguments.of("junior: 2 in the same namespace escalate there", Seniority.JUNIOR,
                        List.of("i1 payments Minor 0", "i2 payments Minor 3"), "payments", 4, true),
                Arguments.of("junior: 2 in the same namespace do not escalate elsewhere", Seniority.JUNIOR,
                        List.of("i1 payments Minor 0", "i2 payments Minor 3"), "checkout", 4, false),
                Arguments.of("junior: 2 in different namespaces do not escalate", Seniority.JUNIOR,
                        List.of("i1 payments Minor 0", "i2 checkout Minor 3"), "payments", 4, false),
                Arguments.of("junior: 1 is not enough", Seniority.JUNIOR, List.of("i1 payments Critical 0"), "payments", 4, false),
                Arguments.of("mid: 3 in 30 days escalate", Seniority.MID,
                        List.of("i1 payments Minor 0", "i2 checkout Minor 10", "i3 payments Minor 29"), "payments", 30, true),
                Arguments.of("mid: 3 spread over 40 days do not", Seniority.MID,
                        List.of("i1 payments Minor 0", "i2 payments Minor 20", "i3 payments Minor 40"), "payments", 41, false),
                Arguments.of("mid: 3 in 30 days escalate in each namespace one occurred in, not others", Seniority.MID,
                        List.of("i1 payments Minor 0", "i2 checkout Minor 10", "i3 payments Minor 29"), "search", 30, false),
                Arguments.of("mid: 2 in 30 days are not enough", Seniority.MID,
                        List.of("i1 payments Significant 0", "i2 payments Significant 1"), "payments", 2, false),
                Arguments.of("senior: 1 critical escalates", Seniority.SENIOR, List.of("i1 payments Critical 0"), "payments", 1, true),
                Arguments.of("senior: significant ones do not", Seniority.SENIOR,
                        List.of("i1 payments Significant 0", "i2 payments Significant 1", "i3 payments Minor 2"), "payments", 3, false),
                Arguments.of("senior: a critical one elsewhere does not escalate here", Seniority.SENIOR,
                        List.of("i1 checkout Critical 0"), "payments", 1, false),
                Arguments.of("an incident not yet occurred does not count", Seniority.SENIOR,
                        List.of("i1 payments Critical 10"), "payments", 5, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("triggers")
    void triggers(String rule, Seniority level, List<String> incidents, String namespace, int day, boolean escalated) {
        TrackRecord.Standing standing = evaluate(level, namespace, incidents, List.of(), day);
        assertThat(standing.escalated()).isEqualTo(escalated);
        Seniority expected = escalated && level != Seniority.JUNIOR ? Seniority.values()[level.ordinal() - 1] : level;
        assertThat(standing.level()).isEqualTo(expected);
        assertThat(standing.cappedAtPlan()).isEqualTo(escalated && level == Seniority.JUNIOR);
    }

    static Stream<Arguments> lifts() {
        List<String> critical = List.of("inc-1234 payments Critical 0");
        return Stream.of(
                // incidents, sessions, day asked at, escalated?, clean sessions counted
                Arguments.of("4 clean sessions are not enough", critical, sessions(4, "payments", 1), 10, true, 4),
                Arguments.of("5 clean sessions lift", critical, sessions(5, "payments", 1), 10, false, 0),
                Arguments.of("sessions in other namespaces do not count", critical, sessions(5, "checkout", 1), 10, true, 0),
                Arguments.of("sessions that ended before the incident do not count", critical,
                        List.of("s1 payments -3--2", "s2 payments -2--1"), 1, true, 0),
                Arguments.of("an incident while a session ran makes it dirty and restarts the count",
                        List.of("inc-1234 payments Critical 0", "inc-2 payments Minor 3"),
                        List.of("s1 payments 1-2", "s2 payments 2-4", "s3 payments 5-6"), 7, true, 1),
                Arguments.of("an incident filed later about an earlier session restarts the count",
                        List.of("inc-1234 payments Critical 0", "inc-2 payments Minor 9 s2"),
                        List.of("s1 payments 1-2", "s2 payments 2-3", "s3 payments 4-5"), 10, true, 0),
                Arguments.of("89 quiet days are not enough", critical, List.of(), 89, true, 0),
                Arguments.of("90 quiet days lift", critical, List.of(), 90, false, 0),
                Arguments.of("a new incident restarts the quiet period",
                        List.of("inc-1234 payments Critical 0", "inc-2 payments Minor 60"), List.of(), 100, true, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifts")
    void lifts(String rule, List<String> incidents, List<String> sessions, int day, boolean escalated, int clean) {
        TrackRecord.Standing standing = evaluate(Seniority.SENIOR, "payments", incidents, sessions, day);
        assertThat(standing.escalated()).isEqualTo(escalated);
        assertThat(standing.cleanSessions()).isEqualTo(clean);
        assertThat(standing.level()).isEqualTo(escalated ? Seniority.MID : Seniority.SENIOR);
    }

    @Test
    void theReasonSaysWhyAndWhatEarnsTheFasterModesBack() {
        TrackRecord.Standing standing = evaluate(Seniority.SENIOR, "payments", List.of("inc-1234 payments Critical 0"),
                sessions(2, "payments", 1), 10);
        assertThat(standing.reason()).isEqualTo("escalated from senior to mid in payments: critical incident inc-1234 on "
                + "2026-12-01; 2 of 5 clean sessions since, or lifted on 2027-03-01 without a new incident (policy tier-1)");
        assertThat(standing.liftsAt()).isEqualTo(DAY_0.plus(Duration.ofHours(2160)));
        assertThat(standing.triggers()).extracting(TrackRecord.Incident::name).containsExactly("inc-1234");
    }

    @Test
    void aLiftedStandingSaysWhenAndHow() {
        TrackRecord.Standing quiet = evaluate(Seniority.SENIOR, "payments", List.of("inc-1234 payments Critical 0"), List.of(), 95);
        assertThat(quiet.liftedAt()).isEqualTo(DAY_0.plus(Duration.ofHours(2160)));
        assertThat(quiet.liftsAt()).isNull();
        assertThat(quiet.reason()).isEqualTo("escalation in payments lifted on 2027-03-01 after 2160h without a new incident");
        TrackRecord.Standing clean = evaluate(Seniority.SENIOR, "payments", List.of("inc-1234 payments Critical 0"),
                sessions(5, "payments", 1), 10);
        assertThat(clean.liftedAt()).isEqualTo(DAY_0.plus(Duration.ofDays(6)));
        assertThat(clean.reason()).isEqualTo("escalation in payments lifted on 2026-12-07 after 5 consecutive clean sessions");
    }

    @Test
    void incidentsForgivenByALiftDoNotCountAgain() {
        // Two mistakes escalate a junior; five clean sessions lift it; one more mistake is one, not three.
        List<String> incidents = List.of("i1 payments Minor 0", "i2 payments Minor 1", "i3 payments Minor 20");
        assertThat(evaluate(Seniority.JUNIOR, "payments", incidents, sessions(5, "payments", 2), 21).escalated()).isFalse();
        List<String> twoAfter = List.of("i1 payments Minor 0", "i2 payments Minor 1", "i3 payments Minor 20", "i4 payments Minor 22");
        assertThat(evaluate(Seniority.JUNIOR, "payments", twoAfter, sessions(5, "payments", 2), 23).escalated()).isTrue();
    }

    @Test
    void withoutEscalationRulesNothingEscalates() {
        assertThat(TrackRecord.Rules.of(List.of(Fixtures.policy("metadata: {name: p}\nspec: {tiers: [\"1\"]}")))).isNull();
    }

    @Test
    void severalPoliciesMergeToTheStrictest() {
        PermissionPolicy other = Fixtures.policy("""
                metadata: {name: org}
                spec:
                  tiers: ["1"]
                  seniority:
                    escalation:
                      junior: {mistakes: 3, sameNamespace: false}
                      mid: {mistakes: 2, within: 1440h}
                      lift: {cleanSessions: 8}
                """);
        TrackRecord.Rules merged = TrackRecord.Rules.of(List.of(Fixtures.policy(RULES), other));
        assertThat(merged).isEqualTo(new TrackRecord.Rules(2, false, 2, Duration.ofHours(1440), 1, 8, null, List.of("org", "tier-1")));
    }

    @Test
    void aSeniorsCriticalIncidentDecidesTheirTier1SessionAsMid() {
        List<PermissionPolicy> policies = withEscalation();
        AgentSessionSpec senior = Fixtures.session("acceptEdits", null, "eng-senior");
        NamespaceInfo payments = Fixtures.namespace("payments", "agentpolicy.io/tier=1");
        Instant now = DAY_0.plus(Duration.ofDays(1));

        Decision clean = ENGINE.decide(policies, payments, senior, now);
        assertThat(clean.effectiveMode()).isEqualTo(PermissionMode.ACCEPT_EDITS);

        Decision escalated = decide(policies, payments, senior, List.of("inc-1234 payments Critical 0"), List.of(), now);
        assertThat(escalated.phase()).isEqualTo(SessionPhase.DOWNGRADED);
        assertThat(escalated.effectiveMode()).isEqualTo(PermissionMode.DEFAULT);
        assertThat(escalated.seniority()).isEqualTo(Seniority.MID);
        assertThat(escalated.escalation().seniority()).isEqualTo(Seniority.SENIOR);
        assertThat(escalated.reason()).startsWith("escalated from senior to mid in payments: critical incident inc-1234 on 2026-12-01; "
                + "0 of 5 clean sessions since").endsWith("seniority mid caps tier 1 at default (policy tier-1); downgraded to default");
        assertThat(escalated.nextTransition()).isEqualTo(DAY_0.plus(Duration.ofHours(2160)));

        Decision elsewhere = decide(policies, Fixtures.namespace("auth", "agentpolicy.io/tier=1"), senior,
                List.of("inc-1234 payments Critical 0"), List.of(), now);
        assertThat(elsewhere.effectiveMode()).isEqualTo(PermissionMode.ACCEPT_EDITS);
        assertThat(elsewhere.escalation()).isNull();
    }

    @Test
    void anEscalatedJuniorIsCappedAtPlan() {
        List<PermissionPolicy> policies = withEscalation();
        NamespaceInfo sandbox = Fixtures.namespace("sandbox", "agentpolicy.io/tier=4");
        AgentSessionSpec junior = Fixtures.session("acceptEdits", null);
        Instant now = DAY_0.plus(Duration.ofDays(3));
        assertThat(ENGINE.decide(policies, sandbox, junior, now).effectiveMode()).isEqualTo(PermissionMode.ACCEPT_EDITS);

        Decision escalated = decide(policies, sandbox, junior, List.of("i1 sandbox Minor 0", "i2 sandbox Minor 1"), List.of(), now);
        assertThat(escalated.effectiveMode()).isEqualTo(PermissionMode.PLAN);
        assertThat(escalated.seniority()).isEqualTo(Seniority.JUNIOR);
        assertThat(escalated.reason()).startsWith("escalated junior in sandbox (capped at plan): incidents i1 on 2026-12-01, i2 on 2026-12-02;")
                .contains("an escalated junior is capped at plan; downgraded to plan");
    }

    private static final PolicyEngine ENGINE = Fixtures.ENGINE;

    /** The domain's tier policies, each with the domain's escalation rules, downgrading instead of denying. */
    private static List<PermissionPolicy> withEscalation() {
        List<PermissionPolicy> policies = Fixtures.domainTiers();
        policies.forEach(p -> {
            p.getSpec().getSeniority().setEscalation(Fixtures.policy(RULES).getSpec().getSeniority().getEscalation());
            p.getSpec().getModes().setOnViolation(OnViolation.DOWNGRADE);
        });
        return policies;
    }

    private static Decision decide(List<PermissionPolicy> policies, NamespaceInfo ns, AgentSessionSpec spec, List<String> incidents,
            List<String> sessions, Instant now) {
        io.agentpolicy.api.AgentSession session = new io.agentpolicy.api.AgentSession();
        session.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("s").withNamespace(ns.name()).build());
        session.setSpec(spec);
        return ENGINE.decide(policies, ns, session, List.of(), history(incidents, sessions), now);
    }

    private static TrackRecord.Standing evaluate(Seniority level, String namespace, List<String> incidents, List<String> sessions, int day) {
        return TrackRecord.evaluate(DOMAIN, level, namespace, history(incidents, sessions), DAY_0.plus(Duration.ofDays(day)));
    }

    private static TrackRecord.History history(List<String> incidents, List<String> sessions) {
        return new TrackRecord.History(incidents.stream().map(TrackRecordTest::incident).toList(),
                sessions.stream().map(TrackRecordTest::ended).toList());
    }

    /** "name ns severity day[ session]" */
    private static TrackRecord.Incident incident(String line) {
        String[] f = line.split(" ");
        return new TrackRecord.Incident(f[0], f[1], f.length > 4 ? f[4] : null, IncidentSeverity.valueOf(f[2].toUpperCase()),
                DAY_0.plus(Duration.ofDays(Integer.parseInt(f[3]))));
    }

    /** "name ns start-end", days; "s1 ns -3--2" is from day -3 to day -2. */
    private static TrackRecord.EndedSession ended(String line) {
        String[] f = line.split(" ");
        int dash = f[2].indexOf('-', 1);
        return new TrackRecord.EndedSession(f[0], f[1], DAY_0.plus(Duration.ofDays(Integer.parseInt(f[2].substring(0, dash)))),
                DAY_0.plus(Duration.ofDays(Integer.parseInt(f[2].substring(dash + 1)))));
    }

    /** n back-to-back one-day sessions in the namespace, the first starting on the given day. */
    private static List<String> sessions(int n, String namespace, int firstDay) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("s" + i + " " + namespace + " " + (firstDay + i) + "-" + (firstDay + i + 1));
        }
        return lines;
    }
}
