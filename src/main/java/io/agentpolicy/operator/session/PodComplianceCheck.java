package io.agentpolicy.operator.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PodCompliance;
import io.agentpolicy.api.PodViolation;
import io.agentpolicy.operator.admission.LockedModeFlags;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

/**
 * Whether a session's pods run Claude Code under the session's managed settings: the session map is mounted at
 * /etc/claude-code (or its file via subPath, for pods of old), nothing else is mounted there, and no container
 * passes a flag for a mode above the session's effective mode. Admission refuses all this for new pods under
 * Enforce; these counts report what Audit let through and pods admitted before a policy changed.
 *
 * <p>The pods come from a cache that keeps only what this check reads (see {@code LeanCaches.agentPods}): a new
 * field read here must be kept there too.
 */
public final class PodComplianceCheck {
    /** Per mode, the command-line flags that start Claude Code in it. */
    private static final Map<PermissionMode, Pattern> FLAGS = Arrays.stream(PermissionMode.values())
            .collect(Collectors.toUnmodifiableMap(mode -> mode, mode -> Pattern.compile(LockedModeFlags.forMode(mode))));
    private static final Pattern RUN_TIME_MODE = Pattern.compile(LockedModeFlags.RUN_TIME_MODE);
    private static final Path DIRECTORY = Path.of(ApiConstants.MOUNT_DIRECTORY);

    private PodComplianceCheck() {
    }

    /**
     * @param effectiveMode the session's mode; bypassPermissions and auto are locked unless it is that mode, as in
     *        the session's rendered file
     */
    public static PodCompliance check(List<Pod> pods, String sessionMap, PermissionMode effectiveMode) {
        int compliant = 0;
        int nonCompliant = 0;
        List<PodViolation> violations = new ArrayList<>();
        for (Pod pod : pods) {
            List<PodViolation> problems = problemsOf(pod, sessionMap, effectiveMode);
            if (problems.isEmpty()) {
                compliant++;
            } else {
                nonCompliant++;
                problems.stream().limit(PodCompliance.MAX_VIOLATIONS - violations.size()).forEach(violations::add);
            }
        }
        PodCompliance result = new PodCompliance();
        result.setCompliant(compliant);
        result.setNonCompliant(nonCompliant);
        result.setViolations(violations);
        return result;
    }

    static List<PodViolation> problemsOf(Pod pod, String sessionMap, PermissionMode effectiveMode) {
        String name = pod.getMetadata().getName();
        List<PodViolation> problems = new ArrayList<>();
        if (sessionMap == null) {
            problems.add(new PodViolation(name, null, "belongs to a session that may not run (no session map)"));
        } else if (!mountsSettings(pod, sessionMap)) {
            problems.add(new PodViolation(name, null, "does not mount ConfigMap " + sessionMap + " at " + ApiConstants.MOUNT_DIRECTORY));
        }
        Set<String> sessionVolumes = sessionMap == null ? Set.of() : volumesOf(pod, sessionMap);
        for (Container container : containers(pod)) {
            String commandLine = commandLine(container);
            for (PermissionMode mode : PermissionMode.values()) {
                // A session without a mode has no map: its pods cannot start, which the problem above says.
                if (effectiveMode != null && mode.isAbove(effectiveMode) && FLAGS.get(mode).matcher(commandLine).find()) {
                    problems.add(new PodViolation(name, container.getName(),
                            "starts Claude Code in " + mode.value() + ", above this session's effective mode " + effectiveMode.value()));
                }
            }
            if (effectiveMode != null && effectiveMode != PermissionMode.BYPASS_PERMISSIONS && RUN_TIME_MODE.matcher(commandLine).find()) {
                problems.add(new PodViolation(name, container.getName(),
                        "starts Claude Code in a mode set at run time, which may be above this session's effective mode " + effectiveMode.value()));
            }
            if (container.getVolumeMounts() != null) {
                container.getVolumeMounts().stream().filter(m -> overridesSettings(m, sessionVolumes)).forEach(m -> problems.add(
                        new PodViolation(name, container.getName(), "mounts volume " + m.getName() + " at " + m.getMountPath()
                                + ", which Claude Code reads besides (or instead of) the session's settings")));
            }
        }
        return problems;
    }

    /**
     * A mount at or below /etc/claude-code other than the session map mounted whole at the directory: a drop-in
     * (merged after the operator's file), another map, or a subPath copy that never sees a lockdown.
     */
    private static boolean overridesSettings(VolumeMount mount, Set<String> sessionVolumes) {
        Path path = Path.of(mount.getMountPath()).normalize();
        boolean whole = (mount.getSubPath() == null || mount.getSubPath().isEmpty())
                && (mount.getSubPathExpr() == null || mount.getSubPathExpr().isEmpty());
        return path.startsWith(DIRECTORY) && !(path.equals(DIRECTORY) && whole && sessionVolumes.contains(mount.getName()));
    }

    private static Set<String> volumesOf(Pod pod, String configMap) {
        return pod.getSpec().getVolumes() == null ? Set.of() : pod.getSpec().getVolumes().stream()
                .filter(v -> v.getConfigMap() != null && configMap.equals(v.getConfigMap().getName()))
                .map(Volume::getName).collect(Collectors.toSet());
    }

    private static boolean mountsSettings(Pod pod, String sessionMap) {
        Set<String> volumes = volumesOf(pod, sessionMap);
        return containers(pod).stream()
                .flatMap(c -> c.getVolumeMounts() == null ? Stream.<VolumeMount>empty() : c.getVolumeMounts().stream())
                .filter(m -> volumes.contains(m.getName()))
                .anyMatch(PodComplianceCheck::mountsAtManagedPath);
    }

    private static boolean mountsAtManagedPath(VolumeMount mount) {
        String path = trimSlash(mount.getMountPath());
        boolean wholeDirectory = (mount.getSubPath() == null || mount.getSubPath().isEmpty())
                && ApiConstants.MOUNT_DIRECTORY.equals(path);
        boolean theFile = ApiConstants.SETTINGS_KEY.equals(mount.getSubPath())
                && (ApiConstants.MOUNT_DIRECTORY + "/" + ApiConstants.SETTINGS_KEY).equals(path);
        return wholeDirectory || theFile;
    }

    private static String trimSlash(String path) {
        return path != null && path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static List<Container> containers(Pod pod) {
        List<Container> all = new ArrayList<>();
        if (pod.getSpec().getInitContainers() != null) {
            all.addAll(pod.getSpec().getInitContainers());
        }
        if (pod.getSpec().getContainers() != null) {
            all.addAll(pod.getSpec().getContainers());
        }
        return all;
    }

    /** command and args as one line without shell quoting, so `[claude, --flag]` and `[sh, -c, "claude '--flag'"]` are seen. */
    static String commandLine(Container container) {
        List<String> words = new ArrayList<>();
        if (container.getCommand() != null) {
            words.addAll(container.getCommand());
        }
        if (container.getArgs() != null) {
            words.addAll(container.getArgs());
        }
        return LockedModeFlags.normalize(String.join(" ", words));
    }
}
