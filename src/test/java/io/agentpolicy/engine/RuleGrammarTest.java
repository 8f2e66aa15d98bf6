package io.agentpolicy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The permission rule grammar of shared/docs/claude-code-settings.md §3, one case per message. */
class RuleGrammarTest {

    private static ValidationResult check(String list, String rule) {
        Findings findings = new Findings();
        RuleGrammar.check(rule, RuleGrammar.ListKind.valueOf(list), "rule", findings);
        return findings.result();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            DENY  | Bash
            ALLOW | Bash(npm test *)
            ALLOW | Bash(echo $(date))
            ALLOW | Bash(git:*)
            ALLOW | Bash(*)
            ALLOW | PowerShell(Get-ChildItem *)
            DENY  | Read(//etc/**)
            DENY  | Read(~/.ssh/**)
            DENY  | Read(./.env)
            DENY  | Read(.env)
            ALLOW | Edit(src/**)
            ALLOW | Cd(//srv/repos/**)
            ALLOW | WebFetch(domain:github.com)
            ALLOW | WebFetch(domain:*.example.com)
            DENY  | WebFetch(domain:*)
            ALLOW | Agent(Explore)
            DENY  | Agent(model:opus)
            DENY  | Bash(run_in_background:true)
            ALLOW | Skill(deploy *)
            ALLOW | ExitPlanMode(*)
            ALLOW | WebSearch
            ASK   | TaskStop(shell_id:abc)
            ALLOW | mcp__github
            ALLOW | mcp__github__get_issue
            ALLOW | mcp__github__*
            ALLOW | mcp__github__get_*
            DENY  | *
            ASK   | mcp__*
            DENY  | B*
            """)
    void validRulesHaveNoFindings(String list, String rule) {
        ValidationResult result = check(list, rule);
        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).isEmpty();
    }

    @ParameterizedTest(name = "{0} `{1}`")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            DENY  | ``                         | rule is empty; remove it or write a rule such as Bash(npm test *)
            DENY  | `   `                      | rule is empty; remove it or write a rule such as Bash(npm test *)
            DENY  | ` Bash(ls)`                | rule " Bash(ls)" has leading or trailing whitespace, so it never matches; write "Bash(ls)"
            DENY  | `Bash(ls) `                | rule "Bash(ls) " has leading or trailing whitespace, so it never matches; write "Bash(ls)"
            DENY  | Bash(ls                    | rule "Bash(ls" has unbalanced parentheses; every ( needs a matching )
            DENY  | Bash(echo $(date)          | rule "Bash(echo $(date)" has unbalanced parentheses; every ( needs a matching )
            DENY  | Bash)                      | rule "Bash)" has unbalanced parentheses; every ( needs a matching )
            DENY  | Ba)sh(ls)                  | rule "Ba)sh(ls)" has unbalanced parentheses; every ( needs a matching )
            DENY  | Bash(ls) -la               | rule "Bash(ls) -la" has text after the closing parenthesis (" -la"); a rule is Tool or Tool(specifier)
            DENY  | Bash(ls))                  | rule "Bash(ls))" has text after the closing parenthesis (")"); a rule is Tool or Tool(specifier)
            DENY  | Bash()                     | rule "Bash()" has an empty specifier; write Bash to match every call, or put a pattern inside the parentheses
            DENY  | (ls)                       | rule "(ls)" has no tool name; start it with a tool such as Bash or Read
            DENY  | Bash (ls)                  | tool name "Bash " contains whitespace; write Bash(ls)
            ALLOW | *                          | tool-name glob "*" in an allow rule is skipped by Claude Code; allow rules may glob only after a literal mcp__<server>__ prefix (e.g. mcp__github__get_*). Name the tools, or use the glob in deny or ask
            ALLOW | mcp__*                     | tool-name glob "mcp__*" in an allow rule is skipped by Claude Code; allow rules may glob only after a literal mcp__<server>__ prefix (e.g. mcp__github__get_*). Name the tools, or use the glob in deny or ask
            ALLOW | B*                         | tool-name glob "B*" in an allow rule is skipped by Claude Code; allow rules may glob only after a literal mcp__<server>__ prefix (e.g. mcp__github__get_*). Name the tools, or use the glob in deny or ask
            DENY  | mcp__                      | rule "mcp__" names no MCP server; write mcp__<server> or mcp__<server>__<tool>
            DENY  | Bash(command:rm *)         | Bash(command:rm *) is a parameter rule on command, a tool's primary field, which Claude Code ignores; write the pattern itself, e.g. Bash(rm *)
            DENY  | WebFetch(url:https://x.io) | WebFetch(url:https://x.io) is a parameter rule on url, a tool's primary field, which Claude Code ignores; write the pattern itself, e.g. WebFetch(https://x.io)
            ALLOW | WebFetch(https://github.com) | WebFetch(https://github.com): WebFetch rules take domain:<host>, e.g. WebFetch(domain:github.com) or WebFetch(domain:*.example.com)
            ALLOW | WebFetch(domain:)          | WebFetch(domain:): WebFetch rules take domain:<host>, e.g. WebFetch(domain:github.com) or WebFetch(domain:*.example.com)
            ALLOW | WebFetch(domain:a.io/x)    | WebFetch(domain:a.io/x): WebFetch rules take domain:<host>, e.g. WebFetch(domain:github.com) or WebFetch(domain:*.example.com)
            DENY  | ExitPlanMode(x)            | ExitPlanMode takes no specifier; write ExitPlanMode to match every call
            DENY  | WebSearch(news)            | WebSearch takes no specifier; write WebSearch to match every call
            DENY  | Grep(secrets/**)           | Grep takes no specifier; write Grep to match every call, or Read(<path>) rules, which also cover Grep
            ALLOW | TaskStop(shell_id:abc)     | TaskStop(shell_id:abc): parameter rules (param:value) work only in deny and ask lists
            DENY  | bash(ls *)                 | rule "bash(ls *)" is skipped by Claude Code: tool names start with an uppercase letter; did you mean "Bash"?
            ALLOW | webFetch                   | rule "webFetch" is skipped by Claude Code: tool names start with an uppercase letter; did you mean "WebFetch"?
            """)
    void malformedRulesAreErrors(String list, String rule, String message) {
        ValidationResult result = check(list, rule);
        assertThat(result.errors()).containsExactly(new Finding("rule", message));
        assertThat(result.warnings()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            DENY  | WebFetsh                   | Claude Code does not know tool WebFetsh (tool names are case-sensitive); the rule probably never matches; did you mean "WebFetch"?
            DENY  | Frobnicate                 | Claude Code does not know tool Frobnicate (tool names are case-sensitive); the rule probably never matches
            DENY  | Task(Explore)              | Task was renamed Agent (v2.1.63) and may no longer match; write Agent(Explore)
            DENY  | Bash(git:* push)           | Bash(git:* push): the legacy :* suffix is recognised only at the end of a pattern, so here it is literal text; write Bash(git * push) for a wildcard
            DENY  | Read(/etc/passwd)          | Read(/etc/passwd): what a single-slash path means in managed settings is undocumented (elsewhere it is relative to the settings file); write Read(//etc/passwd) for an absolute path or Read(./etc/passwd) for the working directory
            DENY  | Write(docs/**)             | Write(docs/**): Claude Code never consults path rules for Write; write Edit(<path>) instead (or Write alone for the whole tool)
            DENY  | Glob(src/**)               | Glob(src/**): Claude Code never consults path rules for Glob; write Read(<path>) instead (or Glob alone for the whole tool)
            """)
    void suspiciousRulesAreWarnings(String list, String rule, String message) {
        ValidationResult result = check(list, rule);
        assertThat(result.warnings()).containsExactly(new Finding("rule", message));
        assertThat(result.errors()).isEmpty();
    }
}
