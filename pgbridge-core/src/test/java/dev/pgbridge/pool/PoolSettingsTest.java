package dev.pgbridge.pool;

import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolSettingsTest {
    @Test
    void defaultsAreBounded() {
        assertThat(PoolSettings.DEFAULTS.maximumPoolSize()).isEqualTo(5);
        assertThat(PoolSettings.DEFAULTS.connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(PoolSettings.DEFAULTS.validationTimeout()).isLessThan(PoolSettings.DEFAULTS.connectionTimeout());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> new PoolSettings(0, 0, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofMillis(100)))
                .isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("maximumPoolSize is 0; allowed 1 to 1000")
                .hasMessageContaining("connectionTimeout is 100 ms; it must be at least 250 ms")
                .hasMessageContaining("validationTimeout is 100 ms")
                .hasMessageContaining("idleTimeout is 1000 ms")
                .hasMessageContaining("maxLifetime is 1000 ms");
    }
}
