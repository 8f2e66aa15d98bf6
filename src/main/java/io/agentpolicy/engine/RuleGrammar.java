package io.agentpolicy.engine;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Claude Code permission rule grammar (shared/docs/claude-code-settings.md §3): {@code Tool}, {@code Tool(specifier)},
 * {@code mcp__server}, {@code mcp__server__tool}, and tool-name globs in deny/ask. Errors are rules Claude Code
 * skips or would misread; warnings are rules that load but probably do not do what their author meant.
 */
final class RuleGrammar {

    /** The rule list a rule sits in; allow rules are stricter about globs. */
    enum ListKind {
        ALLOW, ASK, DENY
    }

    /** What goes between a tool's parentheses. */
    private enum Specifier {
        /** A command pattern: Bash(npm test *). */
        COMMAND,
        /** A gitignore-style path with // ~/ ./ anchors: Read(./.env). */
        PATH,
        /** domain:host: WebFetch(domain:github.com). */
        DOMAIN,
        /** A free name, not checked: Agent(Explore), Skill(deploy *). */
        NAME,
        /** Accepted, but path rules for these tools are never consulted (v2.1.210+). */
        IGNORED_PATH,
        /** Bare name only. */
        NONE
    }

    /** The canonical tool names (tools reference, Aug 2026, plus Cd, and KillShell/MultiEdit from the schema). */
    private static final Map<String, Specifier> TOOLS = Map.ofEntries(
            Map.entry("Bash", Specifier.COMMAND),
            Map.entry("PowerShell", Specifier.COMMAND),
            Map.entry("Read", Specifier.PATH),
            Map.entry("Edit", Specifier.PATH),
            Map.entry("Cd", Specifier.PATH),
            Map.entry("WebFetch", Specifier.DOMAIN),
            Map.entry("Agent", Specifier.NAME),
            Map.entry("Skill", Specifier.NAME),
            Map.entry("Write", Specifier.IGNORED_PATH),
            Map.entry("NotebookEdit", Specifier.IGNORED_PATH),
            Map.entry("MultiEdit", Specifier.IGNORED_PATH),
            Map.entry("Glob", Specifier.IGNORED_PATH),
            Map.entry("Artifact", Specifier.NONE),
            Map.entry("AskUserQuestion", Specifier.NONE),
            Map.entry("CronCreate", Specifier.NONE),
            Map.entry("CronDelete", Specifier.NONE),
            Map.entry("CronList", Specifier.NONE),
            Map.entry("EndConversation", Specifier.NONE),
            Map.entry("EnterPlanMode", Specifier.NONE),
            Map.entry("EnterWorktree", Specifier.NONE),
            Map.entry("ExitPlanMode", Specifier.NONE),
            Map.entry("ExitWorktree", Specifier.NONE),
            Map.entry("Grep", Specifier.NONE),
            Map.entry("KillShell", Specifier.NONE),
            Map.entry("ListAgents", Specifier.NONE),
            Map.entry("ListMcpResourcesTool", Specifier.NONE),
            Map.entry("LSP", Specifier.NONE),
            Map.entry("Monitor", Specifier.NONE),
            Map.entry("PushNotification", Specifier.NONE),
            Map.entry("ReadMcpResourceTool", Specifier.NONE),
            Map.entry("RemoteTrigger", Specifier.NONE),
            Map.entry("ReportFindings", Specifier.NONE),
            Map.entry("ScheduleWakeup", Specifier.NONE),
            Map.entry("SendMessage", Specifier.NONE),
            Map.entry("SendUserFile", Specifier.NONE),
            Map.entry("ShareOnboardingGuide", Specifier.NONE),
            Map.entry("TaskCreate", Specifier.NONE),
            Map.entry("TaskGet", Specifier.NONE),
            Map.entry("TaskList", Specifier.NONE),
            Map.entry("TaskOutput", Specifier.NONE),
            Map.entry("TaskStop", Specifier.NONE),
            Map.entry("TaskUpdate", Specifier.NONE),
            Map.entry("TodoWrite", Specifier.NONE),
            Map.entry("ToolSearch", Specifier.NONE),
            Map.entry("WaitForMcpServers", Specifier.NONE),
            Map.entry("WebSearch", Specifier.NONE),
            Map.entry("Workflow", Specifier.NONE));

    /** Tools whose specifiers another tool's rules provide (the tools reference's "applies to" column). */
    private static final Map<String, String> COVERED_BY = Map.of(
            "Write", "Edit(<path>)",
            "NotebookEdit", "Edit(<path>)",
            "MultiEdit", "Edit(<path>)",
            "Glob", "Read(<path>)",
            "Grep", "Read(<path>)",
            "LSP", "Read(<path>)",
            "Monitor", "Bash(<command>)");

    /** Old names that may no longer match. */
    private static final Map<String, String> RENAMED = Map.of("Task", "Agent");

    /** Parameter rules on these fields are ignored by Claude Code: the tool's own specifier form covers them. */
    private static final Set<String> PRIMARY_FIELDS = Set.of("command", "file_path", "path", "notebook_path", "url");

    private static final Pattern PARAMETER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*):(.*)", Pattern.DOTALL);
    private static final Pattern ANCHORED_MCP_GLOB = Pattern.compile("mcp__[^*]+__.*");
    private static final Pattern HOST = Pattern.compile("\\*|(\\*\\.)?[A-Za-z0-9_*-]+(\\.[A-Za-z0-9_*-]+)*\\.?");

    private RuleGrammar() {
    }

    static void check(String rule, ListKind list, String field, Findings findings) {
        if (rule == null || rule.isBlank()) {
            findings.error(field, "rule is empty; remove it or write a rule such as Bash(npm test *)");
            return;
        }
        if (!rule.equals(rule.strip())) {
            findings.error(field, "rule \"" + rule + "\" has leading or trailing whitespace, so it never matches; write \""
                    + rule.strip() + "\"");
            return;
        }
        int open = rule.indexOf('(');
        String tool = open < 0 ? rule : rule.substring(0, open);
        int close = open < 0 ? -1 : closingParenthesis(rule, open);
        if (tool.contains(")") || open >= 0 && close < 0) {
            findings.error(field, "rule \"" + rule + "\" has unbalanced parentheses; every ( needs a matching )");
            return;
        }
        String specifier = null;
        if (open >= 0) {
            if (close != rule.length() - 1) {
                findings.error(field, "rule \"" + rule + "\" has text after the closing parenthesis (\"" + rule.substring(close + 1)
                        + "\"); a rule is Tool or Tool(specifier)");
                return;
            }
            specifier = rule.substring(open + 1, close);
            if (specifier.isEmpty()) {
                findings.error(field, "rule \"" + rule + "\" has an empty specifier; write " + tool
                        + " to match every call, or put a pattern inside the parentheses");
                return;
            }
        }
        checkTool(rule, tool, specifier, list, field, findings);
    }

    private static void checkTool(String rule, String tool, String specifier, ListKind list, String field, Findings findings) {
        if (tool.isEmpty()) {
            findings.error(field, "rule \"" + rule + "\" has no tool name; start it with a tool such as Bash or Read");
        } else if (!tool.equals(tool.replaceAll("\\s", ""))) {
            findings.error(field, "tool name \"" + tool + "\" contains whitespace; write " + tool.replaceAll("\\s", "")
                    + (specifier == null ? "" : "(" + specifier + ")"));
        } else if (tool.contains("*")) {
            if (list == ListKind.ALLOW && !ANCHORED_MCP_GLOB.matcher(tool).matches()) {
                findings.error(field, "tool-name glob \"" + tool + "\" in an allow rule is skipped by Claude Code; allow rules may "
                        + "glob only after a literal mcp__<server>__ prefix (e.g. mcp__github__get_*). Name the tools, or "
                        + "use the glob in deny or ask");
            }
        } else if (tool.startsWith("mcp__")) {
            if (tool.length() == "mcp__".length() || tool.startsWith("mcp____")) {
                findings.error(field, "rule \"" + rule + "\" names no MCP server; write mcp__<server> or mcp__<server>__<tool>");
            }
        } else if (!Character.isUpperCase(tool.charAt(0))) {
            // Claude Code 2.1.328 skips it: "Tool names must start with uppercase"
            findings.error(field, "rule \"" + rule + "\" is skipped by Claude Code: tool names start with an uppercase letter"
                    + NearMatch.hint(tool, TOOLS.keySet()));
        } else if (!TOOLS.containsKey(tool)) {
            String renamed = RENAMED.get(tool);
            findings.warning(field, renamed != null
                    ? tool + " was renamed " + renamed + " (v2.1.63) and may no longer match; write " + renamed
                            + (specifier == null ? "" : "(" + specifier + ")")
                    : "Claude Code does not know tool " + tool + " (tool names are case-sensitive); the rule probably never "
                            + "matches" + NearMatch.hint(tool, TOOLS.keySet()));
        } else if (specifier != null && !specifier.equals("*")) { // Tool(*) is the same as Tool
            checkSpecifier(tool, specifier, list, field, findings);
        }
    }

    private static void checkSpecifier(String tool, String specifier, ListKind list, String field, Findings findings) {
        Matcher parameter = PARAMETER.matcher(specifier);
        boolean parameterForm = parameter.matches();
        if (parameterForm && PRIMARY_FIELDS.contains(parameter.group(1))) {
            findings.error(field, tool + "(" + specifier + ") is a parameter rule on " + parameter.group(1)
                    + ", a tool's primary field, which Claude Code ignores; write the pattern itself, e.g. " + tool + "("
                    + parameter.group(2) + ")");
            return;
        }
        String rule = tool + "(" + specifier + ")";
        switch (TOOLS.get(tool)) {
            case COMMAND -> {
                int legacy = specifier.indexOf(":*");
                if (legacy >= 0 && legacy != specifier.length() - 2) {
                    findings.warning(field, rule + ": the legacy :* suffix is recognised only at the end of a pattern, so here it "
                            + "is literal text; write " + tool + "(" + specifier.replace(":*", " *") + ") for a wildcard");
                }
            }
            case PATH -> {
                if (specifier.startsWith("/") && !specifier.startsWith("//")) {
                    findings.warning(field, rule + ": what a single-slash path means in managed settings is undocumented (elsewhere it "
                            + "is relative to the settings file); write " + tool + "(/" + specifier + ") for an absolute path or "
                            + tool + "(." + specifier + ") for the working directory");
                }
            }
            case DOMAIN -> {
                if (!specifier.startsWith("domain:") || !HOST.matcher(specifier.substring("domain:".length())).matches()) {
                    findings.error(field, rule + ": WebFetch rules take domain:<host>, e.g. WebFetch(domain:github.com) or "
                            + "WebFetch(domain:*.example.com)");
                }
            }
            case IGNORED_PATH -> findings.warning(field, rule + ": Claude Code never consults path rules for " + tool
                    + "; write " + COVERED_BY.get(tool) + " instead (or " + tool + " alone for the whole tool)");
            case NONE -> {
                if (!parameterForm) {
                    String coveredBy = COVERED_BY.get(tool);
                    findings.error(field, tool + " takes no specifier; write " + tool + " to match every call"
                            + (coveredBy == null ? "" : ", or " + coveredBy + " rules, which also cover " + tool));
                } else if (list == ListKind.ALLOW) {
                    findings.error(field, rule + ": parameter rules (param:value) work only in deny and ask lists");
                }
            }
        }
    }

    /** Index of the ')' closing the '(' at open, allowing nested pairs such as Bash(echo $(date)); -1 if none. */
    private static int closingParenthesis(String rule, int open) {
        int depth = 0;
        for (int i = open; i < rule.length(); i++) {
            char c = rule.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
