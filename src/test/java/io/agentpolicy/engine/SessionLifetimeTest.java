package io.agentpolicy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionPhase;

class SessionLifetimeTest {
    static final Instant CREATED = Instant.parse("2026-12-01T10:00:00Z");
    static final SessionLifetime WEEK = new SessionLifetime(SessionLifetime.DEFAULT);

    private static Decision admitted(Instant nextTransition) {
        return new Decision(SessionPhase.ADMITTED, PermissionMode.ACCEPT_EDITS, "3", Seniority.MID, List.of("p"),
                "requested acceptEdits; admitted", false, null, nextTransition);
    }

    @Test
    void aSessionWithoutExpiresAtIsDueAgainWhenItsLifetimeEnds() {
        Decision bounded = WEEK.bound(admitted(null), CREATED, CREATED.plusSeconds(60));
        assertThat(bounded.phase()).isEqualTo(SessionPhase.ADMITTED);
        assertThat(bounded.nextTransition()).isEqualTo(Instant.parse("2026-12-08T10:00:00Z"));
    }

    @Test
    void anEarlierTransitionStaysTheNextOne() {
        Instant overrideLapses = CREATED.plus(Duration.ofHours(2));
        assertThat(WEEK.bound(admitted(overrideLapses), CREATED, CREATED).nextTransition()).isEqualTo(overrideLapses);
    }

    @Test
    void anExpiresAtInTheYear9999EndsSevenDaysAfterCreation() {
        // The engine scheduled the far expiresAt; the lifetime comes first.
        Decision farAway = admitted(Instant.parse("9999-12-31T00:00:00Z"));
        assertThat(WEEK.bound(farAway, CREATED, CREATED).nextTransition()).isEqualTo(Instant.parse("2026-12-08T10:00:00Z"));

        Decision ended = WEEK.bound(farAway, CREATED, Instant.parse("2026-12-08T10:00:00Z"));
        assertThat(ended.phase()).isEqualTo(SessionPhase.EXPIRED);
        assertThat(ended.effectiveMode()).isNull();
        assertThat(ended.nextTransition()).isNull();
        assertThat(ended.reason()).isEqualTo("session reached the maximum lifetime of 168h at 2026-12-08T10:00:00Z"
                + " (agentpolicy.max-session-duration), whatever its expiresAt");
    }

    @Test
    void aSessionThatExpiredByItsOwnExpiresAtKeepsItsReason() {
        Decision expired = new Decision(SessionPhase.EXPIRED, null, "3", Seniority.MID, List.of("p"),
                "session expired at 2026-12-02T10:00:00Z", false, null, null);
        assertThat(WEEK.bound(expired, CREATED, CREATED.plus(Duration.ofDays(30)))).isSameAs(expired);
    }

    @Test
    void aDeniedSessionPastItsLifetimeIsExpired() {
        Decision denied = new Decision(SessionPhase.DENIED, null, "3", Seniority.MID, List.of(), "no PermissionPolicy governs", false,
                null, null);
        assertThat(WEEK.bound(denied, CREATED, CREATED.plus(Duration.ofDays(8))).phase()).isEqualTo(SessionPhase.EXPIRED);
    }

    @Test
    void aShortLifetimeIsNamedInTheReason() {
        Decision ended = new SessionLifetime(Duration.ofMinutes(90)).bound(admitted(null), CREATED, CREATED.plus(Duration.ofHours(2)));
        assertThat(ended.reason()).startsWith("session reached the maximum lifetime of PT1H30M at 2026-12-01T11:30:00Z");
    }

    @Test
    void anUnknownCreationLeavesTheDecisionAsItIs() {
        Decision decision = admitted(null);
        assertThat(WEEK.bound(decision, null, CREATED)).isSameAs(decision);
    }

    @Test
    void aLifetimeMustBePositive() {
        assertThatThrownBy(() -> new SessionLifetime(Duration.ZERO)).hasMessageContaining("must be positive");
    }
}
