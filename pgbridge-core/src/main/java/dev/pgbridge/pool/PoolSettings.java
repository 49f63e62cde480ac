package dev.pgbridge.pool;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The bounds of every pool: at most {@code maximumPoolSize} connections, {@code minimumIdle} kept open while idle,
 * {@code connectionTimeout} to wait for a connection, idle connections closed after {@code idleTimeout}, every
 * connection replaced after {@code maxLifetime}, liveness checks limited to {@code validationTimeout}.
 * The constructor reports every out-of-range value at once (HikariCP's own limits).
 */
public record PoolSettings(int maximumPoolSize, int minimumIdle, Duration connectionTimeout, Duration idleTimeout,
                           Duration maxLifetime, Duration validationTimeout) {
    public static final PoolSettings DEFAULTS = new PoolSettings(5, 0, Duration.ofSeconds(10), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofSeconds(5));

    public PoolSettings {
        requireNonNull(connectionTimeout, "connectionTimeout is null");
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(maxLifetime, "maxLifetime is null");
        requireNonNull(validationTimeout, "validationTimeout is null");
        List<String> problems = new ArrayList<>();
        if (maximumPoolSize < 1 || maximumPoolSize > 1000) {
            problems.add("maximumPoolSize is " + maximumPoolSize + "; allowed 1 to 1000");
        }
        if (minimumIdle < 0 || minimumIdle > maximumPoolSize) {
            problems.add("minimumIdle is " + minimumIdle + "; allowed 0 to maximumPoolSize (" + maximumPoolSize + ")");
        }
        if (connectionTimeout.toMillis() < 250) {
            problems.add("connectionTimeout is " + connectionTimeout.toMillis() + " ms; it must be at least 250 ms");
        }
        if (validationTimeout.toMillis() < 250 || validationTimeout.compareTo(connectionTimeout) >= 0) {
            problems.add("validationTimeout is " + validationTimeout.toMillis()
                    + " ms; it must be at least 250 ms and less than connectionTimeout");
        }
        if (!idleTimeout.isZero() && idleTimeout.toMillis() < 10_000) {
            problems.add("idleTimeout is " + idleTimeout.toMillis() + " ms; it must be 0 (never) or at least 10 s");
        }
        if (!maxLifetime.isZero() && maxLifetime.toMillis() < 30_000) {
            problems.add("maxLifetime is " + maxLifetime.toMillis() + " ms; it must be 0 (never) or at least 30 s");
        }
        if (!problems.isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "invalid pool settings: " + String.join("; ", problems),
                    "fix the listed pool settings");
        }
    }
}
