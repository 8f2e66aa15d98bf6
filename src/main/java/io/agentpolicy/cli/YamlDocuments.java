package io.agentpolicy.cli;

import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads multi-document YAML into JSON values, remembering the line of every field so problems can be reported as
 * file:line. Scalars are typed by YAML 1.1 rules, as kubectl reads manifests (yes/no/on/off are booleans, 0755 is
 * octal), except that timestamps and sexagesimal numbers stay strings, as kubectl leaves them.
 */
final class YamlDocuments {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Deeper values can only come from an alias that contains itself; the parser already stops real nesting at 50. */
    private static final int MAX_DEPTH = 100;

    private YamlDocuments() {
    }

    /** One YAML document: its position in the file (from 1), the line it starts on, its value and its field lines. */
    record YamlDocument(int index, int line, JsonNode content, SourceLines lines) {
    }

    /** Where the text stops being YAML that kubectl would accept; line is 0 when the parser cannot tell. */
    record YamlProblem(int line, String message) {
    }

    /** The documents read before any problem, and the problem, or null when the whole text was read. */
    record Parsed(List<YamlDocument> documents, YamlProblem problem) {
    }

    /** The non-empty documents of the text, in order, up to the first syntax problem. */
    static Parsed parse(String text, int maxCodePoints) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(maxCodePoints);
        List<YamlDocument> documents = new ArrayList<>();
        int index = 0;
        try {
            for (Node root : new Yaml(options).composeAll(new StringReader(text))) {
                index++;
                if (isEmpty(root)) {
                    continue; // "---" with nothing after it: kubectl skips such documents too
                }
                Map<String, Integer> lines = new HashMap<>();
                JsonNode content = toJson(root, "", lines);
                documents.add(new YamlDocument(index, lineOf(root.getStartMark()), content, new SourceLines(lines)));
            }
        } catch (Unsupported e) {
            return new Parsed(documents, new YamlProblem(e.line, e.getMessage()));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            return new Parsed(documents, new YamlProblem(mark == null ? 0 : lineOf(mark), "YAML syntax: " + oneLine(e.getProblem())));
        } catch (YAMLException e) {
            return new Parsed(documents, new YamlProblem(0, "YAML: " + oneLine(e.getMessage())));
        }
        return new Parsed(documents, null);
    }

    /** Valid YAML that has no JSON equivalent kubectl would send. */
    private static final class Unsupported extends Exception {
        private final int line;

        Unsupported(Node node, String message) {
            super(message, null, false, false);
            this.line = lineOf(node.getStartMark());
        }
    }

    private static boolean isEmpty(Node root) {
        return root instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL) && scalar.getValue().isEmpty();
    }

    private static JsonNode toJson(Node node, String path, Map<String, Integer> lines) throws Unsupported {
        lines.putIfAbsent(path, lineOf(node.getStartMark()));
        if (path.chars().filter(c -> c == '.' || c == '[').count() > MAX_DEPTH) {
            throw new Unsupported(node, "nested more than " + MAX_DEPTH + " levels deep (an alias that contains itself?)");
        }
        if (node instanceof MappingNode mapping) {
            return object(mapping, path, lines);
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = NODES.arrayNode();
            List<Node> elements = sequence.getValue();
            for (int i = 0; i < elements.size(); i++) {
                array.add(toJson(elements.get(i), path + "[" + i + "]", lines));
            }
            return array;
        }
        return scalar((ScalarNode) node);
    }

    /** A mapping; "<<" merge keys add the merged mappings' entries that are not set explicitly. */
    private static ObjectNode object(MappingNode mapping, String path, Map<String, Integer> lines) throws Unsupported {
        ObjectNode object = NODES.objectNode();
        List<Node> merges = new ArrayList<>();
        for (NodeTuple entry : mapping.getValue()) {
            if (!(entry.getKeyNode() instanceof ScalarNode keyNode)) {
                throw new Unsupported(entry.getKeyNode(), "a mapping key must be a plain value, not a "
                        + (entry.getKeyNode() instanceof MappingNode ? "mapping" : "list"));
            }
            if (keyNode.getTag().equals(Tag.MERGE)) {
                merges.add(entry.getValueNode());
                continue;
            }
            String key = keyNode.getValue();
            if (object.has(key)) {
                throw new Unsupported(keyNode, "duplicate key \"" + key + "\" in the same mapping "
                        + "(kubectl refuses it); keep one");
            }
            String childPath = path.isEmpty() ? key : path + "." + key;
            lines.putIfAbsent(childPath, lineOf(keyNode.getStartMark())); // explicit keys come before merged ones
            object.set(key, toJson(entry.getValueNode(), childPath, lines));
        }
        for (Node merge : merges) {
            List<Node> sources = merge instanceof SequenceNode list ? list.getValue() : List.of(merge);
            for (Node source : sources) {
                if (!(source instanceof MappingNode)) {
                    throw new Unsupported(source, "a \"<<\" merge key needs a mapping or a list of mappings");
                }
                object(((MappingNode) source), path, lines).properties().forEach(member -> {
                    if (!object.has(member.getKey())) {
                        object.set(member.getKey(), member.getValue());
                    }
                });
            }
        }
        return object;
    }

    private static JsonNode scalar(ScalarNode node) throws Unsupported {
        String value = node.getValue();
        Tag tag = node.getTag();
        if (tag.equals(Tag.NULL)) {
            return NODES.nullNode();
        }
        if (tag.equals(Tag.BOOL)) {
            String lower = value.toLowerCase(Locale.ROOT);
            return NODES.booleanNode(lower.equals("true") || lower.equals("yes") || lower.equals("on"));
        }
        if (tag.equals(Tag.INT) && !value.contains(":")) {
            return NODES.numberNode(integer(value.replace("_", "")));
        }
        if (tag.equals(Tag.FLOAT) && !value.contains(":")) {
            String number = value.replace("_", "").toLowerCase(Locale.ROOT);
            if (number.contains("inf") || number.contains("nan")) {
                throw new Unsupported(node, value + " cannot be written in JSON, so the API server refuses it");
            }
            return NODES.numberNode(new BigDecimal(number).doubleValue());
        }
        return NODES.textNode(value); // strings, timestamps, sexagesimals and unknown tags: the text as written
    }

    /** A YAML 1.1 integer: decimal, 0x hex, 0b binary or 0-prefixed octal, with an optional sign. */
    private static BigInteger integer(String text) {
        boolean negative = text.startsWith("-");
        String digits = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        BigInteger magnitude;
        if (digits.startsWith("0x")) {
            magnitude = new BigInteger(digits.substring(2), 16);
        } else if (digits.startsWith("0b")) {
            magnitude = new BigInteger(digits.substring(2), 2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            magnitude = new BigInteger(digits.substring(1), 8);
        } else {
            magnitude = new BigInteger(digits);
        }
        return negative ? magnitude.negate() : magnitude;
    }

    private static int lineOf(Mark mark) {
        return mark.getLine() + 1;
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable" : message.replaceAll("\\s+", " ").trim();
    }
}
