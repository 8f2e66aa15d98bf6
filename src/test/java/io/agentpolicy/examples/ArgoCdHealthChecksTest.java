package io.agentpolicy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.agentpolicy.testing.ArgoCdHealth;
import io.agentpolicy.testing.Resources;

/**
 * The Argo CD health checks of examples/argocd/health against sample statuses (src/test/resources/argocd-health):
 * kstatus Ready / Stalled / Reconciling, stale generations, and each session phase. ExamplesTest runs them on
 * the live examples too.
 */
class ArgoCdHealthChecksTest {

    record Case(String kind, String name, ArgoCdHealth.Health expected, Map<String, Object> object) {
        @Override
        public String toString() {
            return kind + ": " + name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of("PermissionPolicy", "AgentSession").flatMap(kind -> samples(kind).stream().map(Arguments::of));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsTheHealthArgoCdShouldShow(Case sample) {
        assertThat(ArgoCdHealth.of(sample.kind(), sample.object())).isEqualTo(sample.expected());
    }

    @SuppressWarnings("unchecked")
    private static List<Case> samples(String kind) {
        try {
            List<Map<String, Object>> entries = new ObjectMapper(new YAMLFactory())
                    .readValue(Resources.readResource("argocd-health/" + kind + ".yaml"), List.class);
            return entries.stream().map(entry -> {
                Map<String, String> health = (Map<String, String>) entry.get("health");
                return new Case(kind, (String) entry.get("case"), new ArgoCdHealth.Health(health.get("status"), health.get("message")),
                        (Map<String, Object>) entry.get("object"));
            }).toList();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
