package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.NOW;
import static io.agentpolicy.engine.Fixtures.policy;
import static io.agentpolicy.engine.Fixtures.tier;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.AgentSessionApprovalSpec;
import io.agentpolicy.api.ApprovalDecision;
import io.agentpolicy.api.ExceptionState;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.SessionException;
import io.agentpolicy.api.SessionPhase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * Exceptions with approval (shared/docs/api.md, Exceptions) on the tier table of shared/docs/domain.md: tier 1 needs the CTO and a
 * code owner, tier 2 a code owner, tier 3 an engineering lead, tier 4 offers none. alice is the session's engineer.
 */
class ExceptionDecisionTest {
    private static final List<PermissionPolicy> TIERS = Fixtures.domainTiers();
    private static final String SESSION = "hotfix";
    private static final long GENERATION = 2;

    /** approver:group,group:Approve|Reject[:minutes ago[:generation[:session]]]. */
    private static AgentSessionApproval answer(String line) {
        String[] f = line.split(":");
        AgentSessionApprovalSpec spec = new AgentSessionApprovalSpec();
        spec.setApprover(f[0]);
        spec.setGroups(Arrays.asList(f[1].split(",")));
        spec.setDecision(ApprovalDecision.valueOf(f[2].toUpperCase()));
        spec.setComment(f[2].equals("Reject") ? "not during the freeze" : null);
        long minutesAgo = f.length > 3 ? Long.parseLong(f[3]) : 10;
        spec.setSessionGeneration(f.length > 4 ? Long.parseLong(f[4]) : GENERATION);
        spec.setSession(f.length > 5 ? f[5] : SESSION);
        AgentSessionApproval approval = new AgentSessionApproval();
        approval.setMetadata(new ObjectMetaBuilder().withName(f[0] + "-" + minutesAgo)
                .withCreationTimestamp(Rfc3339.format(NOW.minus(Duration.ofMinutes(minutesAgo)))).build());
        approval.setSpec(spec);
        return approval;
    }

    private static AgentSession session(String requested, String taskType, String... groups) {
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder().withName(SESSION).withNamespace("ns").withGeneration(GENERATION).build());
        session.setSpec(Fixtures.session(requested, taskType, groups));
        SessionException exception = new SessionException();
        exception.setReason("INC-1234 hotfix");
        session.getSpec().setException(exception);
        return session;
    }

    private static Decision decide(List<PermissionPolicy> policies, String tier, AgentSession session, String... answers) {
        return Fixtures.ENGINE.decide(policies, tier(tier), session, Stream.of(answers).map(ExceptionDecisionTest::answer).toList(), NOW);
    }

    static Stream<Arguments> tierTable() {
        return Stream.of(
                // tier 1: CTO + code owner
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of(),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("cto", "code-owners")),
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto:Approve"),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("code-owners")),
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto:Approve", "dave:code-owners:Approve"),
                        SessionPhase.ADMITTED, "bypassPermissions", ExceptionState.APPROVED, List.of()),
                // the engineer approving their own session does not count
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("alice@example.com:cto:Approve", "dave:code-owners:Approve"),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("cto")),
                // one person meets one entry, however many groups or approvals they bring
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto:Approve", "carol:code-owners:Approve:5"),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("code-owners")),
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto,code-owners:Approve"),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("code-owners")),
                // a two-group approver is placed where the other approver cannot go
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto,code-owners:Approve", "dave:cto:Approve"),
                        SessionPhase.ADMITTED, "bypassPermissions", ExceptionState.APPROVED, List.of()),
                // made for an earlier spec, or another session: not counted
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto:Approve:10:1", "dave:code-owners:Approve"),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("cto")),
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto:Approve:10:2:other", "dave:code-owners:Approve"),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("cto")),
                // one eligible Reject: decided without the exception (the tier's onViolation: Deny)
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto:Approve", "bob:code-owners:Reject"),
                        SessionPhase.DENIED, null, ExceptionState.REJECTED, List.of()),
                // a Reject by someone in no approving group does not count
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto:Approve", "eve:eng-senior:Reject"),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("code-owners")),
                // the last approval more than maxDuration (8h) ago: lapsed, decided without it
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto:Approve:600", "dave:code-owners:Approve:480"),
                        SessionPhase.DENIED, null, ExceptionState.EXPIRED, List.of()),
                Arguments.of("1", "eng-senior", "bypassPermissions", List.of("carol:cto:Approve:600", "dave:code-owners:Approve:479"),
                        SessionPhase.ADMITTED, "bypassPermissions", ExceptionState.APPROVED, List.of()),
                // within the caps already: no approval needed
                Arguments.of("1", "eng-senior", "acceptEdits", List.of(),
                        SessionPhase.ADMITTED, "acceptEdits", ExceptionState.NOT_APPLICABLE, List.of()),
                // a junior's payments task: the exception goes beyond the task cap too, with approval
                Arguments.of("1", "", "default", List.of("carol:cto:Approve", "dave:code-owners:Approve"),
                        SessionPhase.ADMITTED, "default", ExceptionState.APPROVED, List.of()),
                // tier 2: a code owner
                Arguments.of("2", "eng-senior", "bypassPermissions", List.of(),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("code-owners")),
                Arguments.of("2", "eng-senior", "bypassPermissions", List.of("dave:code-owners:Approve"),
                        SessionPhase.ADMITTED, "bypassPermissions", ExceptionState.APPROVED, List.of()),
                Arguments.of("2", "eng-senior", "bypassPermissions", List.of("carol:cto:Approve"),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("code-owners")),
                // tier 3: an engineering lead
                Arguments.of("3", "eng-mid", "bypassPermissions", List.of(),
                        SessionPhase.PENDING_APPROVAL, null, ExceptionState.PENDING, List.of("eng-leads")),
                Arguments.of("3", "eng-mid", "bypassPermissions", List.of("lee:eng-leads:Approve"),
                        SessionPhase.ADMITTED, "bypassPermissions", ExceptionState.APPROVED, List.of()),
                // tier 4: nobody approves; decided as without
                Arguments.of("4", "eng-mid", "bypassPermissions", List.of("lee:eng-leads:Approve"),
                        SessionPhase.DENIED, null, ExceptionState.NOT_APPLICABLE, List.of()));
    }

    @ParameterizedTest(name = "tier {0}, {1} asks {2} with {3}: {4} {5}, exception {6}, missing {7}")
    @MethodSource("tierTable")
    void tierTable(String tier, String group, String requested, List<String> answers, SessionPhase phase, String mode,
            ExceptionState state, List<String> missing) {
        String taskType = group.isEmpty() ? "payments" : null;
        Decision decision = decide(TIERS, tier, session(requested, taskType, group.isEmpty() ? new String[0] : new String[] { group }),
                answers.toArray(String[]::new));
        assertThat(decision.phase()).as(decision.reason()).isEqualTo(phase);
        assertThat(decision.effectiveMode()).isEqualTo(mode == null ? null : PermissionMode.fromValue(mode));
        assertThat(decision.exception().state()).isEqualTo(state);
        assertThat(decision.exception().missing()).isEqualTo(missing);
    }

    @Test
    void anApprovedExceptionLastsFromTheLastApprovalAndIsDueAgainThen() {
        Decision decision = decide(TIERS, "1", session("bypassPermissions", null, "eng-senior"),
                "carol:cto:Approve:30", "dave:code-owners:Approve:20");
        Instant lastApproval = NOW.minus(Duration.ofMinutes(20));
        assertThat(decision.exception().expiresAt()).isEqualTo(lastApproval.plus(Duration.ofHours(8)));
        assertThat(decision.nextTransition()).isEqualTo(decision.exception().expiresAt());
        assertThat(decision.exception().approvals()).extracting(ExceptionOutcome.CountedAnswer::approver, ExceptionOutcome.CountedAnswer::groups)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("carol", List.of("cto")),
                        org.assertj.core.groups.Tuple.tuple("dave", List.of("code-owners")));
        assertThat(decision.reason()).contains("approved by carol (cto), dave (code-owners)").contains("INC-1234 hotfix");
    }

    @Test
    void aRejectNamesTheRejectingApproverAndFollowsOnViolation() {
        Decision decision = decide(TIERS, "1", session("bypassPermissions", null, "eng-senior"), "bob:code-owners:Reject");
        assertThat(decision.reason()).startsWith("exception rejected by bob (code-owners): not during the freeze; ")
                .endsWith("; denied");
    }

    @Test
    void aPendingSessionSaysWhoMustStillApprove() {
        Decision decision = decide(TIERS, "1", session("bypassPermissions", null, "eng-senior"), "carol:cto:Approve");
        assertThat(decision.reason()).contains("awaiting approval by code-owners (policy tier-1)");
        assertThat(decision.exception().approvals()).extracting(ExceptionOutcome.CountedAnswer::approver).containsExactly("carol");
    }

    private static final PermissionPolicy TIER_2_LOCKDOWN = policy("""
            metadata: {name: tier-2-lockdown}
            spec:
              tiers: ["2"]
              emergencyOverride: {maxMode: default, reason: "INC-9 outage", expiresAt: "2026-11-22T09:00:00Z"}
            """);

    @Test
    void anActiveEmergencyOverrideIsNeverExceededEvenWhenApproved() {
        Decision decision = decide(List.of(TIERS.get(1), TIER_2_LOCKDOWN), "2", session("bypassPermissions", null, "eng-senior"),
                "dave:code-owners:Approve");
        assertThat(decision.phase()).isEqualTo(SessionPhase.DENIED);
        assertThat(decision.exception().state()).isEqualTo(ExceptionState.NOT_APPLICABLE);
        assertThat(decision.reason()).contains("no exception possible: emergency override caps at default");
    }

    private static final PermissionPolicy CAPPED_EXCEPTIONS = policy("""
            metadata: {name: org-exceptions}
            spec:
              tiers: ["1"]
              exceptions: {maxMode: acceptEdits, approvals: [{groups: [security]}], maxDuration: 1h}
            """);

    @Test
    void exceptionsMergeLowestCapUnitedApprovalsShortestDuration() {
        MergedPolicy.ExceptionRules rules = Fixtures.ENGINE.merge(List.of(TIERS.get(0), CAPPED_EXCEPTIONS), NOW).exceptions();
        assertThat(rules.maxMode()).isEqualTo(PermissionMode.ACCEPT_EDITS);
        assertThat(rules.maxDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(rules.approvals()).extracting(MergedPolicy.Requirement::describe).containsExactly("security", "cto", "code-owners");
        assertThat(rules.policies()).containsExactly("org-exceptions", "tier-1");
        // only policies with exceptions vote; none → no exceptions
        assertThat(Fixtures.ENGINE.merge(List.of(TIERS.get(3)), NOW).exceptions()).isNull();
        assertThat(Fixtures.ENGINE.merge(List.of(TIERS.get(3), CAPPED_EXCEPTIONS), NOW).exceptions().maxMode())
                .isEqualTo(PermissionMode.ACCEPT_EDITS);
    }

    @Test
    void aRequestAboveTheExceptionCapIsDecidedWithoutIt() {
        Decision decision = decide(List.of(TIERS.get(0), CAPPED_EXCEPTIONS), "1", session("bypassPermissions", null, "eng-senior"),
                "carol:cto:Approve", "dave:code-owners:Approve", "sam:security:Approve");
        assertThat(decision.phase()).isEqualTo(SessionPhase.DENIED);
        assertThat(decision.exception().state()).isEqualTo(ExceptionState.NOT_APPLICABLE);
        assertThat(decision.reason()).contains("bypassPermissions is above the exception cap acceptEdits (policies org-exceptions, tier-1)");
    }

    @Test
    void aSessionAskingNoExceptionHasNoExceptionStatus() {
        AgentSession plain = session("bypassPermissions", null, "eng-senior");
        plain.getSpec().setException(null);
        Decision decision = decide(TIERS, "1", plain, "carol:cto:Approve", "dave:code-owners:Approve");
        assertThat(decision.exception()).isNull();
        assertThat(decision.phase()).isEqualTo(SessionPhase.DENIED);
    }

    private static final PermissionPolicy TIER_3_RAISED = policy("""
            metadata: {name: tier-3}
            spec:
              tiers: ["3"]
              modes: {default: default, allowed: [plan, default, dontAsk, acceptEdits, auto], onViolation: Downgrade}
              seniority:
                junior: {maxMode: default}
              taskOverrides:
                - {taskTypes: [docs, typo], raiseTo: acceptEdits}
                - {taskTypes: [tests], raiseTo: bypassPermissions}
                - {taskTypes: [typo], maxMode: plan}
            """);
    private static final PermissionPolicy TIER_3_LOCKDOWN = policy("""
            metadata: {name: tier-3-lockdown}
            spec:
              tiers: ["3"]
              emergencyOverride: {maxMode: plan, reason: "INC-7", expiresAt: "2026-11-22T09:00:00Z"}
            """);

    static Stream<Arguments> raises() {
        return Stream.of(
                Arguments.of(List.of(TIER_3_RAISED), "docs", "acceptEdits", SessionPhase.ADMITTED, "acceptEdits"),
                Arguments.of(List.of(TIER_3_RAISED), "Docs", "acceptEdits", SessionPhase.ADMITTED, "acceptEdits"),
                Arguments.of(List.of(TIER_3_RAISED), "docs", "auto", SessionPhase.DOWNGRADED, "acceptEdits"),
                Arguments.of(List.of(TIER_3_RAISED), "refactor", "acceptEdits", SessionPhase.DOWNGRADED, "default"),
                // never beyond the allowed set (bypassPermissions is not in it)
                Arguments.of(List.of(TIER_3_RAISED), "tests", "bypassPermissions", SessionPhase.DOWNGRADED, "auto"),
                // a task cap still applies
                Arguments.of(List.of(TIER_3_RAISED), "typo", "acceptEdits", SessionPhase.DOWNGRADED, "plan"),
                // an active emergency override still applies
                Arguments.of(List.of(TIER_3_RAISED, TIER_3_LOCKDOWN), "docs", "acceptEdits", SessionPhase.DOWNGRADED, "plan"));
    }

    @ParameterizedTest(name = "junior, task {1}, asks {2}: {3} {4}")
    @MethodSource("raises")
    void raiseToLiftsTheSeniorityCapForItsTaskTypes(List<PermissionPolicy> policies, String taskType, String requested,
            SessionPhase phase, String mode) {
        Decision decision = Fixtures.ENGINE.decide(policies, tier("3"), Fixtures.session(requested, taskType), NOW);
        assertThat(decision.phase()).as(decision.reason()).isEqualTo(phase);
        assertThat(decision.effectiveMode()).isEqualTo(PermissionMode.fromValue(mode));
    }

    @Test
    void aRaiseIsNamedInTheReason() {
        Decision decision = Fixtures.ENGINE.decide(List.of(TIER_3_RAISED), tier("3"), Fixtures.session("auto", "docs"), NOW);
        assertThat(decision.reason()).contains("seniority junior caps tier 3 at default (policy tier-3), raised to acceptEdits "
                + "for task type docs (policy tier-3)");
    }

    @Test
    void anAnswerThatNamesNoGenerationIsAboutTheSessionAsCreated() {
        AgentSession asCreated = session("bypassPermissions", "hotfix", "eng-senior");
        asCreated.getMetadata().setGeneration(1L);
        List<AgentSessionApproval> answers = Stream.of("carol:cto:Approve", "dave:code-owners:Approve").map(ExceptionDecisionTest::answer)
                .peek(answer -> answer.getSpec().setSessionGeneration(null)).toList();
        assertThat(Fixtures.ENGINE.decide(TIERS, tier("1"), asCreated, answers, NOW).phase()).isEqualTo(SessionPhase.ADMITTED);

        AgentSession edited = session("bypassPermissions", "hotfix", "eng-senior"); // generation 2: its spec was edited
        assertThat(Fixtures.ENGINE.decide(TIERS, tier("1"), edited, answers, NOW).phase()).isEqualTo(SessionPhase.PENDING_APPROVAL);
    }

    @Test
    void anAnswerOlderThanTheSessionWasMadeForAnEarlierSessionOfItsName() {
        // Deleted and created again under its name, a session starts at its first generation again: the answers to
        // the one before (the CTO's, 40 minutes ago) must not carry over to the one created 30 minutes ago.
        AgentSession recreated = session("bypassPermissions", "hotfix", "eng-senior");
        recreated.getMetadata().setCreationTimestamp(Rfc3339.format(NOW.minus(Duration.ofMinutes(30))));
        Decision decision = decide(TIERS, "1", recreated, "carol:cto:Approve:40", "dave:code-owners:Approve:10");
        assertThat(decision.phase()).isEqualTo(SessionPhase.PENDING_APPROVAL);
        assertThat(decision.exception().missing()).containsExactly("cto");

        assertThat(decide(TIERS, "1", recreated, "carol:cto:Approve:30", "dave:code-owners:Approve:10").phase())
                .as("an answer made in the session's first second counts").isEqualTo(SessionPhase.ADMITTED);
    }
}
