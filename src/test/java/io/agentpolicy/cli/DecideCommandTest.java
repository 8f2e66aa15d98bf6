package io.agentpolicy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

/** decide prints the operator's decision for one AgentSession: phase, effective mode, reason. */
class DecideCommandTest {
    private static final String MID_REFACTOR = "src/test/resources/cli/sessions/mid-engineer-refactor.yaml";
    private static final String SENIOR_MIGRATION = "src/test/resources/cli/sessions/senior-payments-migration.yaml";
    private static final String NOW = "2026-11-21T10:00:00Z";

    @ParameterizedTest(name = "tier {0}: {1} {2}")
    @CsvSource({
            "1, Denied,     , requested acceptEdits; seniority mid caps tier 1 at default (policy tier-1-critical); denied",
            "2, Downgraded, default, requested acceptEdits; seniority mid caps tier 2 at default (policy tier-2-standard); downgraded to default",
            "3, Admitted,   acceptEdits, 'requested acceptEdits; within tier 3''s allowed modes and caps (policies org-baseline, tier-3-internal)'",
            "4, Admitted,   acceptEdits, 'requested acceptEdits; within tier 4''s allowed modes and caps (policies org-baseline, tier-4-sandbox)'" })
    void decidesAMidEngineerAskingForAcceptEditsInEachExampleTier(String tier, String phase, String mode, String reason) throws IOException {
        JsonNode decision = decideAsJson("examples/policies", "--session", MID_REFACTOR, "--tier", tier, "--now", NOW);

        assertThat(decision.path("phase").asText()).isEqualTo(phase);
        assertThat(decision.path("effectiveMode").isNull() ? null : decision.path("effectiveMode").asText()).isEqualTo(mode);
        assertThat(decision.path("reason").asText()).isEqualTo(reason);
        assertThat(decision.path("tier").asText()).isEqualTo(tier);
        assertThat(decision.path("seniority").asText()).isEqualTo("mid");
    }

    private static final String EXCEPTIONS = "src/test/resources/cli/exceptions/";

    @Test
    void approvalsFromFilesAdmitAnExceptionOnceEveryEntryIsMet() throws IOException {
        JsonNode pending = decideAsJson(EXCEPTIONS + "tier-1.yaml", "-s", EXCEPTIONS + "hotfix.yaml", "--tier", "1", "--now", NOW,
                "-a", EXCEPTIONS + "carol-approves.yaml");
        assertThat(pending.path("phase").asText()).isEqualTo("PendingApproval");
        assertThat(pending.path("exception").path("missing").toString()).isEqualTo("[\"payments-code-owners\"]");

        JsonNode admitted = decideAsJson(EXCEPTIONS + "tier-1.yaml", "-s", EXCEPTIONS + "hotfix.yaml", "--tier", "1", "--now", NOW,
                "-a", EXCEPTIONS + "carol-approves.yaml", "--approvals", EXCEPTIONS + "dave-approves.yaml");
        assertThat(admitted.path("phase").asText()).isEqualTo("Admitted");
        assertThat(admitted.path("effectiveMode").asText()).isEqualTo("bypassPermissions");
        assertThat(admitted.path("exception").path("expiresAt").asText()).isEqualTo("2026-11-21T17:00:00Z");
    }

    @Test
    void printsThePendingExceptionAsStatusLines() {
        Cli.Result result = Cli.run("decide", EXCEPTIONS + "tier-1.yaml", "-s", EXCEPTIONS + "hotfix.yaml", "--tier", "1",
                "--now", NOW, "-a", EXCEPTIONS + "carol-approves.yaml");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("""
                phase: PendingApproval
                effectiveMode: (none)
                """).endsWith("""
                exception.state: Pending
                exception.approvals: carol@example.com (cto) at 2026-11-21T09:00:00Z
                exception.missing: payments-code-owners
                exception.expiresAt: (none)
                """);
    }

    @Test
    void printsTheDecisionAsStatusLines() {
        Cli.Result result = Cli.run("decide", "examples/policies", "-s", MID_REFACTOR, "--tier", "2", "--now", NOW);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("""
                phase: Downgraded
                effectiveMode: default
                reason: requested acceptEdits; seniority mid caps tier 2 at default (policy tier-2-standard); downgraded to default
                tier: 2
                seniority: mid
                policies: org-baseline, tier-2-standard
                policyViolation: false
                """);
    }

    @Test
    void decidesInTheSessionsOwnNamespaceFoundAmongTheInputs() throws IOException {
        JsonNode decision = decideAsJson("examples", "--session", SENIOR_MIGRATION, "--now", NOW);

        assertThat(decision.path("phase").asText()).isEqualTo("Denied");
        assertThat(decision.path("reason").asText()).isEqualTo("tier 1 does not allow bypassPermissions (policy tier-1-critical); "
                + "task type schema-migration is capped at plan (policy org-baseline); denied");
    }

    @Test
    void groupsGivenOnTheCommandLineReplaceTheSessionsGroups() throws IOException {
        JsonNode decision = decideAsJson("examples/policies", "--session", MID_REFACTOR, "--tier", "2", "--groups", "eng-senior",
                "--now", NOW);

        assertThat(decision.path("seniority").asText()).isEqualTo("senior");
        assertThat(decision.path("phase").asText()).isEqualTo("Admitted");
        assertThat(decision.path("effectiveMode").asText()).isEqualTo("acceptEdits");
    }

    @Test
    void aSessionPastItsExpiryIsExpired() throws IOException {
        JsonNode decision = decideAsJson("examples/policies", "--session", SENIOR_MIGRATION, "--now", "2026-11-21T18:00:00Z",
                "--namespace-file", "examples/namespaces.yaml");

        assertThat(decision.path("phase").asText()).isEqualTo("Expired");
        assertThat(decision.path("effectiveMode").isNull()).isTrue();
    }

    @Test
    void anUnlabelledNamespaceIsDecidedAsTheUnclassifiedTier() throws IOException {
        JsonNode failClosed = decideAsJson("examples/policies", "-s", MID_REFACTOR, "-n", "scratch", "-l", "team=data", "--now", NOW);
        JsonNode configured = decideAsJson("examples/policies", "-s", MID_REFACTOR, "-n", "scratch", "-l", "team=data", "--now", NOW,
                "--unclassified-tier", "4");

        assertThat(failClosed.path("tier").asText()).isEqualTo("1");
        assertThat(failClosed.path("phase").asText()).isEqualTo("Denied");
        assertThat(configured.path("tier").asText()).isEqualTo("4");
        assertThat(configured.path("phase").asText()).isEqualTo("Admitted");
    }

    @Test
    void refusesAnInvalidSession(@TempDir Path dir) throws IOException {
        Path session = Files.writeString(dir.resolve("session.yaml"), """
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentSession
                metadata: {name: no-engineer}
                spec:
                  requestedMode: plan
                """);

        Cli.Result result = Cli.run("decide", "examples/policies", "-s", session.toString(), "--tier", "1");

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_INVALID);
        assertThat(result.out()).isEmpty();
        assertThat(result.errorLines()).containsExactly(session + ":4: error: AgentSession no-engineer: spec.engineer: is required");
    }

    @Test
    void needsExactlyOneSessionInTheSessionFile() {
        Cli.Result result = Cli.run("decide", "examples/policies", "-s", "examples/namespaces.yaml", "--tier", "1");

        assertThat(result.exitCode()).isEqualTo(AgentPolicyCli.EXIT_CANNOT_RUN);
        assertThat(result.err()).isEqualTo("error: examples/namespaces.yaml: holds 0 AgentSessions; give a file with exactly one\n");
    }

    private static final String SENIOR_HOTFIX = "examples/sessions/senior-hotfix-orders.yaml";
    private static final String INCIDENT = "examples/incidents/inc-1234-sam.yaml";

    @Test
    void anIncidentFromAFileEscalatesTheSessionsEngineer() throws IOException {
        JsonNode clean = decideAsJson("examples/policies", "-s", SENIOR_HOTFIX, "--tier", "2", "--now", "2026-12-02T10:00:00Z");
        assertThat(clean.path("effectiveMode").asText()).isEqualTo("acceptEdits");
        assertThat(clean.has("escalatedFrom")).isFalse();

        JsonNode escalated = decideAsJson("examples/policies", "-s", SENIOR_HOTFIX, "--tier", "2", "--now", "2026-12-02T10:00:00Z",
                "-i", INCIDENT);
        assertThat(escalated.path("effectiveMode").asText()).isEqualTo("default");
        assertThat(escalated.path("seniority").asText()).isEqualTo("mid");
        assertThat(escalated.path("escalatedFrom").asText()).isEqualTo("senior");
        assertThat(escalated.path("reason").asText()).isEqualTo("escalated from senior to mid in orders: critical incident "
                + "inc-1234-sam on 2026-12-01; 0 of 5 clean sessions since, or lifted on 2027-03-01 without a new incident "
                + "(policy org-baseline); requested acceptEdits; seniority mid caps tier 2 at default (policy tier-2-standard); "
                + "downgraded to default");

        JsonNode quiet = decideAsJson("examples/policies", "-s", SENIOR_HOTFIX, "--tier", "2", "--now", "2027-03-01T10:00:00Z",
                "-i", INCIDENT);
        assertThat(quiet.path("effectiveMode").asText()).as("90 days without a new incident").isEqualTo("acceptEdits");
    }

    @Test
    void anIncidentNotYetOccurredAtNowDoesNotCountYet() throws IOException {
        JsonNode before = decideAsJson("examples/policies", "-s", SENIOR_HOTFIX, "--tier", "2", "--now", "2026-11-30T10:00:00Z",
                "-i", INCIDENT);
        assertThat(before.path("effectiveMode").asText()).isEqualTo("acceptEdits");
    }

    @Test
    void anIncidentThatCannotCountIsAnError(@TempDir Path dir) throws IOException {
        Path future = Files.writeString(dir.resolve("incident.yaml"), """
                apiVersion: agentpolicy.io/v1alpha1
                kind: AgentIncident
                metadata: {name: tomorrow, namespace: orders, creationTimestamp: "2026-12-02T10:00:00Z"}
                spec: {engineer: sam@example.com, severity: Critical, occurredAt: "2026-12-03T10:00:00Z"}
                """);
        Cli.Result result = Cli.run("decide", "examples/policies", "-s", SENIOR_HOTFIX, "--tier", "2", "--now", "2026-12-02T10:00:00Z",
                "-i", future.toString());
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).contains("spec.occurredAt 2026-12-03T10:00:00Z is after the incident was recorded");
    }

    private static JsonNode decideAsJson(String... args) throws IOException {
        String[] all = new String[args.length + 3];
        all[0] = "decide";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--output";
        all[args.length + 2] = "json";
        Cli.Result result = Cli.run(all);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return Json.MAPPER.readTree(result.out());
    }
}
