package io.agentpolicy.operator.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PodCompliance;
import io.agentpolicy.api.PodViolation;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/** Whether a session's pods run Claude Code under the session's file: pure, on pod specs built here. */
class PodComplianceCheckTest {
    private static final String MAP = "agent-session-fix";

    @Test
    void aPodMountingTheSessionMapAtTheDirectoryComplies() {
        PodCompliance result = PodComplianceCheck.check(List.of(pod(List.of("claude", "-p", "fix it"), mount("settings", "/etc/claude-code"))),
                MAP, PermissionMode.ACCEPT_EDITS);

        assertThat(result.getCompliant()).isEqualTo(1);
        assertThat(result.getNonCompliant()).isZero();
        assertThat(result.getViolations()).isEmpty();
    }

    @Test
    void theFileAloneThroughSubPathIsMountedButNeverSeesALockdown() {
        VolumeMount file = new VolumeMountBuilder().withName("settings").withMountPath("/etc/claude-code/managed-settings.json")
                .withSubPath("managed-settings.json").build();

        // The kubelet copies a subPath once: the session's file is there, but a later lockdown never reaches it.
        assertThat(problems(pod(List.of("claude"), file), PermissionMode.PLAN)).containsExactly("mounts volume settings at "
                + "/etc/claude-code/managed-settings.json, which Claude Code reads besides (or instead of) the session's settings");
    }

    @Test
    void aPodWithoutTheMountIsNamed() {
        assertThat(problems(pod(List.of("claude")), PermissionMode.PLAN))
                .containsExactly("does not mount ConfigMap agent-session-fix at /etc/claude-code");
    }

    @Test
    void aDropInBesideTheSessionMapIsAViolation() {
        Pod pod = pod(List.of("claude"), mount("settings", "/etc/claude-code"), mount("extra", "/etc/claude-code/managed-settings.d"));

        assertThat(problems(pod, PermissionMode.PLAN)).containsExactly(
                "mounts volume extra at /etc/claude-code/managed-settings.d, which Claude Code reads besides (or instead of) the session's settings");
    }

    @Test
    void aLaunchFlagAboveTheSessionsModeIsAViolationAndOneAtOrBelowIsNot() {
        Pod above = pod(List.of("sh", "-c", "claude --permission-mode bypassPermissions -p go"), mount("settings", "/etc/claude-code"));
        Pod below = pod(List.of("claude", "--permission-mode", "plan"), mount("settings", "/etc/claude-code"));

        assertThat(problems(above, PermissionMode.ACCEPT_EDITS))
                .containsExactly("starts Claude Code in bypassPermissions, above this session's effective mode acceptEdits");
        assertThat(problems(below, PermissionMode.ACCEPT_EDITS)).isEmpty();
    }

    @Test
    void aModeChosenAtRunTimeCannotBeCheckedAndIsAViolation() {
        Pod pod = pod(List.of("sh", "-c", "claude --permission-mode \"$MODE\""), mount("settings", "/etc/claude-code"));

        assertThat(problems(pod, PermissionMode.PLAN))
                .containsExactly("starts Claude Code in a mode set at run time, which may be above this session's effective mode plan");
    }

    @Test
    void aSessionThatMayNotRunHasOnlyNonCompliantPods() {
        PodCompliance result = PodComplianceCheck.check(List.of(pod(List.of("claude"))), null, null);

        assertThat(result.getNonCompliant()).isEqualTo(1);
        assertThat(result.getViolations()).extracting(PodViolation::getProblem)
                .containsExactly("belongs to a session that may not run (no session map)");
    }

    @Test
    void violationsAreCappedButEveryPodIsCounted() {
        List<Pod> pods = java.util.stream.IntStream.range(0, PodCompliance.MAX_VIOLATIONS + 4).mapToObj(i -> pod(List.of("claude"))).toList();

        PodCompliance result = PodComplianceCheck.check(pods, MAP, PermissionMode.PLAN);

        assertThat(result.getNonCompliant()).isEqualTo(PodCompliance.MAX_VIOLATIONS + 4);
        assertThat(result.getViolations()).hasSize(PodCompliance.MAX_VIOLATIONS);
    }

    private static List<String> problems(Pod pod, PermissionMode mode) {
        return PodComplianceCheck.problemsOf(pod, MAP, mode).stream().map(PodViolation::getProblem).toList();
    }

    private static VolumeMount mount(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).build();
    }

    private static Pod pod(List<String> command, VolumeMount... mounts) {
        return new PodBuilder().withNewMetadata().withName("agent").endMetadata()
                .withNewSpec()
                .addNewVolume().withName("settings").withNewConfigMap().withName(MAP).endConfigMap().endVolume()
                .addNewVolume().withName("extra").withNewConfigMap().withName("my-settings").endConfigMap().endVolume()
                .withContainers(new ContainerBuilder().withName("agent").withCommand(command).withVolumeMounts(mounts).build())
                .endSpec().build();
    }
}
