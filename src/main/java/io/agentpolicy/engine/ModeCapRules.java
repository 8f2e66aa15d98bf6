package io.agentpolicy.engine;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.agentpolicy.api.PermissionMode;

/**
 * The managed deny/ask rules that keep Claude Code within a mode cap whatever mode it is switched to (shared/docs/api.md,
 * Agent pods, item 3). A managed defaultMode is only where the agent starts; --permission-mode and Shift+Tab move it,
 * and only bypassPermissions and auto have locks. So every mode above the cap that has no lock (default, dontAsk,
 * acceptEdits) must be held down by rules, which bind in every mode.
 *
 * <p>
 * Measured with Claude Code 2.1.328 (ClaudeCodeConformanceIT checks the table against the client on every build):
 * <ul>
 * <li>acceptEdits runs Edit, Write and NotebookEdit in the working directory, and Bash commands it deems file-system
 * only: touch, mkdir, cp, mv, rm, and any command whose output is redirected into a file ({@code echo x > f}). No
 * narrower rule set than the whole {@code Bash} tool catches the last kind.</li>
 * <li>An {@code Edit} rule does not cover Write or NotebookEdit: each editing tool needs its own rule.</li>
 * <li>A {@code Bash} ask or deny rule also catches read-only commands ({@code ls}), and, since Claude Code evaluates
 * deny, then ask, then allow, it shadows the policy's own {@code Bash(...)} allow rules (plan and dontAsk would run
 * those without asking). The cap wins (the README says what it costs).</li>
 * <li>An ask rule prompts in default and acceptEdits, and is a denial in dontAsk and in {@code -p} runs; a deny rule
 * denies in every mode, bypassPermissions included.</li>
 * </ul>
 * Hence: a plan cap denies the acting tools (a human approving an edit would already exceed plan); a default or dontAsk
 * cap asks before them (default, which both caps admit, asks too); acceptEdits and above need nothing, because the
 * map locks bypassPermissions and auto wherever they are above the cap. WebFetch is left alone: no mode below auto
 * runs it unasked (default and acceptEdits ask, plan and dontAsk refuse).
 */
public final class ModeCapRules {
    /** The built-in tools that change files or run commands, each named on its own (see the class comment). */
    private static final List<String> ACTING_TOOLS = List.of("Bash", "Edit", "NotebookEdit", "Write");

    /** The deny and ask rules one cap adds to a rendered map. */
    public record Rules(List<String> deny, List<String> ask) {
        public Rules {
            deny = List.copyOf(deny);
            ask = List.copyOf(ask);
        }
    }

    private static final Rules NONE = new Rules(List.of(), List.of());
    private static final Map<PermissionMode, Rules> BY_CAP = new EnumMap<>(Map.of(
            PermissionMode.PLAN, new Rules(ACTING_TOOLS, List.of()),
            PermissionMode.DEFAULT, new Rules(List.of(), ACTING_TOOLS),
            PermissionMode.DONT_ASK, new Rules(List.of(), ACTING_TOOLS),
            PermissionMode.ACCEPT_EDITS, NONE,
            PermissionMode.AUTO, NONE,
            PermissionMode.BYPASS_PERMISSIONS, NONE));

    private ModeCapRules() {
    }

    /** The rules a map capped at the mode carries besides the policy's own. */
    public static Rules forCap(PermissionMode cap) {
        return BY_CAP.get(cap);
    }
}
