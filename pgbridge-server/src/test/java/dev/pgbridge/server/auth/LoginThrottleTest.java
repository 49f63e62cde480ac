package dev.pgbridge.server.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void theSixthTryWaitsUntilTheOldestFailureLeavesTheWindow() {
        LoginThrottle throttle = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            assertThat(throttle.retryAfter("10.0.0.1", "alice")).isZero();
            throttle.failed("10.0.0.1", "alice");
            now.set(now.get().plusSeconds(60));
        }
        assertThat(throttle.retryAfter("10.0.0.1", "alice")).isEqualTo(Duration.ofMinutes(10));
        assertThat(throttle.retryAfter("10.0.0.2", "alice")).as("another address").isZero();
        assertThat(throttle.retryAfter("10.0.0.1", "ALICE")).as("names are case-insensitive").isPositive();
        throttle.succeeded("10.0.0.1", "alice");
        assertThat(throttle.retryAfter("10.0.0.1", "alice")).isZero();
    }

    @Test
    void failuresWithEverNewNamesDoNotPileUpForever() {
        // regression: every (address, name) pair stayed in memory until that same pair logged in
        LoginThrottle throttle = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.PRUNE_AT; i++) {
            throttle.failed("10.0.0.9", "user" + i);
        }
        now.set(now.get().plus(LoginThrottle.WINDOW).plusSeconds(1));
        throttle.failed("10.0.0.9", "one-more");
        assertThat(throttle.size()).isEqualTo(1);
    }
}
