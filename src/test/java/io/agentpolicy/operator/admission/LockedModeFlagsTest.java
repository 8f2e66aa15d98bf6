package io.agentpolicy.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.PermissionMode;

/**
 * The launch-flag spellings admission and the pod compliance check recognise (the same expressions run in CEL's
 * RE2), on command lines as a container's command and args join them.
 */
class LockedModeFlagsTest {

    @Test
    void everySpellingAShellAcceptsIsSeen() {
        assertModes("claude --permission-mode acceptEdits", PermissionMode.ACCEPT_EDITS);
        assertModes("claude --permission-mode=acceptEdits -p x", PermissionMode.ACCEPT_EDITS);
        assertModes("sh -c claude --permission-mode 'acceptEdits' -p 'ship it'", PermissionMode.ACCEPT_EDITS);
        assertModes("sh -c claude \"--permission-mode=acceptEdits\"", PermissionMode.ACCEPT_EDITS);
        assertModes("sh -c claude --permission-mode\tac''ceptEdits", PermissionMode.ACCEPT_EDITS);
        assertModes("sh -c cd /w;claude --permission-mode plan;echo done", PermissionMode.PLAN);
        assertModes("claude --permission-mode manual", PermissionMode.DEFAULT);
        assertModes("claude --dangerously-skip-permissions", PermissionMode.BYPASS_PERMISSIONS);
        assertModes("claude --allow-dangerously-skip-permissions", PermissionMode.BYPASS_PERMISSIONS);
        assertModes("(claude --enable-auto-mode)", PermissionMode.AUTO);
    }

    @Test
    void lookalikesAreNot() {
        assertModes("claude --permission-modes acceptEdits");
        assertModes("claude --permission-mode acceptEditsNow");
        assertModes("claude -p 'explain --permission-mode-plan'");
        assertModes("claude --no-dangerously-skip-permissions-x");
    }

    @Test
    void aModeSetAtRunTimeIsRecognisedAsSuch() {
        Pattern runTime = Pattern.compile(LockedModeFlags.RUN_TIME_MODE);
        assertThat(List.of("claude --permission-mode $MODE", "claude --permission-mode=$(MODE)", "claude --permission-mode `cat m`"))
                .allMatch(line -> runTime.matcher(LockedModeFlags.normalize(line)).find());
        assertThat(runTime.matcher("claude --permission-mode plan").find()).isFalse();
    }

    private static void assertModes(String commandLine, PermissionMode... expected) {
        String line = LockedModeFlags.normalize(commandLine);
        assertThat(Arrays.stream(PermissionMode.values()).filter(mode -> Pattern.compile(LockedModeFlags.forMode(mode)).matcher(line).find()))
                .as(commandLine).containsExactlyInAnyOrder(expected);
    }
}
