package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.NOW;
import static io.agentpolicy.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;

/** The rendered managed-settings.json: canonical bytes, permissions and locks as docs/api.md states. */
class SettingsRendererTest {
    private static final PermissionPolicy ORG = policy("""
            metadata: {name: org-baseline}
            spec:
              tiers: ["3"]
              permissions:
                allow: ["Bash(npm test *)", "Bash(git status)"]
                deny: ["Read(./.env)", "Bash(curl *)"]
                ask: []
                additionalDirectories: ["//srv/shared"]
              settings:
                strictKnownMarketplaces: []
                allowManagedPermissionRulesOnly: true
                companyAnnouncements: ["Agents run under policy \u00e9t\u00e9", "Ask #platform"]
                env: {DISABLE_TELEMETRY: "1"}
                hooks:
                  PreToolUse:
                    - matcher: Bash
                      hooks: [{type: command, command: /opt/policy/check-bash.sh, timeout: 30}]
                sandbox:
                  enabled: true
                  network: {httpProxyPort: 3128, allowedDomains: [github.com, "*.npmjs.org"]}
            """);

    private static final String ORG_BASELINE = """
            {
              "allowManagedPermissionRulesOnly": true,
              "companyAnnouncements": [
                "Agents run under policy \u00e9t\u00e9",
                "Ask #platform"
              ],
              "env": {
                "DISABLE_TELEMETRY": "1"
              },
              "hooks": {
                "PreToolUse": [
                  {
                    "hooks": [
                      {
                        "command": "/opt/policy/check-bash.sh",
                        "timeout": 30,
                        "type": "command"
                      }
                    ],
                    "matcher": "Bash"
                  }
                ]
              },
              "permissions": {
                "additionalDirectories": [
                  "//srv/shared"
                ],
                "allow": [
                  "Bash(git status)",
                  "Bash(npm test *)"
                ],
                "defaultMode": "default",
                "deny": [
                  "Bash(curl *)",
                  "Read(./.env)"
                ]
              },
              "sandbox": {
                "enabled": true,
                "network": {
                  "allowedDomains": [
                    "github.com",
                    "*.npmjs.org"
                  ],
                  "httpProxyPort": 3128
                }
              },
              "strictKnownMarketplaces": []
            }
            """;

    private static MergedPolicy merged(PermissionPolicy... policies) {
        return Fixtures.ENGINE.merge(List.of(policies), NOW);
    }

    @Test
    void baselineIsCanonicalByteForByte() {
        RenderedSettings rendered = SettingsRenderer.renderBaseline(merged(ORG));
        assertThat(rendered.json()).isEqualTo(ORG_BASELINE);
        assertThat(rendered.bytes()).isEqualTo(ORG_BASELINE.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hashIsSha256OfTheBytes() {
        PermissionPolicy tier3 = Fixtures.domainTiers().get(2);
        RenderedSettings rendered = SettingsRenderer.renderBaseline(merged(tier3));
        assertThat(rendered.json()).isEqualTo("{\n  \"permissions\": {\n    \"defaultMode\": \"acceptEdits\"\n  }\n}\n");
        assertThat(rendered.sha256()).isEqualTo("sha256:5b820fcd5af055ff56b9ab996aa89360dcdb8ed506f6014127fd6f46271b3f17");
    }

    @ParameterizedTest(name = "session in {0}")
    @CsvSource(textBlock = """
            plan,              true,  true
            default,           true,  true
            dontAsk,           true,  true
            acceptEdits,       true,  true
            auto,              true,  false
            bypassPermissions, false, true
            """)
    void sessionMapLocksEveryLockableModeButTheEffectiveOne(String mode, boolean bypassLocked, boolean autoLocked) {
        RenderedSettings rendered = SettingsRenderer.renderSession(merged(ORG), PermissionMode.fromValue(mode));
        String json = rendered.json();
        assertThat(json).contains("\"defaultMode\": \"" + mode + "\"");
        assertThat(json.contains("\"disableBypassPermissionsMode\": \"disable\"")).isEqualTo(bypassLocked);
        assertThat(json.contains("\"disableAutoMode\": \"disable\"")).isEqualTo(autoLocked);
        // everything else is the baseline's: the same settings and rules
        ObjectNode session = (ObjectNode) Fixtures.json(json);
        ObjectNode baseline = (ObjectNode) Fixtures.json(ORG_BASELINE);
        assertThat(withoutOwnedKeys(session)).isEqualTo(withoutOwnedKeys(baseline));
        assertThat(rulesOf(session)).isEqualTo(rulesOf(baseline));
    }

    private static JsonNode withoutOwnedKeys(ObjectNode document) {
        return document.deepCopy().without(List.of("permissions", "disableAutoMode"));
    }

    private static JsonNode rulesOf(ObjectNode document) {
        return ((ObjectNode) document.get("permissions")).deepCopy().without(List.of("defaultMode", "disableBypassPermissionsMode"));
    }

    @Test
    void sessionMapIsTheBaselineNarrowedToTheEffectiveMode() {
        MergedPolicy tier1 = merged(Fixtures.domainTiers().get(0));
        assertThat(SettingsRenderer.renderSession(tier1, PermissionMode.DEFAULT).json()).isEqualTo("""
                {
                  "disableAutoMode": "disable",
                  "permissions": {
                    "defaultMode": "default",
                    "deny": [
                      "Bash(rm -rf *)",
                      "Read(./.env)",
                      "Read(./.env.*)"
                    ],
                    "disableBypassPermissionsMode": "disable"
                  }
                }
                """);
    }

    @Test
    void baselineLocksFollowTheAllowedSetNotTheFlagsAlone() {
        PermissionPolicy noBypassAllowed = policy("""
                metadata: {name: p}
                spec: {tiers: ["3"], modes: {allowed: [plan, default, auto]}}
                """);
        assertThat(SettingsRenderer.renderBaseline(merged(noBypassAllowed)).json()).isEqualTo("""
                {
                  "permissions": {
                    "defaultMode": "default",
                    "disableBypassPermissionsMode": "disable"
                  }
                }
                """);
    }

    @Test
    void keysTheTypedFieldsOwnAreNeverPassedThrough() {
        PermissionPolicy sneaky = policy("""
                metadata: {name: p}
                spec:
                  tiers: ["3"]
                  settings: {permissions: {allow: ["*"], defaultMode: bypassPermissions}, disableAutoMode: disable}
                """);
        assertThat(SettingsRenderer.renderBaseline(merged(sneaky)).json()).isEqualTo("""
                {
                  "permissions": {
                    "defaultMode": "default"
                  }
                }
                """);
    }

    @Test
    void renderingIsRepeatable() {
        assertThat(SettingsRenderer.renderBaseline(merged(ORG)).sha256()).isEqualTo(SettingsRenderer.renderBaseline(merged(ORG)).sha256());
        assertThat(SettingsRenderer.renderBaseline(merged(ORG)).bytes()).isNotSameAs(SettingsRenderer.renderBaseline(merged(ORG)).bytes());
    }
}
