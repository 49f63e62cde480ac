package dev.pgbridge.store;

import static java.util.Objects.requireNonNull;

/**
 * A saved connection as a listing shows it ({@link ConnectionStore#listWithoutPasswords}): everything but the
 * password, which stays encrypted in the store ({@code connection().config().password()} is null), and whether one is
 * saved.
 */
public record ListedConnection(StoredConnection connection, boolean passwordSaved) {
    public ListedConnection {
        requireNonNull(connection, "connection is null");
        if (connection.config().password() != null) {
            throw new IllegalArgumentException("a listed connection carries no password");
        }
    }
}
