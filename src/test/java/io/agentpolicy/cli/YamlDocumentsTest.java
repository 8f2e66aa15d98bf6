package io.agentpolicy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.agentpolicy.cli.YamlDocuments.Parsed;
import io.agentpolicy.cli.YamlDocuments.YamlDocument;

/** YAML is read as kubectl reads it, and every field keeps the line it was written on. */
class YamlDocumentsTest {

    @Test
    void remembersWhereEachDocumentAndFieldStarts() {
        Parsed parsed = YamlDocuments.parse("""
                # a comment first
                apiVersion: v1
                kind: A
                spec:
                  deny:
                    - one
                    - two
                ---
                ---
                kind: B
                """, 1 << 20);

        assertThat(parsed.problem()).isNull();
        List<YamlDocument> documents = parsed.documents();
        assertThat(documents).extracting(YamlDocument::index, YamlDocument::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, 2), org.assertj.core.groups.Tuple.tuple(3, 10));
        SourceLines lines = documents.get(0).lines();
        assertThat(lines.lineOf("spec.deny[1]")).isEqualTo(7);
        assertThat(lines.lineOf("spec.deny[5]")).as("a missing element is reported at its list").isEqualTo(5);
        assertThat(lines.lineOf("spec.allow")).as("a missing field is reported at its parent").isEqualTo(4);
    }

    @Test
    void typesScalarsAsKubectlDoes() {
        YamlDocument document = YamlDocuments.parse("""
                quoted: "1"
                number: 1
                octal: 0755
                yes: yes
                off: off
                when: 2026-11-22T09:00:00Z
                clock: 12:30
                float: 1.5
                nothing: ~
                """, 1 << 20).documents().get(0);

        assertThat(document.content().toString()).isEqualTo("{\"quoted\":\"1\",\"number\":1,\"octal\":493,\"yes\":true,\"off\":false,"
                + "\"when\":\"2026-11-22T09:00:00Z\",\"clock\":\"12:30\",\"float\":1.5,\"nothing\":null}");
    }

    @Test
    void mergeKeysAddWhatIsNotWrittenExplicitly() {
        YamlDocument document = YamlDocuments.parse("""
                base: &base {tiers: ["1"], priority: 1}
                spec:
                  <<: *base
                  priority: 2
                """, 1 << 20).documents().get(0);

        assertThat(document.content().path("spec").toString()).isEqualTo("{\"priority\":2,\"tiers\":[\"1\"]}");
    }

    @Test
    void stopsAtTheFirstSyntaxProblemKeepingTheDocumentsBeforeIt() {
        Parsed parsed = YamlDocuments.parse("kind: A\n---\nkind: [B\n", 1 << 20);

        assertThat(parsed.documents()).hasSize(1);
        assertThat(parsed.problem().line()).isEqualTo(4);
        assertThat(parsed.problem().message()).startsWith("YAML syntax: ");
    }
}
