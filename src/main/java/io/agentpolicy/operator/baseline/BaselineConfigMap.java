package io.agentpolicy.operator.baseline;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.ApiConstants;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.MergedPolicy;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.SettingsRenderer;
import io.agentpolicy.operator.config.OperatorConfig;
import io.agentpolicy.operator.support.ManagedConfigMaps;
import io.agentpolicy.operator.support.Namespaces;
import io.agentpolicy.operator.support.PolicyValidation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** The namespace baseline dependent: the desired agent-managed-settings map of one namespace. */
@ApplicationScoped
public class BaselineConfigMap {

    @Inject
    PolicyEngine engine;

    @Inject
    PolicyValidation validation;

    @Inject
    ManagedConfigMaps maps;

    @Inject
    OperatorConfig config;

    public String name() {
        return config.configMapName();
    }

    /**
     * What the namespace's map should be. An invalid policy that matches the namespace, or that the current map
     * was rendered from, freezes the map: an invalid spec (say, a broken selector) must not re-render or remove it.
     */
    public BaselinePlan plan(Namespace namespace, Collection<PermissionPolicy> allPolicies, ConfigMap actual, Instant now) {
        NamespaceInfo info = Namespaces.info(namespace);
        List<PermissionPolicy> matching = engine.forBaseline(allPolicies, info);
        List<String> renderedFrom = actual == null ? List.of() : ManagedConfigMaps.contributingPolicies(actual);
        List<String> invalid = allPolicies.stream()
                .filter(p -> matching.contains(p) || renderedFrom.contains(p.getMetadata().getName()))
                .filter(p -> !validation.isValid(p)).map(p -> p.getMetadata().getName()).sorted().toList();
        if (!invalid.isEmpty()) {
            return BaselinePlan.keep(invalid);
        }
        if (matching.isEmpty() || namespace.getMetadata().getDeletionTimestamp() != null) {
            return BaselinePlan.remove();
        }
        MergedPolicy merged = engine.merge(matching, now);
        ConfigMap desired = maps.desired(info.name(), name(), SettingsRenderer.renderBaseline(merged), engine.tierOf(info),
                merged.policyNames(), matching.stream().map(BaselineConfigMap::ownerReference).toList(), Map.of());
        return BaselinePlan.render(desired, merged, matching);
    }


    /** Every contributing policy owns the map, so it goes away with the last of them. */
    private static OwnerReference ownerReference(PermissionPolicy policy) {
        return new OwnerReferenceBuilder()
                .withApiVersion(ApiConstants.API_VERSION).withKind("PermissionPolicy")
                .withName(policy.getMetadata().getName()).withUid(policy.getMetadata().getUid())
                .build();
    }
}
