package io.agentpolicy.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The real control plane the integration tests run against: etcd and kube-apiserver started by
 * hack/local-cluster.sh (the same script users and the benchmark use) in a private directory on free loopback
 * ports, once per test JVM, with the committed CRDs installed. The binaries are built by hack/kube-binaries.sh
 * when missing.
 */
public final class TestCluster {
    private static final Logger LOG = Logger.getLogger(TestCluster.class);
    private static final String STATE_PREFIX = "agentpolicy-cluster";
    /** The test JVM that started a cluster: a cluster whose JVM died (killed, timed out) is stopped by the next run. */
    private static final String OWNER_FILE = "owner.pid";
    private static TestCluster instance;
    private static TestCluster withNode;

    private final Path stateDirectory;
    private final Map<String, String> scriptEnvironment;
    private final Path kubeconfig;
    private final KubernetesClient admin;
    private final String version;

    private TestCluster(Path stateDirectory, int apiPort, int etcdPort, boolean node) {
        this.stateDirectory = stateDirectory;
        // one node per machine: a node test of another run on the machine is waited for, up to 15 minutes
        this.scriptEnvironment = Map.of("LOCAL_CLUSTER_DIR", stateDirectory.toString(),
                "LOCAL_CLUSTER_PORT", String.valueOf(apiPort), "LOCAL_ETCD_PORT", String.valueOf(etcdPort),
                "LOCAL_NODE_WAIT", node ? "900" : "0");
        long start = System.nanoTime();
        runScript(scriptEnvironment, node ? new String[] {"up", "--with-node"} : new String[] {"up"});
        this.kubeconfig = stateDirectory.resolve("admin.kubeconfig");
        this.admin = new KubernetesClientBuilder().withConfig(configFor(null)).build();
        this.version = admin.getKubernetesVersion().getGitVersion();
        if (node) {
            // the chart installs the CRDs, as it does for users
            LOG.infof("Integration tests run against a real kube-apiserver %s + etcd at %s with a node (containerd, kubelet, "
                    + "controller-manager, scheduler), started in %d ms", version, admin.getMasterUrl(), (System.nanoTime() - start) / 1_000_000);
        } else {
            LOG.infof("Integration tests run against a real kube-apiserver %s + etcd at %s", version, admin.getMasterUrl());
            installCrds(Path.of("crds"));
        }
    }

    /** The shared cluster, started on first use and stopped when the JVM exits. */
    public static synchronized TestCluster get() {
        if (instance == null) {
            instance = start(false);
        }
        return instance;
    }

    /**
     * A second cluster with a node (hack/local-cluster.sh up --with-node), started on first use and stopped when
     * the JVM exits; no CRDs installed. A machine where the node cannot start fails the caller with the script's
     * reason (e.g. no root, another node running, the kubelet not Ready).
     */
    public static synchronized TestCluster withNode() {
        if (withNode == null) {
            withNode = start(true);
        }
        return withNode;
    }

    private static TestCluster start(boolean node) {
        TestCluster cluster;
        Path state = null;
        try {
            stopClustersOfDeadTestRuns();
            int etcdPort = freePortPair();
            state = Files.createTempDirectory(STATE_PREFIX);
            Files.writeString(state.resolve(OWNER_FILE), String.valueOf(ProcessHandle.current().pid()));
            cluster = new TestCluster(state, freePort(), etcdPort, node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test cluster", e);
        } catch (RuntimeException e) {
            // a node that could not start leaves a running control plane behind
            if (state != null) {
                runScript(Map.of("LOCAL_CLUSTER_DIR", state.toString()), "down");
            }
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
        return cluster;
    }

    /** kubectl against this cluster, feeding stdin (may be null). */
    public Kubectl.Result kubectl(String stdin, String... arguments) {
        List<String> command = new ArrayList<>(List.of(binary("KUBECTL").toString(), "--kubeconfig=" + kubeconfig));
        command.addAll(List.of(arguments));
        return Kubectl.execute(command, stdin, Map.of());
    }

    /** helm against this cluster. */
    public Kubectl.Result helm(String... arguments) {
        List<String> command = new ArrayList<>(List.of(binary("HELM").toString(), "--kubeconfig=" + kubeconfig));
        command.addAll(List.of(arguments));
        return Kubectl.execute(command, null, Map.of());
    }

    /** Loads an OCI image archive into the node's containerd (hack/local-cluster.sh import-image). */
    public void importImage(Path archive) {
        runScript(scriptEnvironment, "import-image", archive.toString());
    }

    /** A client authenticated as cluster admin (group system:masters). */
    public KubernetesClient admin() {
        return admin;
    }

    /** A client that impersonates the user with the groups, as `kubectl --as --as-group` does. */
    public KubernetesClient as(String user, String... groups) {
        return new KubernetesClientBuilder().withConfig(configFor(user, groups)).build();
    }

    /** Connection settings for the admin, or for an impersonated user when user is not null. */
    public Config configFor(String user, String... groups) {
        try {
            Config base = Config.fromKubeconfig(Files.readString(kubeconfig));
            ConfigBuilder config = new ConfigBuilder(base).withRequestTimeout(30_000);
            if (user != null) {
                config.withImpersonateUsername(user).withImpersonateGroups(groups);
            }
            return config.build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** e.g. v1.36.4 */
    public String version() {
        return version;
    }

    /**
     * apiserver_request_total from the API server's /metrics, summed by verb, for requests on the given
     * resources (e.g. "configmaps"); all resources when none are given.
     */
    public Map<String, Long> requestsByVerb(String... resources) {
        Set<String> wanted = Set.of(resources);
        String metrics = admin.raw("/metrics");
        Map<String, Long> byVerb = new TreeMap<>();
        Matcher line = Pattern.compile("^apiserver_request_total\\{(.*)} (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        while (line.find()) {
            String verb = label(line.group(1), "verb");
            if (verb != null && (wanted.isEmpty() || wanted.contains(label(line.group(1), "resource")))) {
                byVerb.merge(verb, (long) Double.parseDouble(line.group(2)), Long::sum);
            }
        }
        return byVerb;
    }

    /** Write requests (POST, PUT, PATCH, DELETE) on the given resources. */
    public long writeRequests(String... resources) {
        return requestsByVerb(resources).entrySet().stream()
                .filter(e -> Set.of("POST", "PUT", "PATCH", "DELETE").contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static String label(String labels, String name) {
        Matcher value = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
        return value.find() ? value.group(1) : null;
    }

    /** Installs the CRDs in the files or directories (server-side apply) and waits until the API server serves them. */
    public void installCrds(Path... locations) {
        List<HasMetadata> crds = new ArrayList<>();
        try {
            for (Path location : locations) {
                List<Path> files;
                try (Stream<Path> listing = Files.isDirectory(location) ? Files.list(location) : Stream.of(location)) {
                    files = listing.sorted().toList();
                }
                for (Path file : files) {
                    crds.addAll(admin.load(Files.newInputStream(file)).items());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read CRDs from " + List.of(locations), e);
        }
        for (HasMetadata crd : crds) {
            admin.resource(crd).forceConflicts().serverSideApply();
            admin.resources(CustomResourceDefinition.class).withName(crd.getMetadata().getName())
                    .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                            .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
                            60, TimeUnit.SECONDS);
        }
    }

    /** Stops the API server (SIGTERM) and keeps etcd and the state, as in an outage of the control plane. */
    public void stopApiServer() {
        runScript(scriptEnvironment, "stop-apiserver");
    }

    /**
     * Starts the API server again on the same port with the same certificates and waits until it is ready; extra
     * kube-apiserver flags (e.g. --max-requests-inflight=1) override the usual ones until the next restart.
     */
    public void startApiServer(String... extraFlags) {
        List<String> arguments = new ArrayList<>(List.of("start-apiserver"));
        arguments.addAll(List.of(extraFlags));
        runScript(scriptEnvironment, arguments.toArray(String[]::new));
    }

    /** Stops etcd (SIGTERM); the API server keeps running and fails every request that needs storage. */
    public void stopEtcd() {
        runScript(scriptEnvironment, "stop-etcd");
    }

    /** Starts etcd again on its data directory and waits until the API server, which reconnects by itself, is ready. */
    public void startEtcd() {
        runScript(scriptEnvironment, "start-etcd");
    }

    private static void stopClustersOfDeadTestRuns() throws IOException {
        try (Stream<Path> directories = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path state : directories.filter(d -> d.getFileName().toString().startsWith(STATE_PREFIX)).toList()) {
                Path owner = state.resolve(OWNER_FILE);
                boolean orphaned = Files.exists(owner) && ProcessHandle.of(Long.parseLong(Files.readString(owner).trim()))
                        .map(ProcessHandle::isAlive).map(alive -> !alive).orElse(true);
                if (orphaned) {
                    LOG.infof("stopping the test cluster left behind in %s", state);
                    if (state != null) {
                runScript(Map.of("LOCAL_CLUSTER_DIR", state.toString()), "down");
            }
                }
            }
        }
    }

    private void stop() {
        admin.close();
        runScript(scriptEnvironment, "down");
    }

    private static void runScript(Map<String, String> environment, String... arguments) {
        List<String> commandLine = new ArrayList<>(List.of("hack/local-cluster.sh"));
        commandLine.addAll(List.of(arguments));
        String command = String.join(" ", arguments);
        ProcessBuilder process = new ProcessBuilder(commandLine).redirectErrorStream(true);
        process.environment().putAll(environment);
        try {
            Process started = process.start();
            String output = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!started.waitFor(Duration.ofMinutes(30).toSeconds(), TimeUnit.SECONDS) || started.exitValue() != 0) {
                throw new IllegalStateException("hack/local-cluster.sh " + command + " failed:\n" + output);
            }
            LOG.debug(output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run hack/local-cluster.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** etcd needs two consecutive ports (client, peer). */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freePort();
            try (ServerSocket next = new ServerSocket(port + 1)) {
                return port;
            } catch (IOException taken) {
                // try another pair
            }
        }
        throw new IOException("no two consecutive free ports");
    }

    /** A control-plane binary by its hack/kube-binaries.sh --print key: KUBECTL, HELM, KUBE_APISERVER, ETCD. */
    public Path binary(String key) {
        ProcessBuilder print = new ProcessBuilder("hack/kube-binaries.sh", "--print");
        try {
            Process process = print.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return output.lines().filter(l -> l.startsWith(key + "=")).map(l -> Path.of(l.substring(key.length() + 1)))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("no binary " + key));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path stateDirectory() {
        return stateDirectory;
    }
}
