package io.agentpolicy.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class ReconcileHorizonTest {
    static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    @Test
    void anInstantWithinTheHorizonIsScheduledJustAfterIt() {
        assertThat(ReconcileHorizon.until(NOW, NOW.plusSeconds(5))).isEqualTo(Duration.ofMillis(5001));
    }

    @Test
    void aSessionExpiringInAWeekIsLookedAtAgainWithinTheHorizon() {
        assertThat(ReconcileHorizon.until(NOW, NOW.plus(Duration.ofDays(7)))).isEqualTo(Duration.ofMinutes(30));
    }
}
