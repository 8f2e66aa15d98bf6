package io.agentpolicy.operator.session;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.engine.Decision;
import io.agentpolicy.engine.RenderedSettings;
import io.agentpolicy.engine.SettingsRenderer;
import io.agentpolicy.operator.maps.RenderedMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * The session dependent: agent-session-&lt;name&gt;, the namespace baseline narrowed to the session's effective
 * mode, owned (as controller) by the session.
 */
@ApplicationScoped
public class SessionConfigMap {

    public static String nameOf(String session) {
        return ApiConstants.SESSION_CONFIG_MAP_PREFIX + session;
    }

    /** The rendered settings of a running session (the decision must have a merged policy and an effective mode). */
    public RenderedSettings render(Decision decision) {
        return SettingsRenderer.renderSession(decision.merged(), decision.effectiveMode());
    }

    public ConfigMap desired(AgentSession session, Decision decision, RenderedSettings rendered) {
        String name = session.getMetadata().getName();
        return RenderedMap.desired(session.getMetadata().getNamespace(), nameOf(name), rendered, decision.tier(), decision.policies(),
                java.util.List.of(owner(session)), Map.of(ApiConstants.SESSION_LABEL, name));
    }

    private static OwnerReference owner(AgentSession session) {
        return new OwnerReferenceBuilder()
                .withApiVersion(ApiConstants.API_VERSION).withKind("AgentSession")
                .withName(session.getMetadata().getName()).withUid(session.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true)
                .build();
    }
}
