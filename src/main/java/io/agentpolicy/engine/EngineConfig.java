package io.agentpolicy.engine;

import io.agentpolicy.api.ApiConstants;

/** The operator settings the engine needs: which namespace label holds the tier, and the tier of unlabelled namespaces. */
public record EngineConfig(String tierLabel, String unclassifiedTier) {

    /** The documented defaults: label agentpolicy.io/tier, unlabelled namespaces decided as tier "1" (fail closed). */
    public static EngineConfig defaults() {
        return new EngineConfig(ApiConstants.DEFAULT_TIER_LABEL, "1");
    }
}
