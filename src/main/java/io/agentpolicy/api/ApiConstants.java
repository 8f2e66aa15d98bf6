package io.agentpolicy.api;

/** Names that are part of the public contract (shared/docs/api.md): group, labels, annotations, map names. */
public final class ApiConstants {
    public static final String GROUP = "agentpolicy.io";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String CATEGORY = "agentpolicy";

    public static final String DEFAULT_TIER_LABEL = "agentpolicy.io/tier";
    public static final String SESSION_LABEL = "agentpolicy.io/session";
    /** On a pod or pod template: no injected settings and no pod checks; only break-glass and trusted groups may set it. */
    public static final String EXEMPT_LABEL = "agentpolicy.io/exempt";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "agent-policy-operator";

    public static final String SETTINGS_HASH_ANNOTATION = "agentpolicy.io/settings-hash";
    public static final String POLICIES_ANNOTATION = "agentpolicy.io/policies";

    public static final String DEFAULT_BASELINE_CONFIG_MAP = "agent-managed-settings";
    public static final String SESSION_CONFIG_MAP_PREFIX = "agent-session-";
    public static final String SETTINGS_KEY = "managed-settings.json";
    public static final String MOUNT_DIRECTORY = "/etc/claude-code";

    private ApiConstants() {
    }
}
