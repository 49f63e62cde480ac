package dev.pgbridge.store;

import dev.pgbridge.connection.ConnectionConfig;

import java.util.List;
import java.util.Optional;

/**
 * The control store of connections: SQLite file under PGBRIDGE_HOME by default, a shared PostgreSQL with
 * PGBRIDGE_STORE_URL. Password and extra are encrypted at rest (AES-256-GCM, key id per row). Every method is
 * scoped to one tenant: nothing crosses tenants.
 */
public interface ConnectionStore extends AutoCloseable {
    /** Saves a new connection; fails with CONNECTION_EXISTS when the id is taken in its tenant. */
    StoredConnection add(ConnectionConfig config);

    /**
     * Replaces a saved connection (found by tenant and conn_id); a null password keeps the saved one.
     * Bumps the credential version when a credential field changed. Fails with CONNECTION_NOT_FOUND.
     */
    StoredConnection update(ConnectionConfig config);

    Optional<StoredConnection> find(String tenant, String connId);

    /** Connections of one tenant, ordered by conn_id. */
    List<StoredConnection> list(String tenant);

    /**
     * As {@link #list}, for showing: passwords are not decrypted (never in memory for a listing, and a listing of many
     * connections does not pay for decrypting them); each entry says whether a password is saved. Extra is decrypted
     * when {@code withExtra}; without it nothing is decrypted and the master key is not read (the CLI's `conn list`,
     * which shows no extra: the key and the cipher are a tenth of its start).
     */
    List<ListedConnection> listWithoutPasswords(String tenant, boolean withExtra);

    boolean delete(String tenant, String connId);

    /**
     * A mark that changes whenever a connection of the tenant is added, changed or deleted, by this process or another
     * one writing the same store (row count, newest change, credential versions and the ids' lengths, in one
     * aggregate read): a listing kept in memory is still true while the mark is the same.
     */
    String changeMark(String tenant);

    /** Re-encrypts every secret of every tenant under {@code newKey} in one transaction; returns rows rewritten. */
    int rotateKey(dev.pgbridge.secret.MasterKey newKey);

    /**
     * As {@link #rotateKey(dev.pgbridge.secret.MasterKey)}, decrypting with {@code currentKey} instead of the key the
     * store was opened with. Rows already under {@code newKey} are left alone, so a rotation can be run again after
     * an interruption; a row under any other key fails the whole transaction.
     */
    int rotateKey(dev.pgbridge.secret.MasterKey currentKey, dev.pgbridge.secret.MasterKey newKey);

    @Override
    void close();
}
