package io.agentpolicy.engine;

import static io.agentpolicy.engine.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The canonical layout must equal JSON.stringify(sorted value, null, 2) + "\n" byte for byte. */
class CanonicalJsonTest {

    @Test
    void nestedObjectsAndArraysOfObjectsAreIndentedLikeJsonStringify() {
        String input = """
                {"b": [1, {"y": null, "x": "caf\u00e9"}, [], {}], "a": {"nested": {"z": true, "A": false}},
                 "empty": {}, "none": null, "list": []}
                """;
        String expected = "{\n"
                + "  \"a\": {\n"
                + "    \"nested\": {\n"
                + "      \"A\": false,\n"
                + "      \"z\": true\n"
                + "    }\n"
                + "  },\n"
                + "  \"b\": [\n"
                + "    1,\n"
                + "    {\n"
                + "      \"x\": \"caf\u00e9\"\n"
                + "    },\n"
                + "    [],\n"
                + "    {}\n"
                + "  ],\n"
                + "  \"empty\": {},\n"
                + "  \"list\": []\n"
                + "}\n";
        assertThat(CanonicalJson.pretty(json(input))).isEqualTo(expected);
    }

    @Test
    void stringsAreEscapedExactlyAsJsonStringifyDoes() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("s", "quote\" backslash\\ slash/ \b\f\n\r\t bell\u0007 unit\u001f del\u007f \u00e9 \u2028 \ud83d\ude00 lone\ud800 low\udc00");
        String expected = "{\n  \"s\": \"quote\\\" backslash\\\\ slash/ \\b\\f\\n\\r\\t bell\\u0007 unit\\u001f del\u007f \u00e9 \u2028 "
                + "\ud83d\ude00 lone\\ud800 low\\udc00\"\n}\n";
        assertThat(CanonicalJson.pretty(node)).isEqualTo(expected);
    }

    @Test
    void keysSortByUtf16CodeUnitsLikeJavaScriptSort() {
        // U+FF5A sorts after the surrogate pair of U+1F600 in UTF-16, though it comes first by code point
        String input = "{\"\uff5a\": 1, \"\ud83d\ude00\": 2, \"\u00e9\": 3, \"z\": 4, \"Z\": 5, \"_\": 6, \"10\": 7, \"9\": 8}";
        assertThat(CanonicalJson.compact(json(input)))
                .isEqualTo("{\"10\":7,\"9\":8,\"Z\":5,\"_\":6,\"z\":4,\"\u00e9\":3,\"\ud83d\ude00\":2,\"\uff5a\":1}");
    }

    @Test
    void numbersAreWrittenAsJavaScriptWritesThem() {
        String input = "[0.5, 1.0, 1e21, 1e-7, -0.0, 100, -42, 123456789012345678901234567890, 1.5e300, 0.1, 9007199254740993]";
        assertThat(CanonicalJson.pretty(json(input))).isEqualTo("""
                [
                  0.5,
                  1,
                  1e+21,
                  1e-7,
                  0,
                  100,
                  -42,
                  123456789012345678901234567890,
                  1.5e+300,
                  0.1,
                  9007199254740993
                ]
                """);
    }

    @Test
    void nonAsciiIsWrittenAsUtf8NotEscaped() {
        RenderedSettings rendered = RenderedSettings.of(CanonicalJson.pretty(json("{\"k\": \"\u00e9\"}")));
        assertThat(rendered.bytes()).containsExactly('{', '\n', ' ', ' ', '"', 'k', '"', ':', ' ', '"', 0xc3, 0xa9, '"', '\n', '}', '\n');
    }

    @Test
    void valuesCompareByWhatTheyRenderTo() {
        assertThat(CanonicalJson.sameValue(json("{\"a\": 1, \"b\": [2.0]}"), json("{\"b\": [2], \"a\": 1.0}"))).isTrue();
        assertThat(CanonicalJson.sameValue(json("[1, 2]"), json("[2, 1]"))).isFalse();
        assertThat(CanonicalJson.sameValue(json("\"1\""), json("1"))).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0.5                     | 0.5
            1.0                     | 1
            -2.5                    | -2.5
            100                     | 100
            1e20                    | 100000000000000000000
            1e21                    | 1e+21
            1.2345678901234567e20   | 123456789012345670000
            123.456                 | 123.456
            0.000001                | 0.000001
            1e-7                    | 1e-7
            1.5e-7                  | 1.5e-7
            0.30000000000000004     | 0.30000000000000004
            9007199254740992        | 9007199254740992
            1.7976931348623157e308  | 1.7976931348623157e+308
            5e-324                  | 5e-324
            2.2250738585072014e-308 | 2.2250738585072014e-308
            1e23                    | 1e+23
            2e-3                    | 0.002
            1e7                     | 10000000
            -0.0                    | 0
            """)
    void doublesFollowJavaScriptNumberToString(double value, String expected) {
        assertThat(JsNumber.format(value)).isEqualTo(expected);
    }

    @Test
    void nonFiniteNumbersBecomeNullAsInJsonStringify() {
        assertThat(JsNumber.format(Double.NaN)).isEqualTo("null");
        assertThat(JsNumber.format(Double.POSITIVE_INFINITY)).isEqualTo("null");
    }
}
