package io.agentpolicy.engine;

import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentpolicy.api.PermissionMode;

/**
 * Renders merged policies into the canonical managed-settings.json of shared/docs/api.md: the settings passthrough plus
 * the permissions, the mode locks and the mode cap's rules ({@link ModeCapRules}) the typed spec fields own.
 */
public final class SettingsRenderer {
    private static final String DISABLE = "disable";

    private SettingsRenderer() {
    }

    /**
     * The namespace baseline, capped as a junior's session ({@link MergedPolicy#namespaceCap()}): the default mode
     * lowered into the cap; bypassPermissions locked unless it is the cap; auto locked unless allowed and at most the cap.
     */
    public static RenderedSettings renderBaseline(MergedPolicy merged) {
        PermissionMode cap = merged.namespaceCap();
        boolean autoWithinCap = merged.allowed().contains(PermissionMode.AUTO) && !PermissionMode.AUTO.isAbove(cap);
        return render(merged, PermissionMode.lowest(merged.defaultMode(), cap), cap,
                cap != PermissionMode.BYPASS_PERMISSIONS, !autoWithinCap);
    }

    /** A running session's map: the baseline narrowed to its effective mode, which is also its cap. */
    public static RenderedSettings renderSession(MergedPolicy merged, PermissionMode effectiveMode) {
        return render(merged, effectiveMode, effectiveMode,
                effectiveMode != PermissionMode.BYPASS_PERMISSIONS, effectiveMode != PermissionMode.AUTO);
    }

    private static RenderedSettings render(MergedPolicy merged, PermissionMode defaultMode, PermissionMode cap,
            boolean lockBypass, boolean lockAuto) {
        ObjectNode document = merged.settings();
        ObjectNode permissions = document.putObject("permissions"); // owned by spec.permissions/spec.modes, never passed through
        ModeCapRules.Rules capRules = ModeCapRules.forCap(cap);
        putList(permissions, "allow", merged.allow());
        putList(permissions, "ask", union(merged.ask(), capRules.ask()));
        putList(permissions, "deny", union(merged.deny(), capRules.deny()));
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

    private static List<String> union(List<String> policyRules, List<String> capRules) {
        return Stream.concat(policyRules.stream(), capRules.stream()).distinct().sorted().toList();
    }

    /** Rule and directory lists arrive sorted and de-duplicated; an empty one is left out. */
    private static void putList(ObjectNode permissions, String key, List<String> values) {
        if (!values.isEmpty()) {
            values.forEach(permissions.putArray(key)::add);
        }
    }
}
