package io.agentpolicy.engine;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentpolicy.api.PermissionMode;

/**
 * Renders merged policies into the canonical managed-settings.json of docs/api.md: the settings passthrough plus
 * the permissions and mode locks the typed spec fields own.
 */
public final class SettingsRenderer {
    private static final String DISABLE = "disable";

    private SettingsRenderer() {
    }

    /** The namespace baseline: the effective default mode, and locks for bypassPermissions/auto when outside the allowed set. */
    public static RenderedSettings renderBaseline(MergedPolicy merged) {
        return render(merged, merged.defaultMode(), merged.bypassLocked(), merged.autoLocked());
    }

    /** A running session's map: the baseline narrowed to its effective mode, every other lockable mode locked. */
    public static RenderedSettings renderSession(MergedPolicy merged, PermissionMode effectiveMode) {
        return render(merged, effectiveMode, effectiveMode != PermissionMode.BYPASS_PERMISSIONS, effectiveMode != PermissionMode.AUTO);
    }

    private static RenderedSettings render(MergedPolicy merged, PermissionMode defaultMode, boolean lockBypass, boolean lockAuto) {
        ObjectNode document = merged.settings();
        ObjectNode permissions = document.putObject("permissions"); // owned by spec.permissions/spec.modes, never passed through
        putList(permissions, "allow", merged.allow());
        putList(permissions, "ask", merged.ask());
        putList(permissions, "deny", merged.deny());
        putList(permissions, "additionalDirectories", merged.additionalDirectories());
        permissions.put("defaultMode", defaultMode.value());
        if (lockBypass) {
            permissions.put("disableBypassPermissionsMode", DISABLE);
        }
        if (lockAuto) {
            document.put("disableAutoMode", DISABLE);
        } else {
            document.remove("disableAutoMode"); // owned by spec.modes.disableAuto, never passed through
        }
        return RenderedSettings.of(CanonicalJson.pretty(document));
    }

    /** Rule and directory lists arrive sorted and de-duplicated; an empty one is left out. */
    private static void putList(ObjectNode permissions, String key, List<String> values) {
        if (!values.isEmpty()) {
            values.forEach(permissions.putArray(key)::add);
        }
    }
}
