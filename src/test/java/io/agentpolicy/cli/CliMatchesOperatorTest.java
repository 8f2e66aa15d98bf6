package io.agentpolicy.cli;

import static io.agentpolicy.testing.Resources.configMap;
import static io.agentpolicy.testing.Resources.settingsOf;
import static io.agentpolicy.testing.Resources.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.testing.OperatorTestResource;
import io.agentpolicy.testing.Resources;
import io.agentpolicy.testing.TestCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The CLI and the operator cannot disagree: for every example namespace, render prints byte for byte the map the
 * operator writes on a real API server, and decide prints the status the operator gives every example session.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class CliMatchesOperatorTest {
    private static final String MAP = "agent-managed-settings";
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final Path POLICIES = Path.of("examples/policies");
    private static final Path NAMESPACES = Path.of("examples/namespaces.yaml");
    private static final Path SESSIONS = Path.of("examples/sessions");

    final KubernetesClient client = TestCluster.get().admin();

    @Test
    void renderPrintsTheMapTheOperatorWritesForEveryExampleNamespace() throws IOException {
        applyExamplePolicies();
        List<Namespace> namespaces = new ArrayList<>();
        for (HasMetadata example : Resources.loadFile(client, NAMESPACES)) {
            namespaces.add(createLike(example, unique(example.getMetadata().getName())));
        }
        assertThat(namespaces).hasSize(4);

        for (Namespace namespace : namespaces) {
            String name = namespace.getMetadata().getName();
            await().atMost(WITHIN).until(() -> configMap(client, name, MAP) != null);
            String written = settingsOf(configMap(client, name, MAP));

            Cli.Result rendered = Cli.run(withNamespace(namespace, "render", POLICIES.toString()));

            assertThat(rendered.exitCode()).as(rendered.toString()).isZero();
            assertThat(rendered.out().getBytes(StandardCharsets.UTF_8)).as("render for namespace %s", name)
                    .isEqualTo(written.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void decidePrintsTheStatusTheOperatorGivesEveryExampleSession() throws IOException {
        applyExamplePolicies();
        Map<String, HasMetadata> exampleNamespaces = new HashMap<>();
        Resources.loadFile(client, NAMESPACES).forEach(ns -> exampleNamespaces.put(ns.getMetadata().getName(), ns));
        List<Path> sessionFiles;
        try (Stream<Path> files = Files.list(SESSIONS)) {
            sessionFiles = files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(sessionFiles).as("example sessions in %s", SESSIONS).isNotEmpty();

        for (Path file : sessionFiles) {
            AgentSession session = client.resources(AgentSession.class).load(Files.newInputStream(file)).item();
            HasMetadata example = exampleNamespaces.get(session.getMetadata().getNamespace());
            assertThat(example).as("%s names an example namespace", file).isNotNull();
            Namespace namespace = createLike(example, unique(example.getMetadata().getName()));
            String name = namespace.getMetadata().getName();
            session.getMetadata().setNamespace(name);
            client.resource(session).create();
            await().atMost(WITHIN).until(() -> {
                AgentSession decided = client.resources(AgentSession.class).inNamespace(name)
                        .withName(session.getMetadata().getName()).get();
                return decided.getStatus() != null && decided.getStatus().getPhase() != null
                        && decided.getStatus().getPhase() != SessionPhase.PENDING;
            });
            AgentSession decided = client.resources(AgentSession.class).inNamespace(name).withName(session.getMetadata().getName()).get();

            Cli.Result result = Cli.run(withNamespace(namespace, "decide", POLICIES.toString(), "--session", file.toString(),
                    "--output", "json"));

            assertThat(result.exitCode()).as(result.toString()).isZero();
            JsonNode cli = Json.MAPPER.readTree(result.out());
            assertThat(cli.path("phase").asText()).as("phase of %s", file).isEqualTo(decided.getStatus().getPhase().value());
            assertThat(cli.path("effectiveMode").isNull() ? null : cli.path("effectiveMode").asText()).as("effectiveMode of %s", file)
                    .isEqualTo(decided.getStatus().getEffectiveMode() == null ? null : decided.getStatus().getEffectiveMode().value());
            assertThat(cli.path("reason").asText()).as("reason of %s", file).isEqualTo(decided.getStatus().getReason());
        }
    }

    /** The example policies, applied the way a GitOps tool would (server-side apply of the files as they are). */
    private void applyExamplePolicies() throws IOException {
        try (Stream<Path> files = Files.list(POLICIES)) {
            for (Path file : files.sorted().toList()) {
                for (HasMetadata policy : Resources.loadFile(client, file)) {
                    client.resource(policy).fieldManager(Resources.TEST_MANAGER).forceConflicts().serverSideApply();
                }
            }
        }
    }

    /** A fresh namespace with the example's labels (namespaces never finish deleting, so each test makes its own). */
    private Namespace createLike(HasMetadata example, String name) {
        return client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .withLabels(example.getMetadata().getLabels()).endMetadata().build()).create();
    }

    /** The command with the namespace as the API server holds it: its name and every label. */
    private static String[] withNamespace(Namespace namespace, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.add("-n");
        args.add(namespace.getMetadata().getName());
        namespace.getMetadata().getLabels().forEach((key, value) -> {
            args.add("--label");
            args.add(key + "=" + value);
        });
        return args.toArray(String[]::new);
    }
}
