package io.agentpolicy.engine;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Checks managed-settings content against {@link ManagedSettingsKeys}: a policy's spec.settings, or a whole file. */
final class SettingsValidator {
    private SettingsValidator() {
    }

    /** spec.settings of a policy: the keys the typed spec fields own are refused, everything else as in a file. */
    static void checkPolicySettings(JsonNode settings, Findings findings) {
        checkTopLevel(settings, "spec.settings", ManagedSettingsKeys.OWNED_BY_POLICY_SPEC, findings);
    }

    /** A complete managed-settings.json, e.g. a rendered ConfigMap that someone edited, or a file given to the CLI. */
    static void checkManagedFile(JsonNode document, Findings findings) {
        checkTopLevel(document, "", ManagedSettingsKeys.MISPLACED_IN_FILE, findings);
    }

    private static void checkTopLevel(JsonNode document, String path, Map<String, SettingType> overrides, Findings findings) {
        if (document == null || !document.isObject()) {
            findings.error(path.isEmpty() ? "managed-settings.json" : path, "must be a JSON object of managed-settings keys, got "
                    + (document == null ? "nothing" : CanonicalJson.compact(document)));
            return;
        }
        SettingType.forEachMember(document, (key, value) -> {
            String keyPath = SettingType.child(path, key);
            SettingType type = overrides.getOrDefault(key, ManagedSettingsKeys.KNOWN.get(key));
            if (type != null) {
                type.check(value, keyPath, findings);
            } else if (ManagedSettingsKeys.GLOBAL_CONFIG_ONLY.contains(key)) {
                findings.warning(keyPath, key + " is a global-config key (~/.claude.json) and is not read from managed settings; "
                        + "remove it");
            } else {
                findings.warning(keyPath, "Claude Code does not know settings key " + key + "; it is rendered but probably ignored"
                        + NearMatch.hint(key, ManagedSettingsKeys.KNOWN.keySet()));
            }
        });
    }
}
