package io.agentpolicy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.Rfc3339;

/**
 * Checks objects against the openAPIV3Schema of the project's generated CRDs (crds/, packaged under
 * agentpolicy/crds/), treated as JSON Schema: types, required, enum, pattern, lengths, item counts, and unknown
 * fields, which the API server would drop silently but a CLI reports. CEL rules are honoured as {@link CelRules}
 * says; other x-kubernetes-* keywords are left out.
 */
final class CrdSchemas {
    static final String RESOURCE_DIRECTORY = "agentpolicy/crds/";
    static final Map<String, String> CRD_FILES = Map.of(
            "PermissionPolicy", "permissionpolicies.agentpolicy.io-v1.yml",
            "AgentSession", "agentsessions.agentpolicy.io-v1.yml",
            "AgentSessionApproval", "agentsessionapprovals.agentpolicy.io-v1.yml",
            "AgentIncident", "agentincidents.agentpolicy.io-v1.yml",
            "EngineerStanding", "engineerstandings.agentpolicy.io-v1.yml");
    private static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    private final Map<String, KindSchema> loaded = new HashMap<>();

    /** One violation: the field (spec.modes.default), what is wrong, and whether it is only an unknown field. */
    record Violation(String field, String message, boolean unknownField) {
    }

    /** A compiled schema, the schema as JSON (to look up enums and known fields), and messages by schema location. */
    private record KindSchema(JsonSchema schema, JsonNode json, Map<String, String> messages) {
    }

    /**
     * The violations of the object, which must be of a kind in {@link #CRD_FILES}, sorted by field. Fields set to null
     * are left out first, as the API server drops them before it validates.
     */
    List<Violation> validate(String kind, JsonNode object) {
        KindSchema kindSchema = loaded.computeIfAbsent(kind, CrdSchemas::compile);
        List<Violation> violations = new ArrayList<>();
        kindSchema.schema().validate(withoutNullFields(object)).stream()
                .sorted(Comparator.comparing(ValidationMessage::getInstanceLocation))
                .forEach(message -> violations.add(describe(message, kindSchema)));
        return violations;
    }

    /** The openAPIV3Schema of the kind's served version, as the CRD states it. */
    static JsonNode schemaOf(String kind) {
        JsonNode crd = readCrd(kind);
        JsonNode version = StreamSupport.stream(crd.path("spec").path("versions").spliterator(), false)
                .filter(v -> ApiConstants.VERSION.equals(v.path("name").asText()))
                .findFirst().orElseThrow(() -> new IllegalStateException(kind + " CRD does not serve " + ApiConstants.VERSION));
        return version.path("schema").path("openAPIV3Schema");
    }

    /** The CRD as packaged into the CLI. */
    static JsonNode readCrd(String kind) {
        String resource = RESOURCE_DIRECTORY + CRD_FILES.get(kind);
        try (InputStream in = CrdSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the CLI is built without its CRDs: " + resource + " is missing");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return YamlDocuments.parse(text, ManifestLoader.MAX_FILE_BYTES).documents().get(0).content();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    private static KindSchema compile(String kind) {
        ObjectNode schema = schemaOf(kind).deepCopy();
        Map<String, String> messages = new HashMap<>();
        harden(schema, "", messages);
        addObjectMeta(schema, messages);
        // draft 7: 1.0 is an integer there, as for the API server, which reads numbers as JSON does
        JsonSchema compiled = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
        return new KindSchema(compiled, schema, Map.copyOf(messages));
    }

    /** Refuses unknown fields, turns CEL rules into their schema equivalents, drops the x-kubernetes-* keywords. */
    private static void harden(ObjectNode node, String pointer, Map<String, String> messages) {
        boolean keepsUnknownFields = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        JsonNode rules = node.path("x-kubernetes-validations");
        for (JsonNode rule : rules) {
            if (!CelRules.isHonoured(rule.path("rule").asText())) {
                throw new IllegalStateException("the CLI does not know the CRD's CEL rule " + rule.path("rule") + "; add it to CelRules");
            }
            CelRules.asSchema(rule.path("rule").asText()).ifPresent(keywords -> {
                merge(node, (ObjectNode) keywords);
                remember(keywords, pointer, rule.path("message").asText(), messages);
            });
        }
        List<String> kubernetesKeywords = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("x-kubernetes-")) {
                kubernetesKeywords.add(name);
            }
        });
        node.remove(kubernetesKeywords);
        if (node.get("properties") instanceof ObjectNode properties) {
            properties.properties().forEach(property -> harden((ObjectNode) property.getValue(),
                    pointer + "/properties/" + escape(property.getKey()), messages));
            if (!keepsUnknownFields && !node.has("additionalProperties")) {
                node.put("additionalProperties", false);
            }
        }
        if (node.get("items") instanceof ObjectNode items) {
            harden(items, pointer + "/items", messages);
        }
        if (node.get("additionalProperties") instanceof ObjectNode values) {
            harden(values, pointer + "/additionalProperties", messages);
        }
    }

    /** The API server checks apiVersion, kind and metadata itself; the CRD schema leaves them out. */
    private static void addObjectMeta(ObjectNode schema, Map<String, String> messages) {
        schema.withArray("required").add("metadata");
        ObjectNode properties = schema.with("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("kind").put("type", "string");
        // A CEL rule of the CRD may already have put a tighter limit on the name (AgentSession: 49 characters).
        ObjectNode metadata = objectIn(properties, "metadata").put("type", "object");
        metadata.remove("additionalProperties"); // hardening closed it; the API server knows more metadata than this
        metadata.putArray("required").add("name");
        ObjectNode metadataFields = objectIn(metadata, "properties");
        ObjectNode name = objectIn(metadataFields, "name").put("type", "string").put("pattern", DNS_SUBDOMAIN);
        if (!name.has("maxLength")) {
            name.put("maxLength", 253);
        }
        metadataFields.putObject("namespace").put("type", "string");
        metadataFields.putObject("labels").put("type", "object").putObject("additionalProperties").put("type", "string");
        metadataFields.putObject("annotations").put("type", "object").putObject("additionalProperties").put("type", "string");
        messages.put("/properties/metadata/properties/name/pattern", "must be a lowercase DNS name: letters a-z, digits, "
                + "'-' and '.', starting and ending with a letter or digit");
    }

    private static ObjectNode objectIn(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode existing ? existing : parent.putObject(field);
    }

    private static void merge(ObjectNode target, ObjectNode keywords) {
        keywords.properties().forEach(keyword -> {
            if (target.get(keyword.getKey()) instanceof ObjectNode existing && keyword.getValue() instanceof ObjectNode added) {
                merge(existing, added);
            } else {
                target.set(keyword.getKey(), keyword.getValue().deepCopy());
            }
        });
    }

    /** The CEL rule's message for every keyword it became, by schema location. */
    private static void remember(JsonNode keywords, String pointer, String message, Map<String, String> messages) {
        keywords.properties().forEach(keyword -> {
            String location = pointer + "/" + keyword.getKey();
            if (keyword.getValue().isObject()) {
                remember(keyword.getValue(), location, message, messages);
            } else {
                messages.put(location, message);
            }
        });
    }

    private static Violation describe(ValidationMessage message, KindSchema kindSchema) {
        String field = fieldOf(message.getInstanceLocation());
        String location = pointerOf(message.getSchemaLocation().getFragment());
        String own = kindSchema.messages().get(location);
        JsonNode value = message.getInstanceNode();
        JsonNode keywordValue = kindSchema.json().at(location);
        switch (message.getType()) {
            case "additionalProperties": {
                String unknown = join(field, message.getProperty());
                String parent = location.substring(0, location.length() - "/additionalProperties".length());
                return new Violation(unknown, "unknown field \"" + message.getProperty() + "\" (the API server would drop it)"
                        + knownFields(kindSchema.json().at(parent)), true);
            }
            case "required":
                return new Violation(join(field, message.getProperty()), own != null ? own : "is required", false);
            case "type":
                return new Violation(field, "must be " + article(keywordValue.asText()) + ", got " + describeValue(value)
                        + (keywordValue.asText().equals("string") && value.isValueNode() ? "; quote it: \"" + value.asText() + "\"" : ""),
                        false);
            case "enum":
                return new Violation(field, describeValue(value) + " is not one of " + enumValues((ArrayNode) keywordValue), false);
            case "pattern":
                if (own != null) {
                    return new Violation(field, own + " (is " + describeValue(value) + ")", false);
                }
                return new Violation(field, describeValue(value) + (Rfc3339.PATTERN.equals(keywordValue.asText())
                        ? " is not an RFC 3339 timestamp; write e.g. 2026-11-22T09:00:00Z"
                        : " does not match " + keywordValue.asText()), false);
            case "minLength":
            case "maxLength":
                return new Violation(field, own != null ? own : "must be " + (message.getType().startsWith("min") ? "at least " : "at most ")
                        + keywordValue.asInt() + " characters long (is " + value.asText().length() + ")", false);
            case "minItems":
            case "maxItems":
                return new Violation(field, own != null ? own : "must list " + (message.getType().startsWith("min") ? "at least " : "at most ")
                        + keywordValue.asInt() + " entries (lists " + value.size() + ")", false);
            default:
                return new Violation(field, own != null ? own : withoutLocation(message), false);
        }
    }

    private static JsonNode withoutNullFields(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().stream().filter(member -> !member.getValue().isNull())
                    .forEach(member -> copy.set(member.getKey(), withoutNullFields(member.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(withoutNullFields(element)));
            return copy;
        }
        return node;
    }

    /** spec.permissions.deny[2] for the instance location /spec/permissions/deny/2. */
    private static String fieldOf(JsonNodePath path) {
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) {
                field.append('[').append(index).append(']');
            } else {
                field.append(field.length() == 0 ? "" : ".").append(element);
            }
        }
        return field.toString();
    }

    private static String pointerOf(JsonNodePath path) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            pointer.append('/').append(escape(path.getName(i)));
        }
        return pointer.toString();
    }

    private static String join(String parent, String child) {
        return parent.isEmpty() ? child : parent + "." + child;
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String knownFields(JsonNode schema) {
        List<String> names = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "" : "; known fields here: " + String.join(", ", names.stream().sorted().toList());
    }

    /** Enum values in the API's own order: modes by rank (plan ... bypassPermissions), anything else as listed. */
    private static String enumValues(ArrayNode values) {
        List<String> listed = new ArrayList<>();
        values.forEach(v -> listed.add(v.asText()));
        if (listed.stream().allMatch(v -> PermissionMode.fromValue(v) != null)) {
            listed.sort(Comparator.comparing(v -> PermissionMode.fromValue(v).rank()));
        }
        return String.join(", ", listed);
    }

    private static String describeValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isTextual()) {
            return "\"" + value.textValue() + "\"";
        }
        if (value.isContainerNode()) {
            return value.isArray() ? "a list" : "a mapping";
        }
        return (value.isBoolean() ? "the boolean " : "the number ") + value.asText();
    }

    private static String article(String type) {
        return switch (type) {
            case "array" -> "a list";
            case "object" -> "a mapping";
            case "integer" -> "an integer";
            default -> "a " + type;
        };
    }

    private static String withoutLocation(ValidationMessage message) {
        String text = message.getMessage();
        int colon = text.indexOf(": ");
        return colon >= 0 ? text.substring(colon + 2) : text;
    }
}
