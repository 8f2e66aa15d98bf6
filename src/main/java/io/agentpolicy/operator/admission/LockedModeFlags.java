package io.agentpolicy.operator.admission;

import io.agentpolicy.api.PermissionMode;

/**
 * The Claude Code command-line flags that start it in a mode, as regular expressions over a container's command
 * and args joined by spaces with quotes and backslashes removed ({@link #normalize}), so `sh -c "claude
 * --permission-mode 'acceptEdits'"` and `--permission-mode=acceptEdits` are seen too. One definition serves both
 * the pod compliance check (Java) and the generated pod admission policies (CEL, RE2): both dialects read it the
 * same way, and CEL strips the same characters.
 */
public final class LockedModeFlags {
    /** Characters a shell removes while reading a word (quotes, escapes); removed before matching. */
    public static final String SHELL_QUOTING = "'\"\\";

    /** Where a flag starts and ends: whitespace or a shell operator (`claude --flag;echo`, `(claude --flag)`). */
    private static final String BEFORE = "(^|[\\s;&|(])";
    private static final String AFTER = "($|[\\s;&|)])";

    /**
     * A --permission-mode whose value the shell or the kubelet fills in at run time ({@code $MODE}, {@code $(MODE)},
     * a command substitution): nobody can tell from the spec which mode it is, so it may be any.
     */
    public static final String RUN_TIME_MODE = BEFORE + "--permission-mode(=|\\s+)[$`]";

    private LockedModeFlags() {
    }

    /** The flags that start Claude Code in this mode (or, for bypassPermissions, make it reachable). */
    public static String forMode(PermissionMode mode) {
        // manual is Claude Code's alias of default (2.1.200+).
        String value = mode == PermissionMode.DEFAULT ? "(default|manual)" : mode.value();
        String permissionMode = "--permission-mode(=|\\s+)" + value;
        String alternatives = switch (mode) {
            case BYPASS_PERMISSIONS -> "--dangerously-skip-permissions|--allow-dangerously-skip-permissions|" + permissionMode;
            case AUTO -> "--enable-auto-mode|" + permissionMode;
            default -> permissionMode;
        };
        return BEFORE + "(" + alternatives + ")" + AFTER;
    }

    /** How a user would recognise the flag in a message. */
    public static String describe(PermissionMode mode) {
        return switch (mode) {
            case BYPASS_PERMISSIONS -> "--dangerously-skip-permissions, --allow-dangerously-skip-permissions or --permission-mode bypassPermissions";
            case AUTO -> "--enable-auto-mode or --permission-mode auto";
            default -> "--permission-mode " + mode.value();
        };
    }

    /** The command line as the patterns expect it: shell quoting removed. */
    public static String normalize(String commandLine) {
        return commandLine.replaceAll("['\"\\\\]", "");
    }
}
