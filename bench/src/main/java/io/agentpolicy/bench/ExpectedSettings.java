package io.agentpolicy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The managed-settings.json each tier's baseline map must hold, byte for byte, as the offline CLI of the same build
 * renders it (java -jar agentpolicy-cli.jar render POLICIES --tier T): the benchmark never re-implements the engine.
 */
final class ExpectedSettings {
    static final List<String> TIERS = List.of("1", "2", "3", "4");

    private ExpectedSettings() {
    }

    /** Tier to expected JSON, rendered from the policy files in the directory. */
    static Map<String, String> render(Path cliJar, Path policies) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String tier : TIERS) {
            expected.put(tier, cli(cliJar, "render", policies.toString(), "--tier", tier));
        }
        return expected;
    }

    /**
     * Tier to the status fields the operator derives from its decision on that tier's session (phase, effectiveMode,
     * reason, tier, seniority, policies, policyViolation), as java -jar agentpolicy-cli.jar decide prints them.
     */
    static Map<String, Map<String, Object>> decisions(Path cliJar, Path policies, Scenario scenario, Path directory) throws IOException {
        Files.createDirectories(directory);
        Map<String, Map<String, Object>> decisions = new LinkedHashMap<>();
        for (String tier : TIERS) {
            Path session = directory.resolve("session-tier-" + tier + ".yaml");
            Files.writeString(session, Serialization.asYaml(scenario.session(scenario.namespacesOfTier(tier).get(0))));
            decisions.put(tier, Benchmark.JSON.readValue(cli(cliJar, "decide", policies.toString(), "--session", session.toString(),
                    "--tier", tier, "-o", "json"), new TypeReference<Map<String, Object>>() {
                    }));
        }
        return decisions;
    }

    /** Writes the PermissionPolicies as they are in the cluster now (name and spec) into a directory, for the CLI. */
    static Path writePolicies(KubernetesClient client, Path directory) throws IOException {
        Files.createDirectories(directory);
        for (GenericKubernetesResource policy : client.genericKubernetesResources(Scenario.API_VERSION, "PermissionPolicy").list().getItems()) {
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("apiVersion", Scenario.API_VERSION);
            manifest.put("kind", "PermissionPolicy");
            manifest.put("metadata", Map.of("name", policy.getMetadata().getName()));
            manifest.put("spec", policy.getAdditionalProperties().get("spec"));
            Files.writeString(directory.resolve(policy.getMetadata().getName() + ".yaml"), Serialization.asYaml(manifest));
        }
        return directory;
    }

    private static String cli(Path cliJar, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(javaExecutable(), "-jar", cliJar.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + process.exitValue());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The java of this JVM, so the CLI and the operator run on the same runtime as the benchmark. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
