package dev.pgbridge.pool;

import static java.util.Objects.requireNonNull;

/**
 * One pool's use at one moment (HikariCP's counts), for metrics and diagnostics; never anything secret.
 *
 * @param active connections lent out
 * @param idle connections waiting in the pool
 * @param total active + idle
 * @param waiting threads waiting for a connection
 */
public record PoolStats(String tenant, String connId, long credentialVersion, int active, int idle, int total, int waiting) {
    public PoolStats {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(connId, "connId is null");
    }
}
