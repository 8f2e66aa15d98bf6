package io.agentpolicy.operator.support;

/**
 * The Claude Code command-line flags that start it in a mode a lock can forbid, as regular expressions over a
 * container's command and args joined by spaces (so `sh -c "claude --flag"` is seen too). One definition serves
 * both the pod compliance check (Java) and the generated pod admission policy (CEL, RE2): both dialects read it
 * the same way.
 */
public final class LockedModeFlags {
    public static final String BYPASS = "(^|\\s)(--dangerously-skip-permissions|--permission-mode(=|\\s+)bypassPermissions)(\\s|$)";
    public static final String AUTO = "(^|\\s)(--enable-auto-mode|--permission-mode(=|\\s+)auto)(\\s|$)";

    private LockedModeFlags() {
    }
}
