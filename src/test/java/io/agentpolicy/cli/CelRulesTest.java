package io.agentpolicy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The CLI checks what the CRDs check: it ships the generated CRDs and honours every CEL rule in them. */
class CelRulesTest {

    @Test
    void everyCelRuleOfTheCrdsIsHonoured() {
        List<String> rules = new ArrayList<>();
        CrdSchemas.CRD_FILES.keySet().forEach(kind -> collectRules(CrdSchemas.schemaOf(kind), rules));

        assertThat(rules).hasSize(32).allSatisfy(rule -> assertThat(CelRules.isHonoured(rule))
                .as("CEL rule %s is neither translated in CelRules nor checked by the engine", rule).isTrue());
    }

    @Test
    void theCliCarriesTheCrdsOfThisBuild() throws IOException {
        for (String kind : CrdSchemas.CRD_FILES.keySet()) {
            JsonNode committed = YamlDocuments.parse(Files.readString(Path.of("crds", CrdSchemas.CRD_FILES.get(kind))),
                    ManifestLoader.MAX_FILE_BYTES).documents().get(0).content();
            assertThat(CrdSchemas.readCrd(kind)).isEqualTo(committed);
        }
    }

    private static void collectRules(JsonNode schema, List<String> rules) {
        if (schema.isMissingNode()) {
            return;
        }
        schema.path("x-kubernetes-validations").forEach(rule -> rules.add(rule.path("rule").asText()));
        schema.path("properties").forEach(property -> collectRules(property, rules));
        collectRules(schema.path("items"), rules);
        collectRules(schema.path("additionalProperties"), rules);
    }
}
