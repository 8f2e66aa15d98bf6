package io.agentpolicy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StandingNamesTest {
    static final String DNS_1123_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

    @Test
    void theNameIsTheReadableLocalPartAndAHashOfTheWholeAddress() {
        assertThat(StandingNames.of("alice@example.com")).matches("alice-[0-9a-f]{10}");
        assertThat(StandingNames.of("Alice.O'Neil+agents@example.com")).matches("alice-o-neil-agents-[0-9a-f]{10}");
    }

    @Test
    void addressesThatLookAlikeNeverShareAStanding() {
        assertThat(StandingNames.of("alice@a.example")).isNotEqualTo(StandingNames.of("alice@b.example"));
        assertThat(StandingNames.of("a.lice@example.com")).isNotEqualTo(StandingNames.of("a-lice@example.com"));
        assertThat(StandingNames.of("Alice@example.com")).isNotEqualTo(StandingNames.of("alice@example.com"));
    }

    @Test
    void anyAddressGivesAValidObjectName() {
        for (String engineer : new String[] { "@example.com", "---@x", "ü@example.com", "x".repeat(300) + "@example.com",
                "system:serviceaccount:ci:robot" }) {
            String name = StandingNames.of(engineer);
            assertThat(name).matches(DNS_1123_SUBDOMAIN).hasSizeLessThanOrEqualTo(63);
        }
    }
}
