package io.agentpolicy.api;

import java.io.IOException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * Reads a custom resource's spec without ever failing. One stored object the Java model cannot hold (a number
 * beyond an int written before the schema bounded it, say) would otherwise fail the whole LIST or WATCH of its
 * kind and stop every informer on it. Such a spec reads as an empty one that carries the reason, so the object
 * is reported on itself (Stalled, InvalidSpec) and the rest of the cluster goes on being reconciled. With
 * {@link #MODULE} it is written back as it was stored, so a copy made by serialization (JOSDK clones every primary)
 * is just as unreadable, for the same reason. (A module rather than an annotation: the CRD generator would take a
 * custom serializer on the spec for a schema-less object.)
 */
public abstract class UnreadableSpec<T extends TolerantSpec> extends StdDeserializer<T> {

    /** The field that could not be read (e.g. spec.priority) and why. */
    public record Reason(String field, String message) {
    }

    /** Writes an unreadable spec as it was stored and any other as usual. */
    public static final Module MODULE = new SimpleModule("agentpolicy-unreadable-spec").setSerializerModifier(new BeanSerializerModifier() {
        @Override
        @SuppressWarnings("unchecked")
        public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription bean, JsonSerializer<?> serializer) {
            return TolerantSpec.class.isAssignableFrom(bean.getBeanClass()) ? new AsStored((JsonSerializer<Object>) serializer) : serializer;
        }
    });

    private static final class AsStored extends StdSerializer<Object> implements ResolvableSerializer {
        private final JsonSerializer<Object> usual;

        AsStored(JsonSerializer<Object> usual) {
            super(Object.class);
            this.usual = usual;
        }

        @Override
        public void resolve(SerializerProvider provider) throws JsonMappingException {
            if (usual instanceof ResolvableSerializer resolvable) {
                resolvable.resolve(provider);
            }
        }

        @Override
        public void serialize(Object spec, JsonGenerator generator, SerializerProvider provider) throws IOException {
            TolerantSpec tolerant = (TolerantSpec) spec;
            if (tolerant.unreadable() != null) {
                generator.writeTree(tolerant.stored());
            } else {
                usual.serialize(spec, generator, provider);
            }
        }
    }

    private final Supplier<T> empty;

    protected UnreadableSpec(Class<T> type, Supplier<T> empty) {
        super(type);
        this.empty = empty;
    }

    @Override
    public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonNode tree = parser.readValueAsTree();
        try {
            return context.readTreeAsValue(tree, context.constructType(handledType()));
        } catch (JsonMappingException e) {
            T spec = empty.get();
            spec.markUnreadable(reason(e), tree);
            return spec;
        }
    }

    /** spec.priority, "Numeric value (3000000000) out of range of int (-2147483648 - 2147483647)". */
    static Reason reason(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining());
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage().lines().findFirst().orElse("");
        return new Reason("spec" + path, message + "; the stored object cannot be read, fix or re-apply it");
    }

    /** The reader PermissionPolicy uses for its spec. */
    public static final class ForPolicy extends UnreadableSpec<PermissionPolicySpec> {
        public ForPolicy() {
            super(PermissionPolicySpec.class, PermissionPolicySpec::new);
        }
    }

    /** The reader AgentSession uses for its spec. */
    public static final class ForSession extends UnreadableSpec<AgentSessionSpec> {
        public ForSession() {
            super(AgentSessionSpec.class, AgentSessionSpec::new);
        }
    }
}
