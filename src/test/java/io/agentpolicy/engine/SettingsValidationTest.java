package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.NOW;
import static io.agentpolicy.engine.Fixtures.json;
import static io.agentpolicy.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.agentpolicy.api.PermissionPolicy;

/** The settings passthrough of a policy and whole managed-settings.json files, one case per message. */
class SettingsValidationTest {

    /** Validates a policy whose spec.settings is the given JSON. */
    private static ValidationResult validateSettings(String settingsJson) {
        PermissionPolicy p = policy("metadata: {name: p}\nspec: {tiers: [\"1\"]}");
        p.getSpec().setSettings(json(settingsJson));
        return Fixtures.ENGINE.validate(p, NOW);
    }

    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"permissions": {"disableBypassPermissionsMode": true}} | spec.settings.permissions | settings must not contain permissions: use spec.permissions for allow/ask/deny/additionalDirectories and spec.modes for the default mode and the bypass/auto locks
            {"disableAutoMode": "disable"}                 | spec.settings.disableAutoMode | settings must not contain disableAutoMode: it is owned by spec.modes.disableAuto; set spec.modes.disableAuto: true instead
            {"disableBypassPermissionsMode": "disable"}    | spec.settings.disableBypassPermissionsMode | disableBypassPermissionsMode belongs under permissions (Claude Code ignores it at the top level) and is owned by spec.modes.disableBypassPermissions; set spec.modes.disableBypassPermissions: true instead
            {"allowManagedPermissionRulesOnly": "yes"}     | spec.settings.allowManagedPermissionRulesOnly | must be a boolean (true or false), got "yes"
            {"cleanupPeriodDays": 0}                       | spec.settings.cleanupPeriodDays | must be an integer >= 1, got 0
            {"cleanupPeriodDays": 1.5}                     | spec.settings.cleanupPeriodDays | must be an integer >= 1, got 1.5
            {"autoCompactWindow": 5}                       | spec.settings.autoCompactWindow | must be an integer between 100000 and 1000000, got 5
            {"feedbackSurveyRate": 2}                      | spec.settings.feedbackSurveyRate | must be a number between 0 and 1, got 2
            {"skillListingMaxDescChars": "80"}             | spec.settings.skillListingMaxDescChars | must be an integer, got "80"
            {"skillListingBudgetFraction": "half"}         | spec.settings.skillListingBudgetFraction | must be a number, got "half"
            {"effortLevel": "max"}                         | spec.settings.effortLevel | must be one of low, medium, high, xhigh, got "max"
            {"disableDeepLinkRegistration": true}          | spec.settings.disableDeepLinkRegistration | must be the string "disable" (booleans are not accepted by Claude Code)
            {"apiKeyHelper": ""}                           | spec.settings.apiKeyHelper | must be a non-empty string, got ""
            {"model": 4}                                   | spec.settings.model | must be a string, got 4
            {"availableModels": ["sonnet", 3]}             | spec.settings.availableModels[1] | must be a string, got 3
            {"companyAnnouncements": "hello"}              | spec.settings.companyAnnouncements | must be an array of strings, got "hello"
            {"strictKnownMarketplaces": {}}                | spec.settings.strictKnownMarketplaces | must be an array, got {}
            {"enabledPlugins": []}                         | spec.settings.enabledPlugins | must be an object, got []
            {"forceLoginOrgUUID": 5}                       | spec.settings.forceLoginOrgUUID | must be a string or an array of non-empty strings, got 5
            {"forceLoginOrgUUID": [""]}                    | spec.settings.forceLoginOrgUUID[0] | must be a non-empty string, got ""
            {"strictPluginOnlyCustomization": ["skills", "themes"]} | spec.settings.strictPluginOnlyCustomization[1] | must be one of skills, agents, hooks, mcp, got "themes"
            {"env": {"DEBUG": 1}}                          | spec.settings.env.DEBUG | must be a string; quote it: "1"
            {"env": {"VERBOSE": true}}                     | spec.settings.env.VERBOSE | must be a string; quote it: "true"
            {"env": {"OPTS": {"a": 1}}}                    | spec.settings.env.OPTS | must be a string, got {"a":1}
            {"hooks": {"PreToolUsage": []}}                | spec.settings.hooks.PreToolUsage | Claude Code does not know hook event PreToolUsage and drops it; did you mean "PreToolUse"?
            {"hooks": {"Stop": {"hooks": []}}}             | spec.settings.hooks.Stop | must be an array, got {"hooks":[]}
            {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": "x"}]}} | spec.settings.hooks.PreToolUse[0].hooks | must be an array, got "x"
            {"hooks": {"PreToolUse": [{"matcher": 1, "hooks": []}]}} | spec.settings.hooks.PreToolUse[0].matcher | must be a string, got 1
            {"hooks": {"PreToolUse": [{"matcher": "Bash"}]}} | spec.settings.hooks.PreToolUse[0].hooks | is required
            {"hooks": {"PreToolUse": [{"hooks": [{"command": "x"}]}]}} | spec.settings.hooks.PreToolUse[0].hooks[0].type | must be one of command, http, mcp_tool, prompt, agent (it is required)
            {"hooks": {"PreToolUse": [{"hooks": [{"type": "script", "command": "x"}]}]}} | spec.settings.hooks.PreToolUse[0].hooks[0].type | must be one of command, http, mcp_tool, prompt, agent, got "script"
            {"hooks": {"PreToolUse": [{"hooks": [{"type": "command"}]}]}} | spec.settings.hooks.PreToolUse[0].hooks[0].command | is required
            {"hooks": {"PostToolUse": [{"hooks": [{"type": "http", "headers": {}}]}]}} | spec.settings.hooks.PostToolUse[0].hooks[0].url | is required
            {"hooks": {"Stop": [{"hooks": [{"type": "mcp_tool", "server": "s"}]}]}} | spec.settings.hooks.Stop[0].hooks[0].tool | is required
            {"hooks": {"Stop": [{"hooks": [{"type": "agent"}]}]}} | spec.settings.hooks.Stop[0].hooks[0].prompt | is required
            {"hooks": {"Stop": [{"hooks": [{"type": "prompt", "prompt": "p", "timeout": 0}]}]}} | spec.settings.hooks.Stop[0].hooks[0].timeout | must be a number > 0, got 0
            {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "shell": "zsh"}]}]}} | spec.settings.hooks.Stop[0].hooks[0].shell | must be one of bash, powershell, got "zsh"
            {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "url": "u"}]}]}} | spec.settings.hooks.Stop[0].hooks[0].url | Claude Code does not know hook handler field url and drops it
            {"sandbox": {"enable": true}}                  | spec.settings.sandbox.enable | Claude Code does not know sandbox setting enable and drops it; did you mean "enabled"?
            {"sandbox": {"enabled": "yes"}}                | spec.settings.sandbox.enabled | must be a boolean (true or false), got "yes"
            {"sandbox": {"network": {"httpProxyPort": 70000}}} | spec.settings.sandbox.network.httpProxyPort | must be an integer between 1 and 65535, got 70000
            {"sandbox": {"network": {"socksProxyPort": 0}}} | spec.settings.sandbox.network.socksProxyPort | must be an integer between 1 and 65535, got 0
            {"sandbox": {"filesystem": {"denyRead": "~/.aws"}}} | spec.settings.sandbox.filesystem.denyRead | must be an array of strings, got "~/.aws"
            {"sandbox": {"network": {"allowedDomain": []}}} | spec.settings.sandbox.network.allowedDomain | Claude Code does not know sandbox.network setting allowedDomain and drops it; did you mean "allowedDomains"?
            {"sandbox": {"enabledPlatforms": ["linux", "freebsd"]}} | spec.settings.sandbox.enabledPlatforms[1] | must be one of macos, linux, wsl, windows, got "freebsd"
            """)
    void policySettingsErrors(String settings, String field, String message) {
        ValidationResult result = validateSettings(settings);
        assertThat(result.errors()).containsExactly(new Finding(field, message));
        assertThat(result.warnings()).isEmpty();
    }

    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"modle": "opus"}          | spec.settings.modle | Claude Code does not know settings key modle; it is rendered but probably ignored; did you mean "model"?
            {"frobnicate": true}       | spec.settings.frobnicate | Claude Code does not know settings key frobnicate; it is rendered but probably ignored
            {"autoConnectIde": true}   | spec.settings.autoConnectIde | autoConnectIde is a global-config key (~/.claude.json) and is not read from managed settings; remove it
            {"diffTool": "vimdiff"}    | spec.settings.diffTool | diffTool is a global-config key (~/.claude.json) and is not read from managed settings; remove it
            """)
    void policySettingsWarnings(String settings, String field, String message) {
        ValidationResult result = validateSettings(settings);
        assertThat(result.warnings()).containsExactly(new Finding(field, message));
        assertThat(result.errors()).isEmpty();
    }

    @Test
    void realisticSettingsAreValid() {
        ValidationResult result = validateSettings("""
                {"$schema": "https://json.schemastore.org/claude-code-settings.json",
                 "allowManagedPermissionRulesOnly": true, "allowManagedHooksOnly": true, "strictKnownMarketplaces": [],
                 "env": {"DISABLE_TELEMETRY": "1", "EMPTY": "", "NULLED": null}, "cleanupPeriodDays": 14, "effortLevel": "high",
                 "forceLoginOrgUUID": "0f2b", "strictPluginOnlyCustomization": true, "model": null,
                 "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
                     {"type": "command", "command": "/opt/policy/check-bash.sh", "timeout": 30, "shell": "bash"},
                     {"type": "http", "url": "https://hooks.example.com/x", "headers": {"X-Token": "t"}, "allowedEnvVars": ["T"]},
                     {"type": "mcp_tool", "server": "audit", "tool": "record", "input": {}},
                     {"type": "prompt", "prompt": "Is this safe?", "model": "haiku", "timeout": 0.5},
                     {"type": "agent", "prompt": "Review", "if": "Bash(git push *)", "statusMessage": "reviewing"}]}],
                   "SessionStart": [{"hooks": [{"type": "command", "command": "echo hi", "args": ["-n"], "async": true}]}]},
                 "sandbox": {"enabled": true, "failIfUnavailable": true, "excludedCommands": ["docker *"],
                   "filesystem": {"allowWrite": ["/tmp/build"], "denyRead": ["~/.aws/credentials"], "allowManagedReadPathsOnly": true},
                   "network": {"allowedDomains": ["github.com"], "allowManagedDomainsOnly": true, "httpProxyPort": 3128,
                     "socksProxyPort": 1080, "tlsTerminate": {"caCertPath": "/ca.pem", "caKeyPath": "/ca.key"}},
                   "credentials": {"files": [{"path": "~/.aws/credentials", "mode": "deny"}], "awsPairs": []},
                   "bwrapPath": "/usr/bin/bwrap", "enabledPlatforms": ["linux"]}}
                """);
        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void settingsMustBeAnObject() {
        assertThat(validateSettings("[1]").errors()).containsExactly(
                new Finding("spec.settings", "must be a JSON object of managed-settings keys, got [1]"));
    }

    // ---- a whole managed-settings.json (drift checks, the CLI) ----

    private static ValidationResult validateFile(String json) {
        return Fixtures.ENGINE.validateManagedSettings(json(json));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"permissions": {"disableBypassPermissionsMode": true}} | permissions.disableBypassPermissionsMode | must be the string "disable" (booleans are not accepted by Claude Code)
            {"permissions": {"disableAutoMode": true}}       | permissions.disableAutoMode | must be the string "disable" (booleans are not accepted by Claude Code)
            {"disableAutoMode": true}                        | disableAutoMode | must be the string "disable" (booleans are not accepted by Claude Code)
            {"disableAutoMode": "disabled"}                  | disableAutoMode | must be the string "disable", got "disabled"
            {"disableBypassPermissionsMode": "disable"}      | disableBypassPermissionsMode | disableBypassPermissionsMode belongs under permissions (Claude Code ignores it at the top level); write "permissions": {"disableBypassPermissionsMode": "disable"}
            {"permissions": {"defaultmode": "plan"}}         | permissions.defaultmode | Claude Code does not know permissions key defaultmode and drops it; did you mean "defaultMode"?
            {"permissions": {"defaultMode": "yolo"}}         | permissions.defaultMode | must be one of plan, default, dontAsk, acceptEdits, auto, bypassPermissions, manual, got "yolo"
            {"permissions": {"allow": ["Bash", "*"]}}        | permissions.allow[1] | tool-name glob "*" in an allow rule is skipped by Claude Code; allow rules may glob only after a literal mcp__<server>__ prefix (e.g. mcp__github__get_*). Name the tools, or use the glob in deny or ask
            {"permissions": {"deny": "Bash"}}                | permissions.deny | must be an array, got "Bash"
            {"permissions": {"ask": [7]}}                    | permissions.ask[0] | must be a permission rule string, got 7
            {"permissions": {"additionalDirectories": [""]}} | permissions.additionalDirectories[0] | must be a non-empty string, got ""
            {"permissions": []}                              | permissions | must be an object, got []
            """)
    void managedFileErrors(String document, String field, String message) {
        ValidationResult result = validateFile(document);
        assertThat(result.errors()).containsExactly(new Finding(field, message));
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void managedFileRuleWarningsUseTheGrammar() {
        assertThat(validateFile("{\"permissions\": {\"deny\": [\"Read(/etc/shadow)\"]}}").warnings())
                .extracting(Finding::field).containsExactly("permissions.deny[0]");
    }

    @Test
    void aManagedFileMustBeAnObject() {
        assertThat(validateFile("\"disable\"").errors()).containsExactly(
                new Finding("managed-settings.json", "must be a JSON object of managed-settings keys, got \"disable\""));
    }

    @Test
    void everythingTheRendererWritesPassesTheManagedFileCheck() {
        for (String tier : List.of("1", "2", "3", "4")) {
            MergedPolicy merged = Fixtures.ENGINE.merge(Fixtures.ENGINE.forBaseline(Fixtures.domainTiers(), Fixtures.tier(tier)), NOW);
            for (RenderedSettings rendered : List.of(SettingsRenderer.renderBaseline(merged),
                    SettingsRenderer.renderSession(merged, merged.defaultMode()))) {
                ValidationResult result = validateFile(rendered.json());
                assertThat(result.errors()).as(rendered.json()).isEmpty();
                assertThat(result.warnings()).as(rendered.json()).isEmpty();
            }
        }
    }
}
