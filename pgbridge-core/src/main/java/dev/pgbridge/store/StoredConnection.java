package dev.pgbridge.store;

import dev.pgbridge.connection.ConnectionConfig;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A saved connection: its config (password decrypted in memory only), the credential version (bumped whenever
 * host, port, database, login, password or extra change, so pools keyed by it are replaced), and timestamps.
 */
public record StoredConnection(ConnectionConfig config, long credentialVersion, Instant createdAt, Instant updatedAt) {
    public StoredConnection {
        requireNonNull(config, "config is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
