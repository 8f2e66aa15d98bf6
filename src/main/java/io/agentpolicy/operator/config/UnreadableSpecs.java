package io.agentpolicy.operator.config;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentpolicy.api.UnreadableSpec;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;

/** The operator's client writes an unreadable spec back as it was stored, so JOSDK's copies keep the reason. */
@Singleton
public class UnreadableSpecs implements KubernetesClientObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(UnreadableSpec.MODULE);
    }
}
