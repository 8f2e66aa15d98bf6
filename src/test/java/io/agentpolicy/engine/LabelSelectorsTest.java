package io.agentpolicy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

class LabelSelectorsTest {
    private static final Map<String, String> LABELS = Map.of("team", "payments", "env", "prod");

    /** A selector of one requirement written "key operator v1,v2" (values optional). */
    private static LabelSelector expression(String key, String operator, String values) {
        List<String> list = values == null ? null : List.of(values.split(","));
        return new LabelSelector(List.of(new LabelSelectorRequirement(key, operator, list)), null);
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(nullValues = "-", delimiter = '|', textBlock = """
            team  | In           | payments    | true
            team  | In           | search,ads  | false
            owner | In           | payments    | false
            team  | NotIn        | search      | true
            team  | NotIn        | payments    | false
            owner | NotIn        | payments    | true
            team  | Exists       | -           | true
            owner | Exists       | -           | false
            team  | DoesNotExist | -           | false
            owner | DoesNotExist | -           | true
            team  | Equals       | payments    | false
            """)
    void matchExpressionsFollowKubernetesSemantics(String key, String operator, String values, boolean matches) {
        assertThat(LabelSelectors.matches(expression(key, operator, values), LABELS)).isEqualTo(matches);
    }

    @Test
    void matchLabelsMustAllBePresentWithTheSameValue() {
        assertThat(LabelSelectors.matches(new LabelSelector(null, Map.of("team", "payments", "env", "prod")), LABELS)).isTrue();
        assertThat(LabelSelectors.matches(new LabelSelector(null, Map.of("team", "payments", "env", "dev")), LABELS)).isFalse();
        assertThat(LabelSelectors.matches(new LabelSelector(null, Map.of("region", "eu")), LABELS)).isFalse();
    }

    @Test
    void matchLabelsAndExpressionsAreAnded() {
        LabelSelector both = new LabelSelector(List.of(new LabelSelectorRequirement("env", "In", List.of("prod"))),
                Map.of("team", "search"));
        assertThat(LabelSelectors.matches(both, LABELS)).isFalse();
    }

    @Test
    void nullAndEmptySelectorsMatchEverything() {
        assertThat(LabelSelectors.matches(null, LABELS)).isTrue();
        assertThat(LabelSelectors.matches(new LabelSelector(), Map.of())).isTrue();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(nullValues = "-", delimiter = '|', textBlock = """
            team | Equals       | payments | matchExpressions[0] has operator "Equals"; use one of In, NotIn, Exists, DoesNotExist
            team | In           | -        | matchExpressions[0] uses In without values; list at least one value
            team | NotIn        | -        | matchExpressions[0] uses NotIn without values; list at least one value
            team | Exists       | payments | matchExpressions[0] uses Exists with values; Exists takes no values, remove them
            team | DoesNotExist | payments | matchExpressions[0] uses DoesNotExist with values; DoesNotExist takes no values, remove them
            -    | Exists       | -        | matchExpressions[0] has no key; name the namespace label to test
            """)
    void validateExplainsWhatIsWrong(String key, String operator, String values, String message) {
        assertThat(LabelSelectors.validate(expression(key, operator, values))).isEqualTo(message);
    }

    @Test
    void validSelectorsHaveNoProblem() {
        assertThat(LabelSelectors.validate(null)).isNull();
        assertThat(LabelSelectors.validate(expression("team", "In", "payments"))).isNull();
        assertThat(LabelSelectors.validate(expression("team", "Exists", null))).isNull();
    }
}
