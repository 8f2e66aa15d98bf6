package io.agentpolicy.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Writes JSON exactly like JavaScript's JSON.stringify(value, null, indent), with object keys sorted by UTF-16 code
 * units (JS default sort) and null object members left out, so equal documents always give equal bytes.
 * <p>
 * Numbers: integer literals keep their exact digits (JS would round integers beyond 2^53 and write 1e21 and above in
 * exponent notation; both spellings parse to the same JS number, and exact digits never lose what the user wrote).
 * Every other number is written as JS writes its double value.
 */
final class CanonicalJson {
    private CanonicalJson() {
    }

    /** JSON.stringify(value, null, 2) followed by one newline: the managed-settings.json layout. */
    static String pretty(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, "  ", "", out);
        return out.append('\n').toString();
    }

    /** JSON.stringify(value): for messages and for comparing values by what they render to. */
    static String compact(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, "", "", out);
        return out.toString();
    }

    /** Equal when both render to the same canonical JSON (so 1 equals 1.0 and key order does not matter). */
    static boolean sameValue(JsonNode a, JsonNode b) {
        return compact(a).equals(compact(b));
    }

    private static void write(JsonNode node, String gap, String indent, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
            members.removeIf(member -> member.getValue().isNull());
            members.sort(Map.Entry.comparingByKey()); // String.compareTo is UTF-16 code unit order, like JS sort()
            writeContainer('{', '}', members.iterator(), gap, indent, out, (member, inner) -> {
                quote(member.getKey(), out);
                out.append(gap.isEmpty() ? ":" : ": ");
                write(member.getValue(), gap, inner, out);
            });
        } else if (node.isArray()) {
            writeContainer('[', ']', node.elements(), gap, indent, out, (element, inner) -> write(element, gap, inner, out));
        } else if (node.isTextual()) {
            quote(node.textValue(), out);
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isNumber()) {
            out.append(JsNumber.format(node.doubleValue()));
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else {
            throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private interface ElementWriter<T> {
        void write(T element, String innerIndent);
    }

    private static <T> void writeContainer(char open, char close, Iterator<T> elements, String gap, String indent,
            StringBuilder out, ElementWriter<T> writer) {
        out.append(open);
        if (!elements.hasNext()) {
            out.append(close);
            return;
        }
        String inner = indent + gap;
        boolean first = true;
        while (elements.hasNext()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            if (!gap.isEmpty()) {
                out.append('\n').append(inner);
            }
            writer.write(elements.next(), inner);
        }
        if (!gap.isEmpty()) {
            out.append('\n').append(indent);
        }
        out.append(close);
    }

    /** JSON.stringify's QuoteJSONString: short escapes, a u00xx escape for other controls and lone surrogates, the rest literal. */
    private static void quote(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || isLoneSurrogate(text, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean isLoneSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
    }
}
