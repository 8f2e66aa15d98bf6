package io.agentpolicy.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.agentpolicy.cli.ManifestChecker.Checked;
import io.agentpolicy.engine.NamespaceInfo;
import picocli.CommandLine.Option;

/** Which namespace render and decide evaluate in: a Namespace manifest, or a tier and labels. */
final class NamespaceOptions {
    /** The name of a namespace described only by --tier and --label without -n. */
    static final String UNNAMED = "unnamed";

    @Option(names = "--namespace-file", paramLabel = "FILE",
            description = "A file with Namespace manifests (e.g. examples/namespaces.yaml); with several, -n picks one.")
    Path file;

    @Option(names = { "-n", "--namespace" }, paramLabel = "NAME",
            description = "The namespace's name: picks it from --namespace-file or from the Namespaces among the inputs, "
                    + "or names the namespace described by --tier/--label (default: the session's metadata.namespace).")
    String name;

    @Option(names = "--tier", paramLabel = "TIER", description = "Describe the namespace by its tier label value, e.g. 1.")
    String tier;

    @Option(names = { "-l", "--label" }, paramLabel = "KEY=VALUE", description = "A label of the namespace; repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    /**
     * The namespace, from --namespace-file, else from --tier/--label, else the Namespace named by -n (or the
     * session) among the inputs. Like the API server, a named namespace carries kubernetes.io/metadata.name.
     */
    NamespaceInfo resolve(List<Checked<NamespaceInfo>> amongInputs, String sessionNamespace, EngineOptions engine, Instant now)
            throws UsageException, InvalidManifestsException {
        String wanted = name != null ? name : sessionNamespace;
        boolean described = tier != null || !labels.isEmpty();
        if (file != null && described) {
            throw new UsageException("give either --namespace-file or --tier/--label, not both");
        }
        if (file != null) {
            return pick(Inputs.namespaces(file, engine.engine(), now), wanted, file.toString());
        }
        if (described) {
            return described(wanted, tier, labels, engine.tierLabel);
        }
        if (wanted != null) {
            return pick(amongInputs, wanted, "the inputs");
        }
        throw new UsageException("say which namespace to evaluate in: --namespace-file FILE [-n NAME], "
                + "--tier TIER [--label KEY=VALUE], or -n NAME of a Namespace among the inputs");
    }

    /** A namespace known by its tier and labels; a named one also carries kubernetes.io/metadata.name. */
    static NamespaceInfo described(String name, String tier, Map<String, String> labels, String tierLabel) {
        Map<String, String> all = new HashMap<>(labels);
        if (tier != null) {
            all.put(tierLabel, tier);
        }
        if (name != null) {
            all.put(ManifestChecker.NAME_LABEL, name);
        }
        return new NamespaceInfo(name != null ? name : UNNAMED, all);
    }

    /** The namespace called wanted, or the only one when wanted is null. */
    static NamespaceInfo pick(List<Checked<NamespaceInfo>> namespaces, String wanted, String where) throws UsageException {
        String names = namespaces.stream().map(n -> n.object().name()).collect(Collectors.joining(", "));
        if (wanted == null) {
            if (namespaces.size() == 1) {
                return namespaces.get(0).object();
            }
            throw new UsageException(where + " holds several Namespaces (" + names + "); pick one with -n NAME");
        }
        return namespaces.stream().map(Checked::object).filter(n -> n.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new UsageException("no Namespace " + wanted + " in " + where
                        + (names.isEmpty() ? "; describe it with --tier TIER [--label KEY=VALUE]" : " (it has " + names + ")")));
    }
}
