package io.agentpolicy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.testing.Helm;

/**
 * The README's "Helm values" table is generated from the chart's values.yaml: every key documented there with a
 * "# --" comment is a row (key, default, meaning). After changing values.yaml, regenerate the table with
 * ./mvnw test -Dtest=HelmValuesTableTest -Dvalues-table.update=true
 */
class HelmValuesTableTest {
    static final Path VALUES = Helm.CHART.resolve("values.yaml");
    static final Path README = Path.of("README.md");
    static final String START = "<!-- values-table:start -->";
    static final String END = "<!-- values-table:end -->";
    private static final Pattern KEY_LINE = Pattern.compile("^( *)([A-Za-z0-9_-]+):");
    private static final Pattern ROW_KEY = Pattern.compile("^\\| `([^`]+)` \\|", Pattern.MULTILINE);

    @Test
    void theReadmeTableListsEveryValueWithItsDefault() throws IOException {
        String table = table(documentedValues());
        if (Boolean.getBoolean("values-table.update")) {
            String readme = Files.readString(README);
            Files.writeString(README, readme.substring(0, readme.indexOf(START) + START.length()) + "\n" + table + readme.substring(readme.indexOf(END)));
        }
        String actual = tableIn(Files.readString(README));

        Set<String> inValues = documentedValues().keySet();
        Set<String> inReadme = rowKeys(actual);
        assertThat(difference(inValues, inReadme)).as("values missing from the README table").isEmpty();
        assertThat(difference(inReadme, inValues)).as("README rows for values that values.yaml no longer has").isEmpty();
        assertThat(actual).as("the README table is out of date: run ./mvnw test -Dtest=HelmValuesTableTest -Dvalues-table.update=true")
                .isEqualTo(table);
    }

    @Test
    void everyValueIsDocumented() throws IOException {
        Map<String, Row> documented = documentedValues();
        List<String> undocumented = new ArrayList<>();
        collectLeaves(values(), "", undocumented);
        undocumented.removeIf(leaf -> documented.keySet().stream().anyMatch(key -> leaf.equals(key) || leaf.startsWith(key + ".")));
        assertThat(undocumented).as("values without a \"# --\" comment on them or on a parent key").isEmpty();
    }

    /** The text between the markers. */
    private static String tableIn(String readme) {
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        assertThat(start).as("README.md needs the markers %s and %s around the Helm values table", START, END)
                .isNotNegative().isLessThan(end);
        return readme.substring(start + START.length(), end).strip() + "\n";
    }

    /** One documented value: its meaning and its default, as JSON. */
    record Row(String meaning, String defaultValue) {
    }

    /** Keys with a "# --" comment, in file order, with the comment and the value from values.yaml. */
    static Map<String, Row> documentedValues() throws IOException {
        JsonNode values = values();
        Map<String, Row> rows = new LinkedHashMap<>();
        List<String> parents = new ArrayList<>();
        List<Integer> indents = new ArrayList<>();
        String meaning = null;
        for (String line : Files.readAllLines(VALUES)) {
            String text = line.strip();
            if (text.startsWith("# --")) {
                meaning = text.substring(4).strip();
                continue;
            }
            Matcher key = KEY_LINE.matcher(line);
            if (text.startsWith("#") || !key.find()) {
                continue;
            }
            int indent = key.group(1).length();
            while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                indents.remove(indents.size() - 1);
                parents.remove(parents.size() - 1);
            }
            parents.add(key.group(2));
            indents.add(indent);
            if (meaning != null) {
                String path = String.join(".", parents);
                JsonNode value = values.at("/" + String.join("/", parents));
                rows.put(path, new Row(meaning, new ObjectMapper().writeValueAsString(value)));
                meaning = null;
            }
        }
        return rows;
    }

    static String table(Map<String, Row> rows) {
        StringBuilder table = new StringBuilder("| value | default | meaning |\n|---|---|---|\n");
        rows.forEach((key, row) -> table.append("| `").append(key).append("` | `").append(escape(row.defaultValue()))
                .append("` | ").append(escape(row.meaning())).append(" |\n"));
        return table.toString();
    }

    private static String escape(String cell) {
        return cell.replace("|", "\\|");
    }

    private static JsonNode values() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(VALUES.toFile());
    }

    private static void collectLeaves(JsonNode node, String path, List<String> leaves) {
        if (node.isObject() && !node.isEmpty()) {
            node.fieldNames().forEachRemaining(name -> collectLeaves(node.get(name), path.isEmpty() ? name : path + "." + name, leaves));
        } else {
            leaves.add(path);
        }
    }

    private static Set<String> rowKeys(String table) {
        Matcher row = ROW_KEY.matcher(table);
        Set<String> keys = new TreeSet<>();
        while (row.find()) {
            keys.add(row.group(1));
        }
        return keys;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        return a.stream().filter(key -> !b.contains(key)).collect(Collectors.toCollection(TreeSet::new));
    }
}
