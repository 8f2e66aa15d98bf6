package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.NOW;
import static io.agentpolicy.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;

/** The rendered managed-settings.json: canonical bytes, permissions and locks as shared/docs/api.md states. */
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
        assertThat(rendered.json()).isEqualTo("{\n  \"disableAutoMode\": \"disable\",\n  \"permissions\": {\n"
                + "    \"defaultMode\": \"acceptEdits\",\n    \"disableBypassPermissionsMode\": \"disable\"\n  }\n}\n");
        assertThat(rendered.sha256()).isEqualTo("sha256:c543254d4ab8988ce543dcc17a22f5054fd02b42b91f64facea60fd20a8239f7");
    }

    @ParameterizedTest(name = "session in {0}")
    @CsvSource(textBlock = """
            plan,              true,  true,  'Bash,Edit,NotebookEdit,Write', ''
            default,           true,  true,  '',                             'Bash,Edit,NotebookEdit,Write'
            dontAsk,           true,  true,  '',                             'Bash,Edit,NotebookEdit,Write'
            acceptEdits,       true,  true,  '',                             ''
            auto,              true,  false, '',                             ''
            bypassPermissions, false, true,  '',                             ''
            """)
    void sessionMapLocksEveryLockableModeButTheEffectiveOneAndCarriesItsCapRules(String mode, boolean bypassLocked,
            boolean autoLocked, String capDeny, String capAsk) {
        RenderedSettings rendered = SettingsRenderer.renderSession(merged(ORG), PermissionMode.fromValue(mode));
        String json = rendered.json();
        assertThat(json).contains("\"defaultMode\": \"" + mode + "\"");
        assertThat(json.contains("\"disableBypassPermissionsMode\": \"disable\"")).isEqualTo(bypassLocked);
        assertThat(json.contains("\"disableAutoMode\": \"disable\"")).isEqualTo(autoLocked);
        // everything else is the baseline's (whose cap, bypassPermissions, adds no rules) plus the cap's rules
        ObjectNode session = (ObjectNode) Fixtures.json(json);
        ObjectNode baseline = (ObjectNode) Fixtures.json(ORG_BASELINE);
        assertThat(withoutOwnedKeys(session)).isEqualTo(withoutOwnedKeys(baseline));
        ObjectNode expectedRules = (ObjectNode) rulesOf(baseline);
        addRules(expectedRules, "deny", capDeny);
        addRules(expectedRules, "ask", capAsk);
        assertThat(rulesOf(session)).isEqualTo(expectedRules);
    }

    private static void addRules(ObjectNode permissions, String key, String rules) {
        if (rules.isEmpty()) {
            return;
        }
        TreeSet<String> all = new TreeSet<>(List.of(rules.split(",")));
        if (permissions.has(key)) {
            permissions.get(key).forEach(rule -> all.add(rule.asText()));
        }
        all.forEach(permissions.putArray(key)::add);
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
                    "ask": [
                      "Bash",
                      "Edit",
                      "NotebookEdit",
                      "Write"
                    ],
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
    void namespaceMapIsCappedAsAJuniorsSession() {
        PermissionPolicy juniorsDefault = policy("""
                metadata: {name: p}
                spec:
                  tiers: ["3"]
                  modes: {default: acceptEdits}
                  seniority:
                    junior: {maxMode: default}
                    senior: {maxMode: bypassPermissions, groups: [eng-senior]}
                """);
        // all six allowed, but an agent without a session is a junior: default, with the cap's ask rules, both locks
        assertThat(SettingsRenderer.renderBaseline(merged(juniorsDefault)).json()).isEqualTo("""
                {
                  "disableAutoMode": "disable",
                  "permissions": {
                    "ask": [
                      "Bash",
                      "Edit",
                      "NotebookEdit",
                      "Write"
                    ],
                    "defaultMode": "default",
                    "disableBypassPermissionsMode": "disable"
                  }
                }
                """);
    }

    @Test
    void namespaceMapLeavesAutoUnlockedOnlyWhenItIsAllowedAndWithinTheJuniorCap() {
        PermissionPolicy juniorsAuto = policy("""
                metadata: {name: p}
                spec: {tiers: ["3"], modes: {default: bypassPermissions}, seniority: {junior: {maxMode: auto}}}
                """);
        assertThat(SettingsRenderer.renderBaseline(merged(juniorsAuto)).json()).isEqualTo("""
                {
                  "permissions": {
                    "defaultMode": "auto",
                    "disableBypassPermissionsMode": "disable"
                  }
                }
                """);
    }

    @Test
    void anActiveEmergencyOverrideCapsTheNamespaceMapAndItsRules() {
        PermissionPolicy lockedDown = policy("""
                metadata: {name: p}
                spec:
                  tiers: ["4"]
                  modes: {default: bypassPermissions}
                  emergencyOverride: {maxMode: plan, reason: INC-1, expiresAt: "2026-11-21T18:00:00Z"}
                """);
        assertThat(SettingsRenderer.renderBaseline(merged(lockedDown)).json()).isEqualTo("""
                {
                  "disableAutoMode": "disable",
                  "permissions": {
                    "defaultMode": "plan",
                    "deny": [
                      "Bash",
                      "Edit",
                      "NotebookEdit",
                      "Write"
                    ],
                    "disableBypassPermissionsMode": "disable"
                  }
                }
                """);
    }

    @Test
    void aJuniorCapBelowEveryAllowedModeHoldsTheNamespaceMapBelowThemToo() {
        PermissionPolicy editsOnly = policy("""
                metadata: {name: p}
                spec: {tiers: ["3"], modes: {default: acceptEdits, allowed: [acceptEdits]}, seniority: {junior: {maxMode: plan}}}
                """);
        assertThat(SettingsRenderer.renderBaseline(merged(editsOnly)).json()).contains("\"defaultMode\": \"plan\"")
                .contains("\"deny\": [\n      \"Bash\",");
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
