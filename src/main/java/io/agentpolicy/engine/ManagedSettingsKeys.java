package io.agentpolicy.engine;

import static io.agentpolicy.engine.SettingType.array;
import static io.agentpolicy.engine.SettingType.arrayOf;
import static io.agentpolicy.engine.SettingType.bool;
import static io.agentpolicy.engine.SettingType.either;
import static io.agentpolicy.engine.SettingType.integer;
import static io.agentpolicy.engine.SettingType.integerAtLeast;
import static io.agentpolicy.engine.SettingType.integerBetween;
import static io.agentpolicy.engine.SettingType.mapOf;
import static io.agentpolicy.engine.SettingType.nonEmptyString;
import static io.agentpolicy.engine.SettingType.nonEmptyStringArray;
import static io.agentpolicy.engine.SettingType.number;
import static io.agentpolicy.engine.SettingType.numberBetween;
import static io.agentpolicy.engine.SettingType.object;
import static io.agentpolicy.engine.SettingType.oneOf;
import static io.agentpolicy.engine.SettingType.positiveNumber;
import static io.agentpolicy.engine.SettingType.refused;
import static io.agentpolicy.engine.SettingType.string;
import static io.agentpolicy.engine.SettingType.stringArray;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentpolicy.api.PermissionMode;

/**
 * The managed-settings.json keys Claude Code knows and the type of each, transcribed from
 * shared/docs/claude-code-settings.md §1, §2, §5 and §6 (Claude Code v2.1.240, SchemaStore 3b6446ad). Update this table,
 * and only this table, when a pinned Claude Code version adds or changes keys.
 */
final class ManagedSettingsKeys {

    /** Keys of ~/.claude.json that some people put into settings files; Claude Code does not read them there. */
    static final Set<String> GLOBAL_CONFIG_ONLY = Set.of("autoConnectIde", "autoInstallIdeExtension", "diffTool",
            "externalEditorContext", "permissionExplainerEnabled", "teammateDefaultModel");

    private static final List<String> HOOK_EVENTS = List.of("ConfigChange", "CwdChanged", "DirectoryAdded", "Elicitation",
            "ElicitationResult", "FileChanged", "InstructionsLoaded", "MessageDisplay", "Notification", "PermissionDenied",
            "PermissionRequest", "PostCompact", "PostToolBatch", "PostToolUse", "PostToolUseFailure", "PreCompact", "PreToolUse",
            "SessionEnd", "SessionStart", "Setup", "Stop", "StopFailure", "SubagentStart", "SubagentStop", "TaskCompleted",
            "TaskCreated", "TeammateIdle", "UserPromptExpansion", "UserPromptSubmit", "WorktreeCreate", "WorktreeRemove");

    private static final SettingType DISABLE = oneOf("disable");

    /** permissions.defaultMode: the six modes plus the documented alias manual. */
    private static final SettingType DEFAULT_MODE = oneOf(Stream.concat(
            Arrays.stream(PermissionMode.values()).map(PermissionMode::value), Stream.of("manual")).toArray(String[]::new));

    private static final SettingType HOOKS = hooks();

    // shapes read from Claude Code 2.1.328's own settings schema; the client drops a value that does not fit
    private static final SettingType ATTRIBUTION = new SettingType.Shape("attribution setting", fields(
            "commit", string(),
            "pr", string(),
            "sessionUrl", bool()), Set.of());
    private static final SettingType STATUS_LINE = new SettingType.Shape("statusLine setting", fields(
            "type", oneOf("command"),
            "command", string(),
            "padding", number(),
            "refreshInterval", integerAtLeast(1),
            "hideVimModeIndicator", bool()), Set.of("type", "command"));
    private static final SettingType MCP_SERVER_MATCHER = new SettingType.Shape("MCP server matcher", fields(
            "serverName", new SettingType.Scalar("a server name of letters, digits, _ and -",
                    value -> value.isTextual() && value.textValue().matches("[a-zA-Z0-9_-]+")),
            "serverCommand", nonEmptyStringArray(),
            "serverUrl", nonEmptyString()), Set.of());

    private static final SettingType SANDBOX = new SettingType.Shape("sandbox setting", fields(
            "enabled", bool(),
            "failIfUnavailable", bool(),
            "autoAllowBashIfSandboxed", bool(),
            "allowUnsandboxedCommands", bool(),
            "enableWeakerNestedSandbox", bool(),
            "enableWeakerNetworkIsolation", bool(),
            "allowAppleEvents", bool(),
            "excludedCommands", stringArray(),
            "filesystem", new SettingType.Shape("sandbox.filesystem setting", fields(
                    "allowWrite", stringArray(),
                    "denyWrite", stringArray(),
                    "denyRead", stringArray(),
                    "allowRead", stringArray(),
                    "allowManagedReadPathsOnly", bool(),
                    "disabled", bool()), Set.of()),
            "network", new SettingType.Shape("sandbox.network setting", fields(
                    "allowedDomains", stringArray(),
                    "deniedDomains", stringArray(),
                    "allowManagedDomainsOnly", bool(),
                    "allowUnixSockets", stringArray(),
                    "allowAllUnixSockets", bool(),
                    "allowLocalBinding", bool(),
                    "allowMachLookup", array(),
                    "strictAllowlist", bool(),
                    "httpProxyPort", integerBetween(1, 65535),
                    "socksProxyPort", integerBetween(1, 65535),
                    "tlsTerminate", new SettingType.Shape("sandbox.network.tlsTerminate setting", fields(
                            "caCertPath", string(),
                            "caKeyPath", string()), Set.of())), Set.of()),
            // the docs add credentials.awsPairs/sigv4 that the schema lacks: check no deeper than "an object"
            "credentials", object(),
            "bwrapPath", string(),
            "socatPath", string(),
            "enabledPlatforms", arrayOf(oneOf("macos", "linux", "wsl", "windows")),
            "ignoreViolations", object(),
            "ripgrep", object()), Set.of());

    /** Every top-level key of §1 that may appear in a managed file, with its type. */
    static final Map<String, SettingType> KNOWN = fields(
            "$schema", string(),
            "advisorModel", string(),
            "agent", string(),
            "agentPushNotifEnabled", bool(),
            "allowAllClaudeAiMcps", bool(),
            "allowedChannelPlugins", array(),
            "allowedHttpHookUrls", stringArray(),
            "allowedMcpServers", arrayOf(MCP_SERVER_MATCHER),
            "allowManagedHooksOnly", bool(),
            "allowManagedMcpServersOnly", bool(),
            "allowManagedPermissionRulesOnly", bool(),
            "alwaysThinkingEnabled", bool(),
            "apiKeyHelper", nonEmptyString(),
            "askUserQuestionTimeout", oneOf("60s", "5m", "10m", "never"),
            "attribution", ATTRIBUTION,
            "autoCompactEnabled", bool(),
            "autoCompactWindow", integerBetween(100000, 1000000),
            "autoMemoryDirectory", string(),
            "autoMemoryEnabled", bool(),
            "autoMode", object(),
            "autoScrollEnabled", bool(),
            "autoUpdatesChannel", oneOf("stable", "latest"),
            "availableModels", stringArray(),
            "awaySummaryEnabled", bool(),
            "awsAuthRefresh", nonEmptyString(),
            "awsCredentialExport", nonEmptyString(),
            "axScreenReader", bool(),
            "blockedMarketplaces", array(),
            "browserExternalPageTools", oneOf("disabled"),
            "channelsEnabled", bool(),
            "claudeMd", string(),
            "claudeMdExcludes", stringArray(),
            "cleanupPeriodDays", integerAtLeast(1),
            "companyAnnouncements", stringArray(),
            "crossSessionInbound", oneOf("accept", "hold", "refuse"),
            "defaultShell", oneOf("bash", "powershell"),
            "deniedMcpServers", arrayOf(MCP_SERVER_MATCHER),
            "dialogExpiry", oneOf("60s", "5m", "10m", "never"),
            "disableAgentView", bool(),
            "disableAllHooks", bool(),
            "disableArtifact", bool(),
            "disableAutoMode", DISABLE,
            "disableBrowserExternalNavigation", bool(),
            "disableBundledSkills", bool(),
            "disableClaudeAiConnectors", bool(),
            "disableCommandPluginSources", bool(),
            "disableDeepLinkRegistration", DISABLE,
            "disabledMcpjsonServers", stringArray(),
            "disableMobileSimulatorTools", bool(),
            "disableRemoteControl", bool(),
            "disableSideloadFlags", bool(),
            "disableSkillShellExecution", bool(),
            "disableWorkflows", bool(),
            "editorMode", oneOf("normal", "vim"),
            "effortLevel", oneOf("low", "medium", "high", "xhigh"),
            "emojiCompletionEnabled", bool(),
            "enableAllProjectMcpServers", bool(),
            "enableArtifact", bool(),
            "enabledMcpjsonServers", stringArray(),
            "enabledPlugins", object(),
            "enableWorkflows", bool(),
            "enforceAvailableModels", bool(),
            "env", mapOf(new EnvValue()),
            "extraKnownMarketplaces", object(),
            "fallbackModel", stringArray(),
            "fastMode", bool(),
            "fastModePerSessionOptIn", bool(),
            "feedbackSurveyRate", numberBetween(0, 1),
            "fileCheckpointingEnabled", bool(),
            "fileSuggestion", object(),
            "footerLinksRegexes", array(),
            "forceLoginGatewayUrl", string(),
            "forceLoginMethod", oneOf("claudeai", "console", "gateway"),
            "forceLoginOrgUUID", either(string(), nonEmptyStringArray()),
            "forceRemoteSettingsRefresh", bool(),
            "gcpAuthRefresh", string(),
            "hooks", HOOKS,
            "httpHookAllowedEnvVars", stringArray(),
            "includeCoAuthoredBy", bool(),
            "includeGitInstructions", bool(),
            "inputNeededNotifEnabled", bool(),
            "isolatePeerMachines", bool(),
            "keybindingFlavor", oneOf("classic", "readline"),
            "language", string(),
            "managedMcpServers", array(),
            "minimumVersion", string(),
            "model", string(),
            "modelOverrides", object(),
            "otelHeadersHelper", string(),
            "outputStyle", string(),
            "parentSettingsBehavior", oneOf("first-wins", "merge"),
            "permissions", new SettingType.Shape("permissions key", fields(
                    "allow", arrayOf(new Rule(RuleGrammar.ListKind.ALLOW)),
                    "ask", arrayOf(new Rule(RuleGrammar.ListKind.ASK)),
                    "deny", arrayOf(new Rule(RuleGrammar.ListKind.DENY)),
                    "additionalDirectories", nonEmptyStringArray(),
                    "defaultMode", DEFAULT_MODE,
                    "disableBypassPermissionsMode", DISABLE,
                    "disableAutoMode", DISABLE), Set.of()),
            "plansDirectory", string(),
            "pluginConfigs", object(),
            "pluginSuggestionMarketplaces", stringArray(),
            "pluginTrustMessage", string(),
            "policyHelper", object(),
            "preferredNotifChannel", oneOf("auto", "terminal_bell", "iterm2", "iterm2_with_bell", "kitty", "ghostty",
                    "notifications_disabled"),
            "prefersReducedMotion", bool(),
            "processWrapper", string(),
            "promptSuggestionEnabled", bool(),
            "prUrlTemplate", string(),
            "remote", object(),
            "remoteControlAtStartup", bool(),
            "requireCoworkFullVmSandbox", bool(),
            "requiredMaximumVersion", string(),
            "requiredMinimumVersion", string(),
            "respectGitignore", bool(),
            "respondToBashCommands", bool(),
            "sandbox", SANDBOX,
            "showClearContextOnPlanAccept", bool(),
            "showThinkingSummaries", bool(),
            "showTurnDuration", bool(),
            "skillListingBudgetFraction", number(),
            "skillListingMaxDescChars", integer(),
            "skillOverrides", object(),
            "skipAutoPermissionPrompt", bool(),
            "skipDangerousModePermissionPrompt", bool(),
            "skippedMarketplaces", stringArray(),
            "skippedPlugins", stringArray(),
            "skipWebFetchPreflight", bool(),
            "spellcheck", object(),
            "spinnerTipsEnabled", bool(),
            "spinnerTipsOverride", object(),
            "spinnerVerbs", object(),
            "sshConfigs", array(),
            "sshHostAllowlist", stringArray(),
            "statusLine", STATUS_LINE,
            "strictKnownMarketplaces", array(),
            "strictPluginOnlyCustomization", either(bool(), arrayOf(oneOf("skills", "agents", "hooks", "mcp"))),
            "subagentStatusLine", object(),
            "switchModelsOnFlag", bool(),
            "syncClaudeAiSkills", bool(),
            "syntaxHighlightingDisabled", bool(),
            "teammateMode", oneOf("auto", "in-process", "tmux", "iterm2"),
            "terminalProgressBarEnabled", bool(),
            "terminalTitleFromRename", bool(),
            "theme", string(),
            "tui", oneOf("fullscreen", "default"),
            "ultracode", bool(),
            "useAutoModeDuringPlan", bool(),
            "verbose", bool(),
            "viewMode", oneOf("default", "verbose", "focus"),
            "vimInsertModeRemaps", object(),
            "voice", object(),
            "voiceEnabled", bool(),
            "wheelScrollAccelerationEnabled", bool(),
            "workflowKeywordTriggerEnabled", bool(),
            "workflowSizeGuideline", oneOf("unrestricted", "small", "medium", "large"),
            "worktree", object(),
            "wslInheritsWindowsSettings", bool());

    /** In a policy's spec.settings, the keys the typed spec fields render: giving them there is an error. */
    static final Map<String, SettingType> OWNED_BY_POLICY_SPEC = fields(
            "permissions", refused("settings must not contain permissions: use spec.permissions for allow/ask/deny/"
                    + "additionalDirectories and spec.modes for the default mode and the bypass/auto locks"),
            "disableAutoMode", refused("settings must not contain disableAutoMode: it is owned by spec.modes.disableAuto; "
                    + "set spec.modes.disableAuto: true instead"),
            "disableBypassPermissionsMode", refused("disableBypassPermissionsMode belongs under permissions (Claude Code "
                    + "ignores it at the top level) and is owned by spec.modes.disableBypassPermissions; set "
                    + "spec.modes.disableBypassPermissions: true instead"));

    /** In a whole managed-settings.json, a key that is commonly put at the wrong level. */
    static final Map<String, SettingType> MISPLACED_IN_FILE = fields(
            "disableBypassPermissionsMode", refused("disableBypassPermissionsMode belongs under permissions (Claude Code "
                    + "ignores it at the top level); write \"permissions\": {\"disableBypassPermissionsMode\": \"disable\"}"));

    private ManagedSettingsKeys() {
    }

    private static SettingType hooks() {
        SettingType.Shape common = new SettingType.Shape("hook handler field", fields(
                "type", oneOf("command", "http", "mcp_tool", "prompt", "agent"),
                "timeout", positiveNumber(),
                "if", string(),
                "statusMessage", string()), Set.of());
        Map<String, SettingType.Shape> handlers = new LinkedHashMap<>();
        handlers.put("command", common.with(fields("command", string(), "args", stringArray(), "async", bool(),
                "asyncRewake", bool(), "shell", oneOf("bash", "powershell")), Set.of("command")));
        handlers.put("http", common.with(fields("url", string(), "headers", mapOf(string()), "allowedEnvVars", stringArray()),
                Set.of("url")));
        handlers.put("mcp_tool", common.with(fields("server", string(), "tool", string(), "input", object()),
                Set.of("server", "tool")));
        handlers.put("prompt", common.with(fields("prompt", string(), "model", string()), Set.of("prompt")));
        handlers.put("agent", handlers.get("prompt"));
        SettingType matcherGroup = new SettingType.Shape("matcher group field", fields(
                "matcher", string(),
                "hooks", arrayOf(new HookHandler(handlers))), Set.of("hooks"));
        Map<String, SettingType> events = new LinkedHashMap<>();
        HOOK_EVENTS.forEach(event -> events.put(event, arrayOf(matcherGroup)));
        return new SettingType.Shape("hook event", events, Set.of());
    }

    /** A map from alternating key, type arguments, keeping their order. */
    private static Map<String, SettingType> fields(Object... keysAndTypes) {
        Map<String, SettingType> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndTypes.length; i += 2) {
            fields.put((String) keysAndTypes[i], (SettingType) keysAndTypes[i + 1]);
        }
        return fields;
    }

    /** env values must be strings; numbers and booleans are the usual slip, so say how to quote them. */
    private record EnvValue() implements SettingType {
        @Override
        public String expectation() {
            return "a string";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isTextual();
        }

        @Override
        public void check(JsonNode value, String path, Findings findings) {
            if (value.isNumber() || value.isBoolean()) {
                findings.error(path, "must be a string; quote it: \"" + CanonicalJson.compact(value) + "\"");
            } else {
                SettingType.super.check(value, path, findings);
            }
        }
    }

    /** A permission rule string in the given list, checked against the rule grammar. */
    private record Rule(RuleGrammar.ListKind list) implements SettingType {
        @Override
        public String expectation() {
            return "a permission rule string";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isTextual();
        }

        @Override
        public void checkInside(JsonNode value, String path, Findings findings) {
            RuleGrammar.check(value.textValue(), list, path, findings);
        }
    }

    /** A hook handler: its type field picks which other fields it must and may have. */
    private record HookHandler(Map<String, SettingType.Shape> byType) implements SettingType {
        @Override
        public String expectation() {
            return "a hook handler object such as {\"type\": \"command\", \"command\": \"...\"}";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isObject();
        }

        @Override
        public void checkInside(JsonNode value, String path, Findings findings) {
            JsonNode type = value.get("type");
            SettingType.Shape shape = type != null && type.isTextual() ? byType.get(type.textValue()) : null;
            if (shape == null) {
                findings.error(SettingType.child(path, "type"), "must be one of " + String.join(", ", byType.keySet())
                        + (type == null ? " (it is required)" : ", got " + CanonicalJson.compact(type)));
            } else {
                shape.checkInside(value, path, findings);
            }
        }
    }
}
