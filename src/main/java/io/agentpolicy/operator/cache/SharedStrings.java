package io.agentpolicy.operator.cache;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;

/**
 * One copy of each short string the Kubernetes client reads, instead of one per object: the informer caches hold
 * tens of thousands of objects that repeat a few hundred values (tiers, managed-by, owner references' kinds and API
 * versions, policy lists, condition types, reasons and statuses). The cache is lossy and bounded: a slot keeps the
 * last string hashed to it, so a miss costs nothing but the copy the parser made anyway.
 */
@Singleton
public class SharedStrings implements KubernetesClientObjectMapperCustomizer {
    /** Longer strings (rendered settings, messages, hashes) are rarely repeated. */
    static final int MAX_LENGTH = 64;
    private static final int SLOTS = 1 << 13;

    // Benign races: a String is immutable and safely published, so a reader sees either string or null.
    private final String[] slots = new String[SLOTS];

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("agentpolicy-shared-strings").addDeserializer(String.class, new StringDeserializer() {
            @Override
            public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                return shared(super.deserialize(parser, context));
            }
        }));
    }

    String shared(String value) {
        if (value == null || value.length() > MAX_LENGTH) {
            return value;
        }
        int slot = value.hashCode() & (SLOTS - 1);
        String known = slots[slot];
        if (value.equals(known)) {
            return known;
        }
        slots[slot] = value;
        return value;
    }
}
