package io.agentpolicy.operator;

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
import java.util.Comparator;
import java.util.List;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.CountedApproval;
import io.agentpolicy.api.ExceptionState;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.testing.MetricsScraper;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Exceptions with approval on the real API server: pending without a map, approved with one, rejected, lapsed. */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class SessionExceptionTest {
    private static final Logger LOG = Logger.getLogger(SessionExceptionTest.class);
    static final Duration WITHIN = NamespaceBaselineTest.WITHIN;

    final KubernetesClient client = TestCluster.get().admin();

    @TestHTTPResource("/q/metrics")
    URL metrics;

    /** A tier-1-like policy: seniors capped at acceptEdits, bypass locked; the CTO and a code owner may approve more. */
    private String tierOneLike(String maxDuration) {
        return tierOneLike(unique("tier-1-like"), maxDuration, "");
    }

    private String tierOneLike(String policy, String maxDuration, String more) {
        String tier = unique("exc");
        applyPolicy(client, policy, """
                tiers: [%s]
                modes: {default: plan, allowed: [plan, default, acceptEdits], disableBypassPermissions: true, disableAuto: true, onViolation: Downgrade}
                seniority: {senior: {maxMode: acceptEdits, groups: [eng-senior]}}
                exceptions:
                  maxMode: bypassPermissions
                  approvals: [{groups: [cto]}, {groups: [code-owners]}]
                  maxDuration: %s
                %s""".formatted(tier, maxDuration, more));
        return createNamespace(client, unique("exc"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
    }

    @Test
    void twoApprovalsAdmitBypassAndARejectDecidesWithoutTheException() {
        String namespace = tierOneLike("8h");
        double approvalsTimedBefore = MetricsScraper.sum(metrics, "agentpolicy_exception_approval_seconds_count");
        double exceptionsBefore = MetricsScraper.sum(metrics, "agentpolicy_exceptions_total");
        askForBypass(namespace);

        AgentSession pending = awaitSession(namespace, s -> s.getStatus().getPhase() == SessionPhase.PENDING_APPROVAL);
        assertThat(pending.getStatus().getException().getState()).isEqualTo(ExceptionState.PENDING);
        assertThat(pending.getStatus().getException().getMissing()).containsExactly("cto", "code-owners");
        assertThat(pending.getStatus().getEffectiveMode()).isNull();
        assertThat(configMap(client, namespace, "agent-session-hotfix")).as("no map while pending").isNull();

        long generation = pending.getMetadata().getGeneration();
        approve(namespace, "alice@example.com", "code-owners", "Approve", generation); // the engineer herself: never counts
        approve(namespace, "carol@example.com", "cto", "Approve", generation);
        AgentSession oneApproval = awaitSession(namespace, s -> s.getStatus().getException().getApprovals() != null);
        assertThat(oneApproval.getStatus().getPhase()).isEqualTo(SessionPhase.PENDING_APPROVAL);
        assertThat(oneApproval.getStatus().getException().getApprovals()).extracting(CountedApproval::getApprover)
                .containsExactly("carol@example.com");
        assertThat(oneApproval.getStatus().getException().getMissing()).containsExactly("code-owners");
        assertThat(configMap(client, namespace, "agent-session-hotfix")).isNull();

        AgentSessionApproval last = approve(namespace, "dave@example.com", "code-owners", "Approve", generation);
        Instant approvedAt = Instant.parse(last.getMetadata().getCreationTimestamp());
        long sent = System.nanoTime();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).until(() -> {
            var map = configMap(client, namespace, "agent-session-hotfix");
            return map != null && settingsOf(map).contains("\"defaultMode\": \"bypassPermissions\"");
        });
        LOG.infof("exception approved: map rendered %d ms after the last approval was created", (System.nanoTime() - sent) / 1_000_000);
        String settings = settingsOf(configMap(client, namespace, "agent-session-hotfix"));
        assertThat(settings).doesNotContain("disableBypassPermissionsMode");
        AgentSession admitted = awaitSession(namespace, s -> s.getStatus().getPhase() == SessionPhase.ADMITTED);
        assertThat(admitted.getStatus().getEffectiveMode()).isEqualTo(PermissionMode.BYPASS_PERMISSIONS);
        assertThat(admitted.getStatus().getException().getState()).isEqualTo(ExceptionState.APPROVED);
        assertThat(admitted.getStatus().getException().getMissing()).isNull();
        assertThat(admitted.getStatus().getException().getExpiresAt()).isEqualTo(approvedAt.plus(Duration.ofHours(8)).toString());
        assertThat(admitted.getStatus().getReason()).contains("approved by carol@example.com (cto), dave@example.com (code-owners)");
        await().atMost(WITHIN).until(() -> eventReasons(namespace).containsAll(List.of("ExceptionRequested", "ExceptionApproved", "Admitted")));

        approve(namespace, "bob@example.com", "code-owners", "Reject", generation);
        AgentSession rejected = awaitSession(namespace, s -> s.getStatus().getPhase() == SessionPhase.DOWNGRADED);
        assertThat(rejected.getStatus().getEffectiveMode()).isEqualTo(PermissionMode.ACCEPT_EDITS);
        assertThat(rejected.getStatus().getException().getState()).isEqualTo(ExceptionState.REJECTED);
        assertThat(rejected.getStatus().getReason()).startsWith("exception rejected by bob@example.com (code-owners)");
        await().atMost(WITHIN).until(() -> settingsOf(configMap(client, namespace, "agent-session-hotfix"))
                .contains("\"defaultMode\": \"acceptEdits\""));
        await().atMost(WITHIN).until(() -> eventReasons(namespace).contains("ExceptionRejected"));
        assertThat(MetricsScraper.sum(metrics, "agentpolicy_exception_approval_seconds_count") - approvalsTimedBefore).isEqualTo(1);
        assertThat(MetricsScraper.sum(metrics, "agentpolicy_exceptions_total") - exceptionsBefore)
                .as("requested, approved, rejected").isEqualTo(3);
    }

    @Test
    void anActiveEmergencyOverrideCapsAnApprovedException() {
        String policy = unique("tier-1-like");
        String namespace = tierOneLike(policy, "8h", "");
        admittedWithBothApprovals(namespace);

        String tier = client.namespaces().withName(namespace).get().getMetadata().getLabels().get(NamespaceBaselineTest.TIER_LABEL);
        applyPolicy(client, policy, """
                tiers: [%s]
                modes: {default: plan, allowed: [plan, default, acceptEdits], disableBypassPermissions: true, disableAuto: true, onViolation: Downgrade}
                seniority: {senior: {maxMode: acceptEdits, groups: [eng-senior]}}
                exceptions: {maxMode: bypassPermissions, approvals: [{groups: [cto]}, {groups: [code-owners]}], maxDuration: 8h}
                emergencyOverride: {maxMode: plan, reason: "INC-9 outage", expiresAt: "%s"}
                """.formatted(tier, Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        AgentSession capped = awaitSession(namespace, s -> s.getStatus().getPhase() == SessionPhase.DOWNGRADED);
        assertThat(capped.getStatus().getEffectiveMode()).isEqualTo(PermissionMode.PLAN);
        assertThat(capped.getStatus().getReason()).contains("no exception possible: emergency override caps at plan");
        await().atMost(WITHIN).until(() -> settingsOf(configMap(client, namespace, "agent-session-hotfix"))
                .contains("\"defaultMode\": \"plan\""));
    }

    @Test
    void anEditOfTheSessionVoidsEarlierApprovals() {
        String namespace = tierOneLike("8h");
        long first = admittedWithBothApprovals(namespace).getMetadata().getGeneration();

        // A merge patch without a resourceVersion, as `kubectl patch` sends it: the operator writes the status meanwhile.
        client.resources(AgentSession.class).inNamespace(namespace).withName("hotfix")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"taskType\":\"payments\"}}");
        AgentSession edited = awaitSession(namespace, s -> s.getStatus().getPhase() == SessionPhase.PENDING_APPROVAL);
        assertThat(edited.getMetadata().getGeneration()).isGreaterThan(first);
        assertThat(edited.getStatus().getException().getMissing()).containsExactly("cto", "code-owners");
        await().atMost(WITHIN).until(() -> configMap(client, namespace, "agent-session-hotfix") == null);
    }

    @Test
    void anApprovedExceptionLapsesAtItsExpiryAndTheMapIsRenderedAgain() {
        String namespace = tierOneLike("10s");
        AgentSession admitted = admittedWithBothApprovals(namespace);
        Instant expiresAt = Instant.parse(admitted.getStatus().getException().getExpiresAt());

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> {
            var map = configMap(client, namespace, "agent-session-hotfix");
            return map != null && settingsOf(map).contains("\"defaultMode\": \"acceptEdits\"");
        });
        LOG.infof("exception lapsed at %s: map re-rendered %d ms later", expiresAt, Duration.between(expiresAt, Instant.now()).toMillis());
        AgentSession lapsed = awaitSession(namespace, s -> s.getStatus().getPhase() == SessionPhase.DOWNGRADED);
        assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
        assertThat(lapsed.getStatus().getException().getState()).isEqualTo(ExceptionState.EXPIRED);
        assertThat(lapsed.getStatus().getReason()).startsWith("exception expired at " + expiresAt);
        assertThat(settingsOf(configMap(client, namespace, "agent-session-hotfix"))).contains("\"disableBypassPermissionsMode\": \"disable\"");
    }

    @Test
    void aSessionCreatedAgainUnderItsNameGetsNoneOfTheOldSessionsAnswers() {
        String namespace = tierOneLike("8h");
        AgentSession admitted = admittedWithBothApprovals(namespace);
        long generation = admitted.getMetadata().getGeneration();
        Instant approvedAt = admitted.getStatus().getException().getApprovals().stream().map(a -> Instant.parse(a.getAt()))
                .max(Comparator.naturalOrder()).orElseThrow();

        client.resources(AgentSession.class).inNamespace(namespace).withName("hotfix").delete();
        await().atMost(WITHIN).until(() -> client.resources(AgentSession.class).inNamespace(namespace).withName("hotfix").get() == null);
        // Creation times have one-second resolution: the new session is created in a later second than the answers.
        await().atMost(WITHIN).until(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(approvedAt));
        askForBypass(namespace); // generation 1 again, like the session the answers were for

        AgentSession recreated = awaitSession(namespace, s -> s.getStatus().getPhase() == SessionPhase.PENDING_APPROVAL);
        assertThat(recreated.getMetadata().getGeneration()).isEqualTo(generation);
        assertThat(recreated.getStatus().getException().getApprovals()).isNullOrEmpty();
        assertThat(recreated.getStatus().getException().getMissing()).containsExactly("cto", "code-owners");
        await().atMost(WITHIN).until(() -> configMap(client, namespace, "agent-session-hotfix") == null);
    }

    @Test
    void aJuniorsDocsSessionIsRaisedWithoutApprovalButNeverBeyondTheAllowedSet() {
        String tier = unique("raise");
        applyPolicy(client, unique("tier-3-like"), """
                tiers: [%s]
                modes: {default: default, allowed: [plan, default, acceptEdits], onViolation: Downgrade}
                seniority: {junior: {maxMode: plan}}
                taskOverrides: [{taskTypes: [docs], raiseTo: bypassPermissions}]
                """.formatted(tier));
        String namespace = createNamespace(client, unique("raise"), NamespaceBaselineTest.TIER_LABEL, tier).getMetadata().getName();
        for (String requested : List.of("acceptEdits", "bypassPermissions")) {
            client.resource(Resources.loadAll("""
                    apiVersion: agentpolicy.io/v1alpha1
                    kind: AgentSession
                    metadata: {name: docs-%s, namespace: %s}
                    spec: {engineer: junior@example.com, requestedMode: %s, taskType: Docs}
                    """.formatted(requested.toLowerCase(java.util.Locale.ROOT), namespace, requested), AgentSession.class).get(0)).create();
        }
        await().atMost(WITHIN).untilAsserted(() -> {
            AgentSession asked = client.resources(AgentSession.class).inNamespace(namespace).withName("docs-acceptedits").get();
            assertThat(asked.getStatus()).as("status written").isNotNull();
            assertThat(asked.getStatus().getPhase()).isEqualTo(SessionPhase.ADMITTED);
            assertThat(asked.getStatus().getEffectiveMode().value()).isEqualTo("acceptEdits");
            AgentSession beyond = client.resources(AgentSession.class).inNamespace(namespace).withName("docs-bypasspermissions").get();
            assertThat(beyond.getStatus()).as("status written").isNotNull();
            assertThat(beyond.getStatus().getPhase()).as("raised only within the allowed set").isEqualTo(SessionPhase.DOWNGRADED);
            assertThat(beyond.getStatus().getEffectiveMode().value()).isEqualTo("acceptEdits");
        });
    }

    /** The session asks for bypass, the CTO and a code owner approve it: Admitted. */
    private AgentSession admittedWithBothApprovals(String namespace) {
        askForBypass(namespace);
        long generation = awaitSession(namespace, s -> s.getStatus().getPhase() == SessionPhase.PENDING_APPROVAL).getMetadata().getGeneration();
        approve(namespace, "carol@example.com", "cto", "Approve", generation);
        approve(namespace, "dave@example.com", "code-owners", "Approve", generation);
        return awaitSession(namespace, s -> s.getStatus().getPhase() == SessionPhase.ADMITTED);
    }

    private void askForBypass(String namespace) {
        client.resource(Resources.loadAll("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: hotfix, namespace: %s}
                spec:
                  engineer: alice@example.com
                  groups: [eng-senior]
                  requestedMode: bypassPermissions
                  taskType: hotfix
                  exception: {reason: "INC-1234 payments hotfix"}
                """.formatted(namespace), AgentSession.class).get(0)).create();
    }

    private AgentSessionApproval approve(String namespace, String approver, String group, String decision, long generation) {
        return client.resource(Resources.loadAll("""
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSessionApproval
                metadata: {name: hotfix-%s, namespace: %s}
                spec: {session: hotfix, sessionGeneration: %d, approver: %s, groups: [%s], decision: %s}
                """.formatted(approver.split("@")[0] + "-" + generation, namespace, generation, approver, group, decision),
                AgentSessionApproval.class).get(0)).create();
    }

    private AgentSession awaitSession(String namespace, java.util.function.Predicate<AgentSession> condition) {
        return await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).until(
                () -> client.resources(AgentSession.class).inNamespace(namespace).withName("hotfix").get(),
                s -> s != null && s.getStatus() != null && s.getStatus().getPhase() != null
                        && (s.getStatus().getException() != null || s.getStatus().getPhase() != SessionPhase.PENDING_APPROVAL)
                        && condition.test(s));
    }

    private List<String> eventReasons(String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "hotfix".equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
    }
}
