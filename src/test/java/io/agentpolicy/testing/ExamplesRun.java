package io.agentpolicy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The examples run step by step, as the tests of reports and metrics need them: policies first (so every session is
 * decided once, under all of its policies), then the sessions, the agent pod, and the example exception approved by
 * its two approvers. Each step waits for what the operator does with it.
 */
public final class ExamplesRun {
    public static final Path EXAMPLES = Path.of("examples");
    public static final String EXCEPTION_SESSION = "payments/senior-bypass";
    private static final Duration WITHIN = Duration.ofSeconds(30);

    private ExamplesRun() {
    }

    /** Namespaces and policies, then (once every baseline map is there) the sessions, then the agent pod. */
    public static void applyPoliciesThenSessions(KubernetesClient client) {
        applyPolicies(client);
        apply(null, "-f", EXAMPLES.resolve("sessions").toString());
        ExampleSessions.OUTCOMES.forEach((id, outcome) -> await().atMost(WITHIN).untilAsserted(() -> assertThat(outcomeOf(session(client, id)))
                .as(id).isEqualTo(outcome)));
        // The API server enforces admission policies a moment after they are stored: a dry run shows when it mounts.
        String pod = EXAMPLES.resolve("pods/agent-pod.yaml").toString();
        await().atMost(WITHIN).until(() -> Kubectl.run(null, "apply", "--server-side", "--dry-run=server", "-o",
                "jsonpath={.spec.containers[0].volumeMounts}", "-f", pod).stdout().contains("agentpolicy-managed-settings"));
        apply(null, "-f", pod);
        await().atMost(WITHIN).until(() -> {
            AgentSession review = session(client, "payments/mid-review");
            return review.getStatus().getPods() != null && review.getStatus().getPods().getCompliant() == 1;
        });
    }

    /** The example namespaces, policies and RBAC (sessions and approvers); waits until every baseline map is there. */
    public static void applyPolicies(KubernetesClient client) {
        apply(null, "-f", EXAMPLES.resolve("namespaces.yaml").toString(), "-f", EXAMPLES.resolve("policies").toString(),
                "-f", EXAMPLES.resolve("rbac").toString(), "-f", EXAMPLES.resolve("exceptions/approvers.yaml").toString());
        for (String namespace : List.of("payments", "orders", "analytics", "sandbox")) {
            await().atMost(WITHIN).until(() -> Resources.configMap(client, namespace, "agent-managed-settings") != null);
        }
    }

    /** The example exception: the session waits for the CTO, then for a code owner, then runs as bypassPermissions. */
    public static void approveTheExampleException(KubernetesClient client) {
        apply(null, "-f", EXAMPLES.resolve("exceptions/senior-bypass-payments.yaml").toString());
        await().atMost(WITHIN).until(() -> outcomeOf(session(client, EXCEPTION_SESSION)).equals("PendingApproval:null"));
        String approvals = EXAMPLES.resolve("exceptions/approvals.yaml").toString();
        // The API server enforces the generated approval policy a moment after it is stored.
        await().atMost(WITHIN).until(() -> Kubectl.run(null, "apply", "-f", approvals, "-l", "approver=carol",
                "--as", "carol@example.com", "--as-group", "cto").succeeded());
        await().atMost(WITHIN).until(() -> List.of("payments-code-owners")
                .equals(session(client, EXCEPTION_SESSION).getStatus().getException().getMissing()));
        Kubectl.Result second = Kubectl.run(null, "apply", "-f", approvals, "-l", "approver=dana", "--as", "dana@example.com",
                "--as-group", "payments-code-owners");
        assertThat(second.succeeded()).as(second.stderr()).isTrue();
        await().atMost(WITHIN).until(() -> outcomeOf(session(client, EXCEPTION_SESSION)).equals("Admitted:bypassPermissions"));
    }

    /** A break-glass edit of the mid-review session's map (payments, tier 1); waits until Enforce has put it back. */
    public static void editTheReviewSessionMap(KubernetesClient client) {
        String map = "agent-session-mid-review";
        String rendered = Resources.settingsOf(Resources.configMap(client, "payments", map));
        Kubectl.Result edit = Kubectl.run(null, "-n", "payments", "patch", "configmap", map, "--type=merge",
                "-p", "{\"data\":{\"managed-settings.json\":\"{}\"}}");
        assertThat(edit.succeeded()).as(edit.stderr()).isTrue();
        await().atMost(WITHIN).until(() -> rendered.equals(Resources.settingsOf(Resources.configMap(client, "payments", map))));
    }

    /**
     * Deletes the example sessions, the exception's approvals (an approval names a session and its generation: left
     * behind, it would approve a new session of the same name at once) and the agent pod, and waits until they are gone.
     */
    public static void removeSessions(KubernetesClient client) {
        client.pods().inNamespace("payments").withName("mid-review-agent").withGracePeriod(0).delete();
        List<String> ids = new ArrayList<>(ExampleSessions.OUTCOMES.keySet());
        ids.add(EXCEPTION_SESSION);
        ids.forEach(id -> client.resources(AgentSession.class).inNamespace(id.split("/")[0]).withName(id.split("/")[1]).delete());
        client.resources(AgentSessionApproval.class).inNamespace("payments").withLabel("approver").delete();
        await().atMost(WITHIN).until(() -> ids.stream().allMatch(id -> session(client, id) == null)
                && client.pods().inNamespace("payments").withName("mid-review-agent").get() == null
                && client.resources(AgentSessionApproval.class).inNamespace("payments").withLabel("approver").list().getItems().isEmpty());
    }

    public static AgentSession session(KubernetesClient client, String id) {
        String[] parts = id.split("/");
        return client.resources(AgentSession.class).inNamespace(parts[0]).withName(parts[1]).get();
    }

    /** "Phase:effectiveMode", "-" while undecided. */
    public static String outcomeOf(AgentSession session) {
        return session == null || session.getStatus() == null || session.getStatus().getPhase() == null ? "-"
                : session.getStatus().getPhase().value() + ":" + session.getStatus().getEffectiveMode();
    }

    private static void apply(String stdin, String... arguments) {
        List<String> command = new ArrayList<>(List.of("apply", "--server-side"));
        command.addAll(List.of(arguments));
        Kubectl.Result result = Kubectl.run(stdin, command.toArray(String[]::new));
        assertThat(result.succeeded()).as(result.stderr()).isTrue();
    }
}
