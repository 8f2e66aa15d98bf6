package io.agentpolicy.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The helm built with the control plane, run against the test cluster, and the chart it installs. */
public final class Helm {
    public static final Path CHART = Path.of("helm/agent-policy-operator");

    private Helm() {
    }

    /**
     * Runs helm with the given arguments against the test cluster. Commands that render without asking the cluster
     * (template, lint) render for the test cluster's Kubernetes version, as the chart requires 1.36.
     */
    public static Kubectl.Result run(String... arguments) {
        TestCluster cluster = TestCluster.get();
        List<String> command = new ArrayList<>();
        command.add(cluster.binary("HELM").toString());
        command.add("--kubeconfig=" + cluster.kubeconfig());
        command.addAll(List.of(arguments));
        if (arguments.length > 0 && List.of("template", "lint").contains(arguments[0])) {
            command.add("--kube-version=" + cluster.version());
        }
        return Kubectl.execute(command, null, Map.of());
    }

    /** helm install of the chart as the release into a namespace it creates; fails the caller when helm fails. */
    public static Kubectl.Result install(String release, String namespace, String... moreArguments) {
        // The incident recorder's ClusterRole has a fixed name by default: one per release keeps several installs apart.
        List<String> arguments = new ArrayList<>(List.of("install", release, CHART.toString(), "-n", namespace, "--create-namespace",
                "--set", "incidentRecorderRole.name=" + release + "-incident-recorder"));
        arguments.addAll(List.of(moreArguments));
        Kubectl.Result result = run(arguments.toArray(String[]::new));
        if (!result.succeeded()) {
            throw new IllegalStateException("helm install " + release + " failed:\n" + result.stdout() + result.stderr());
        }
        return result;
    }
}
