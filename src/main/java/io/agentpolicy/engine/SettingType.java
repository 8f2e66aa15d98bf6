package io.agentpolicy.engine;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The value type a managed-settings key expects, as stated in shared/docs/claude-code-settings.md. A type reports a value
 * that does not fit as an error at the value's path; container types also check what they contain.
 */
interface SettingType {

    /** What a fitting value looks like, completing "must be ...". */
    String expectation();

    /** Whether the value has this type's outer shape. */
    boolean accepts(JsonNode value);

    /** Checks inside a value that {@link #accepts} it: elements, members. */
    default void checkInside(JsonNode value, String path, Findings findings) {
    }

    /** Reports at path everything wrong with the value. */
    default void check(JsonNode value, String path, Findings findings) {
        if (accepts(value)) {
            checkInside(value, path, findings);
        } else {
            findings.error(path, "must be " + expectation() + ", got " + CanonicalJson.compact(value));
        }
    }

    /** The path of an object member: spec.settings + env = spec.settings.env (no leading dot at the root). */
    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String element(String path, int index) {
        return path + "[" + index + "]";
    }

    /** Visits an object's members, skipping null ones: they are rendered as absent, so there is nothing to check. */
    static void forEachMember(JsonNode object, BiConsumer<String, JsonNode> visitor) {
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            if (!member.getValue().isNull()) {
                visitor.accept(member.getKey(), member.getValue());
            }
        }
    }

    // ---- factories, so the key table reads like the fact sheet ----

    static SettingType bool() {
        return new Scalar("a boolean (true or false)", JsonNode::isBoolean);
    }

    static SettingType string() {
        return new Scalar("a string", JsonNode::isTextual);
    }

    static SettingType nonEmptyString() {
        return new Scalar("a non-empty string", v -> v.isTextual() && !v.textValue().isEmpty());
    }

    static SettingType integer() {
        return new Scalar("an integer", JsonNode::canConvertToExactIntegral);
    }

    static SettingType integerAtLeast(long min) {
        return new Scalar("an integer >= " + min, v -> v.canConvertToExactIntegral() && v.decimalValue().longValue() >= min);
    }

    static SettingType integerBetween(long min, long max) {
        return new Scalar("an integer between " + min + " and " + max,
                v -> v.canConvertToExactIntegral() && v.decimalValue().longValue() >= min && v.decimalValue().longValue() <= max);
    }

    static SettingType number() {
        return new Scalar("a number", JsonNode::isNumber);
    }

    static SettingType numberBetween(double min, double max) {
        return new Scalar("a number between " + JsNumber.format(min) + " and " + JsNumber.format(max),
                v -> v.isNumber() && v.doubleValue() >= min && v.doubleValue() <= max);
    }

    static SettingType positiveNumber() {
        return new Scalar("a number > 0", v -> v.isNumber() && v.doubleValue() > 0);
    }

    static SettingType array() {
        return new Scalar("an array", JsonNode::isArray);
    }

    static SettingType object() {
        return new Scalar("an object", JsonNode::isObject);
    }

    static SettingType oneOf(String... values) {
        return new OneOf(List.of(values));
    }

    static SettingType arrayOf(SettingType item) {
        return new ArrayOf(item, "an array");
    }

    static SettingType stringArray() {
        return new ArrayOf(string(), "an array of strings");
    }

    static SettingType nonEmptyStringArray() {
        return new ArrayOf(nonEmptyString(), "an array of non-empty strings");
    }

    static SettingType either(SettingType first, SettingType second) {
        return new Either(first, second);
    }

    static SettingType mapOf(SettingType values) {
        return new MapOf(values);
    }

    /** A value Claude Code refuses here, whatever it is: the message says what to do instead. */
    static SettingType refused(String message) {
        return new Refused(message);
    }

    // ---- implementations ----

    /** A leaf value tested by a predicate. */
    record Scalar(String expectation, Predicate<JsonNode> test) implements SettingType {
        @Override
        public boolean accepts(JsonNode value) {
            return test.test(value);
        }
    }

    /** A string from a fixed list; a single-value list is a lock-like constant such as "disable". */
    record OneOf(List<String> values) implements SettingType {
        @Override
        public String expectation() {
            return values.size() == 1 ? "the string \"" + values.get(0) + "\"" : "one of " + String.join(", ", values);
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isTextual() && values.contains(value.textValue());
        }

        @Override
        public void check(JsonNode value, String path, Findings findings) {
            if (values.size() == 1 && value.isBoolean()) {
                // the classic mistake (disableBypassPermissionsMode: true): Claude Code drops it and the lock is gone
                findings.error(path, "must be " + expectation() + " (booleans are not accepted by Claude Code)");
            } else {
                SettingType.super.check(value, path, findings);
            }
        }
    }

    /** An array whose every element has the item type. */
    record ArrayOf(SettingType item, String expectation) implements SettingType {
        @Override
        public boolean accepts(JsonNode value) {
            return value.isArray();
        }

        @Override
        public void checkInside(JsonNode value, String path, Findings findings) {
            for (int i = 0; i < value.size(); i++) {
                item.check(value.get(i), element(path, i), findings);
            }
        }
    }

    /** Either of two types, e.g. a string or an array of strings. */
    record Either(SettingType first, SettingType second) implements SettingType {
        @Override
        public String expectation() {
            return first.expectation() + " or " + second.expectation();
        }

        @Override
        public boolean accepts(JsonNode value) {
            return first.accepts(value) || second.accepts(value);
        }

        @Override
        public void checkInside(JsonNode value, String path, Findings findings) {
            (first.accepts(value) ? first : second).checkInside(value, path, findings);
        }
    }

    /** An object with free keys whose values all have one type (env, hooks' handler headers...). */
    record MapOf(SettingType values) implements SettingType {
        @Override
        public String expectation() {
            return "an object";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isObject();
        }

        @Override
        public void checkInside(JsonNode value, String path, Findings findings) {
            forEachMember(value, (key, member) -> values.check(member, child(path, key), findings));
        }
    }

    /**
     * An object with a closed set of keys (the schema's additionalProperties: false), whose keys messages call
     * {@code noun} (e.g. "hook event"). An unknown key is an error, because Claude Code drops what its schema rejects.
     */
    record Shape(String noun, Map<String, SettingType> fields, Set<String> required) implements SettingType {
        public Shape {
            fields = new LinkedHashMap<>(fields);
            required = Set.copyOf(required);
        }

        /** The same shape with more fields, e.g. a hook handler's common fields plus those of its type. */
        Shape with(Map<String, SettingType> moreFields, Set<String> moreRequired) {
            Map<String, SettingType> allFields = new LinkedHashMap<>(fields);
            allFields.putAll(moreFields);
            Set<String> allRequired = new HashSet<>(required);
            allRequired.addAll(moreRequired);
            return new Shape(noun, allFields, allRequired);
        }

        @Override
        public String expectation() {
            return "an object";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isObject();
        }

        @Override
        public void checkInside(JsonNode value, String path, Findings findings) {
            for (String key : required) {
                if (!value.hasNonNull(key)) {
                    findings.error(child(path, key), "is required");
                }
            }
            forEachMember(value, (key, member) -> {
                SettingType type = fields.get(key);
                if (type == null) {
                    findings.error(child(path, key), "Claude Code does not know " + noun + " " + key + " and drops it"
                            + NearMatch.hint(key, fields.keySet()));
                } else {
                    type.check(member, child(path, key), findings);
                }
            });
        }
    }

    /** Always an error with a fixed message: a key that belongs elsewhere. */
    record Refused(String message) implements SettingType {
        @Override
        public String expectation() {
            return "absent";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return false;
        }

        @Override
        public void check(JsonNode value, String path, Findings findings) {
            findings.error(path, message);
        }
    }
}
