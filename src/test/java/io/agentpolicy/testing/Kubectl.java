package io.agentpolicy.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The kubectl built with the control plane, run against the test cluster: for the things users do with kubectl
 * itself (apply with strict field validation, impersonation with --as / --as-group).
 */
public final class Kubectl {

    /** What a kubectl (or helm, or shell) run printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    private Kubectl() {
    }

    /** Runs kubectl with the given arguments, feeding stdin (may be null). */
    public static Result run(String stdin, String... arguments) {
        return runWith(Map.of(), stdin, arguments);
    }

    /** Runs kubectl with extra environment variables (e.g. KUBE_EDITOR for a scripted `kubectl edit`). */
    public static Result runWith(Map<String, String> environment, String stdin, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.add("--kubeconfig=" + TestCluster.get().kubeconfig());
        command.addAll(List.of(arguments));
        return execute(command, stdin, environment);
    }

    /**
     * Runs a bash script as a user would after `eval "$(hack/local-cluster.sh env)"`: KUBECONFIG points at the test
     * cluster and PATH starts with its kubectl and helm. For commands documented in examples and READMEs.
     */
    public static Result shell(String script) {
        TestCluster cluster = TestCluster.get();
        String path = binary().getParent() + File.pathSeparator + cluster.binary("HELM").getParent() + File.pathSeparator
                + System.getenv("PATH");
        return execute(List.of("bash", "-euo", "pipefail", "-c", script), null,
                Map.of("KUBECONFIG", cluster.kubeconfig().toString(), "PATH", path));
    }

    /** Runs a command to its end (at most two minutes), feeding stdin (may be null), with extra environment. */
    public static Result execute(List<String> command, String stdin, Map<String, String> environment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("did not finish: " + command);
            }
            return new Result(process.exitValue(), out, err);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kubectl apply -f - of the manifest, optionally as another user with groups. */
    public static Result apply(String manifest, String asUser, String... asGroups) {
        List<String> arguments = new ArrayList<>(List.of("apply", "-f", "-"));
        if (asUser != null) {
            arguments.add("--as=" + asUser);
            for (String group : asGroups) {
                arguments.add("--as-group=" + group);
            }
        }
        return run(manifest, arguments.toArray(String[]::new));
    }

    private static Path binary() {
        return TestCluster.get().binary("KUBECTL");
    }
}
