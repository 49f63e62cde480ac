package dev.pgbridge.store;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.MasterKey;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.secret.SecretCipher;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The control store on SQL: an SQLite file ({@link #sqlite}) or a schema {@code pgbridge} in PostgreSQL
 * ({@link #postgres}). Both run the same migrations and the same statements; {@link StoreBackend} holds what
 * differs.
 *
 * <p>Password and extra are encrypted with {@link SecretCipher} under the key the supplier gives, bound to their row
 * and field ({@code tenant/conn_id/password}); the row records the key id. The key is asked for only when a secret is
 * written or read, once per operation; when it cannot be had, the operation fails and nothing is written. Every
 * value is a bound parameter.
 */
public final class SqlConnectionStore implements ConnectionStore {
    /** The schema migrations, in order; each runs once, in one transaction with its version row. */
    private static final List<StoreMigration> MIGRATIONS = List.of(
            new StoreMigration(1, "connections", List.of("""
                    CREATE TABLE ${schema}connections (
                        tenant TEXT NOT NULL,
                        conn_id TEXT NOT NULL,
                        conn_type TEXT NOT NULL,
                        host TEXT,
                        port TEXT,
                        "database" TEXT,
                        login TEXT,
                        password_enc TEXT,
                        extra_enc TEXT,
                        key_id TEXT,
                        description TEXT,
                        credential_version BIGINT NOT NULL,
                        created_at ${timestamp} NOT NULL,
                        updated_at ${timestamp} NOT NULL,
                        PRIMARY KEY (tenant, conn_id)
                    )""")));

    private static final String COLUMNS = "tenant, conn_id, conn_type, host, port, \"database\", login, password_enc, "
            + "extra_enc, key_id, description, credential_version, created_at, updated_at";

    private final StoreBackend backend;
    private final StoreDatabase database;
    private final Supplier<MasterKey> keys;
    private final Clock clock;
    private final String connections;

    private SqlConnectionStore(StoreBackend backend, Supplier<MasterKey> keys, Clock clock) {
        this.backend = requireNonNull(backend, "backend is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.database = new StoreDatabase(backend, clock);
        this.connections = backend.schemaPrefix() + "connections";
    }

    /** The store in an SQLite file (created 0600 when missing); migrates it. */
    public static SqlConnectionStore sqlite(Path file, Supplier<MasterKey> keys) {
        return open(SqliteBackend.open(file), keys);
    }

    /**
     * The store in schema {@code pgbridge} of the database {@code dataSource} connects to; migrates it. The caller
     * keeps ownership of the data source.
     */
    public static SqlConnectionStore postgres(DataSource dataSource, Supplier<MasterKey> keys) {
        return postgres(dataSource, keys, false);
    }

    static SqlConnectionStore postgres(DataSource dataSource, Supplier<MasterKey> keys, boolean closeDataSource) {
        return open(new PostgresBackend(dataSource, closeDataSource), keys);
    }

    private static SqlConnectionStore open(StoreBackend backend, Supplier<MasterKey> keys) {
        SqlConnectionStore store = new SqlConnectionStore(backend, keys, Clock.systemUTC());
        try {
            store.migrate();
            return store;
        }
        catch (RuntimeException e) {
            try {
                backend.close();
            }
            catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    // ---- migrations

    /** The newest schema version of the connections this code knows. */
    public static int latestSchemaVersion() {
        return MIGRATIONS.getLast().version();
    }

    private void migrate() {
        database.migrate(StoreDatabase.CORE, MIGRATIONS);
    }

    /** The schema version of the store's connections (the highest migration applied). */
    public int schemaVersion() {
        return database.version(StoreDatabase.CORE);
    }

    /**
     * The store's database for other components' tables (the metadata catalog): same back end, same transactions, the
     * same migration runner with their own versions. Closed with this store.
     */
    public StoreDatabase database() {
        return database;
    }


    // ---- connections

    @Override
    public StoredConnection add(ConnectionConfig config) {
        ConnectionConfig cfg = checked(config);
        Instant now = now();
        Encrypted secrets = encrypt(new KeyOnce(), cfg.tenant(), cfg.connId(), reveal(cfg.password()), cfg.extra());
        int inserted = run("save connection " + label(cfg), () -> backend.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + connections + " (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, conn_id) DO NOTHING")) {
                bindRow(insert, cfg, secrets, 1, now, now);
                return insert.executeUpdate();
            }
        }));
        if (inserted == 0) {
            throw new PgBridgeException(ErrorCode.CONNECTION_EXISTS,
                    "connection '" + cfg.connId() + "' already exists in tenant '" + cfg.tenant() + "'",
                    "use `pgbridge conn edit " + cfg.connId() + "` to change it, or delete it first");
        }
        return new StoredConnection(cfg, 1, now, now);
    }

    @Override
    public StoredConnection update(ConnectionConfig config) {
        ConnectionConfig cfg = checked(config);
        KeyOnce key = new KeyOnce();
        return run("update connection " + label(cfg), () -> backend.inTransaction(c -> {
            Row old = select(c, cfg.tenant(), cfg.connId(), true).orElseThrow(() -> notFound(cfg.tenant(), cfg.connId()));
            StoredConnection saved = old.decrypt(key, true);
            ConnectionConfig kept = cfg.password() == null
                    ? cfg.toBuilder().password(saved.config().password()).build()
                    : cfg;
            boolean credentialsChanged = !Objects.equals(kept.host(), saved.config().host())
                    || !Objects.equals(kept.port(), saved.config().port())
                    || !Objects.equals(kept.database(), saved.config().database())
                    || !Objects.equals(kept.login(), saved.config().login())
                    || !Objects.equals(reveal(kept.password()), reveal(saved.config().password()))
                    || !Objects.equals(kept.extra(), saved.config().extra());
            long version = saved.credentialVersion() + (credentialsChanged ? 1 : 0);
            Instant now = now();
            Encrypted secrets = encrypt(key, kept.tenant(), kept.connId(), reveal(kept.password()), kept.extra());
            try (PreparedStatement update = c.prepareStatement("UPDATE " + connections
                    + " SET conn_type = ?, host = ?, port = ?, \"database\" = ?, login = ?, password_enc = ?,"
                    + " extra_enc = ?, key_id = ?, description = ?, credential_version = ?, updated_at = ?"
                    + " WHERE tenant = ? AND conn_id = ?")) {
                update.setString(1, connType(kept));
                update.setString(2, kept.host());
                update.setString(3, kept.port());
                update.setString(4, kept.database());
                update.setString(5, kept.login());
                update.setString(6, secrets.password());
                update.setString(7, secrets.extra());
                update.setString(8, secrets.keyId());
                update.setString(9, kept.description());
                update.setLong(10, version);
                backend.bindTimestamp(update, 11, now);
                update.setString(12, kept.tenant());
                update.setString(13, kept.connId());
                update.executeUpdate();
            }
            return new StoredConnection(kept, version, saved.createdAt(), now);
        }));
    }

    @Override
    public Optional<StoredConnection> find(String tenant, String connId) {
        String t = tenant(tenant);
        String id = ConnectionConfig.normalizeConnId(requireNonNull(connId, "connId is null"));
        Optional<Row> row = run("read connection " + t + "/" + id, () -> backend.read(c -> select(c, t, id, false)));
        return row.map(r -> r.decrypt(new KeyOnce(), true));
    }

    @Override
    public List<StoredConnection> list(String tenant) {
        KeyOnce key = new KeyOnce();
        return tenantRows(tenant).stream().map(r -> r.decrypt(key, true)).toList();
    }

    @Override
    public List<ListedConnection> listWithoutPasswords(String tenant, boolean withExtra) {
        KeyOnce key = new KeyOnce();
        return tenantRows(tenant).stream()
                .map(r -> new ListedConnection(r.decrypt(key, false, withExtra), r.passwordEnc() != null))
                .toList();
    }

    @Override
    public String changeMark(String tenant) {
        String t = tenant(tenant);
        return run("read the change mark of tenant " + t, () -> backend.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT count(*), max(updated_at), sum(credential_version), "
                    + "sum(length(conn_id)) FROM " + connections + " WHERE tenant = ?")) {
                select.setString(1, t);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) + "/" + rs.getString(2) + "/" + rs.getLong(3) + "/" + rs.getLong(4);
                }
            }
        }));
    }

    private List<Row> tenantRows(String tenant) {
        String t = tenant(tenant);
        return run("list connections of tenant " + t, () -> backend.read(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM " + connections + " WHERE tenant = ? ORDER BY conn_id")) {
                select.setString(1, t);
                return rows(select);
            }
        }));
    }

    @Override
    public boolean delete(String tenant, String connId) {
        String t = tenant(tenant);
        String id = ConnectionConfig.normalizeConnId(requireNonNull(connId, "connId is null"));
        return run("delete connection " + t + "/" + id, () -> backend.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM " + connections + " WHERE tenant = ? AND conn_id = ?")) {
                delete.setString(1, t);
                delete.setString(2, id);
                return delete.executeUpdate() > 0;
            }
        }));
    }

    @Override
    public int rotateKey(MasterKey newKey) {
        requireNonNull(newKey, "newKey is null");
        return rotateKey(keys.get(), newKey);
    }

    /**
     * Re-encrypts, in one transaction, every row encrypted with {@code currentKey} under {@code newKey}; rows already
     * under {@code newKey} are left alone (so an interrupted rotation can be run again), and a row under any other
     * key fails the whole rotation. Returns the number of rows rewritten.
     */
    @Override
    public int rotateKey(MasterKey currentKey, MasterKey newKey) {
        requireNonNull(currentKey, "currentKey is null");
        requireNonNull(newKey, "newKey is null");
        SecretCipher from = new SecretCipher(currentKey);
        SecretCipher to = new SecretCipher(newKey);
        return run("re-encrypt the store under key " + newKey.id(), () -> backend.inTransaction(c -> {
            backend.lockForRotation(c);
            List<Row> rows;
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM " + connections
                    + " WHERE password_enc IS NOT NULL OR extra_enc IS NOT NULL ORDER BY tenant, conn_id"
                    + backend.forUpdate())) {
                rows = rows(select);
            }
            int rewritten = 0;
            try (PreparedStatement update = c.prepareStatement("UPDATE " + connections
                    + " SET password_enc = ?, extra_enc = ?, key_id = ? WHERE tenant = ? AND conn_id = ?")) {
                for (Row row : rows) {
                    if (newKey.id().equals(row.keyId())) {
                        continue;
                    }
                    row.checkKey(currentKey);
                    update.setString(1, reencrypt(row.passwordEnc(), from, to, row.label("password")));
                    update.setString(2, reencrypt(row.extraEnc(), from, to, row.label("extra")));
                    update.setString(3, newKey.id());
                    update.setString(4, row.tenant());
                    update.setString(5, row.connId());
                    update.executeUpdate();
                    rewritten++;
                }
            }
            return rewritten;
        }));
    }

    private static String reencrypt(String encrypted, SecretCipher from, SecretCipher to, String label) {
        return encrypted == null ? null : to.encrypt(from.decrypt(encrypted, label), label);
    }

    /** Where the store is, for messages: {@code SQLite file …} or {@code PostgreSQL schema pgbridge}. */
    public String describe() {
        return backend.describe();
    }

    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "SqlConnectionStore[" + backend.describe() + "]";
    }

    // ---- rows

    /** A row as stored: plain fields, secrets still encrypted. */
    private record Row(ConnectionConfig plain, String passwordEnc, String extraEnc, String keyId,
                       long credentialVersion, Instant createdAt, Instant updatedAt) {
        String tenant() {
            return plain.tenant();
        }

        String connId() {
            return plain.connId();
        }

        String label(String field) {
            return SqlConnectionStore.label(plain.tenant(), plain.connId(), field);
        }

        void checkKey(MasterKey key) {
            if (!key.id().equals(keyId)) {
                throw new PgBridgeException(ErrorCode.MASTER_KEY,
                        "connection '" + connId() + "' in tenant '" + tenant() + "': row encrypted with key " + keyId
                                + ", current key is " + key.id(),
                        "use the master key with id " + keyId + " (set PGBRIDGE_MASTER_KEY to it or restore the "
                                + "master.key that holds it); if `pgbridge store rotate-key` was interrupted, run it "
                                + "again to finish");
            }
        }

        /** The connection with its extra decrypted, and its password too when {@code password}. */
        StoredConnection decrypt(KeyOnce keys, boolean password) {
            return decrypt(keys, password, true);
        }

        /** The connection with its password decrypted when {@code password}, its extra when {@code extra}. */
        StoredConnection decrypt(KeyOnce keys, boolean password, boolean extra) {
            ConnectionConfig config = plain;
            if ((password && passwordEnc != null) || (extra && extraEnc != null)) {
                checkKey(keys.get());
                SecretCipher cipher = keys.cipher();
                ConnectionConfig.Builder builder = plain.toBuilder();
                if (password && passwordEnc != null) {
                    builder.password(Secret.of(cipher.decrypt(passwordEnc, label("password"))));
                }
                if (extra && extraEnc != null) {
                    builder.extra(cipher.decrypt(extraEnc, label("extra")));
                }
                config = builder.build();
            }
            return new StoredConnection(config, credentialVersion, createdAt, updatedAt);
        }
    }

    private Optional<Row> select(Connection c, String tenant, String connId, boolean forUpdate) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM " + connections
                + " WHERE tenant = ? AND conn_id = ?" + (forUpdate ? backend.forUpdate() : ""))) {
            select.setString(1, tenant);
            select.setString(2, connId);
            List<Row> rows = rows(select);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
        }
    }

    private List<Row> rows(PreparedStatement select) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                ConnectionConfig plain = ConnectionConfig.builder()
                        .tenant(rs.getString("tenant"))
                        .connId(rs.getString("conn_id"))
                        .connType(rs.getString("conn_type"))
                        .host(rs.getString("host"))
                        .port(rs.getString("port"))
                        .database(rs.getString("database"))
                        .login(rs.getString("login"))
                        .description(rs.getString("description"))
                        .build();
                rows.add(new Row(plain, rs.getString("password_enc"), rs.getString("extra_enc"), rs.getString("key_id"),
                        rs.getLong("credential_version"), backend.readTimestamp(rs, "created_at"),
                        backend.readTimestamp(rs, "updated_at")));
            }
        }
        return rows;
    }

    private void bindRow(PreparedStatement statement, ConnectionConfig cfg, Encrypted secrets, long version,
                         Instant createdAt, Instant updatedAt) throws SQLException {
        statement.setString(1, cfg.tenant());
        statement.setString(2, cfg.connId());
        statement.setString(3, connType(cfg));
        statement.setString(4, cfg.host());
        statement.setString(5, cfg.port());
        statement.setString(6, cfg.database());
        statement.setString(7, cfg.login());
        statement.setString(8, secrets.password());
        statement.setString(9, secrets.extra());
        statement.setString(10, secrets.keyId());
        statement.setString(11, cfg.description());
        statement.setLong(12, version);
        backend.bindTimestamp(statement, 13, createdAt);
        backend.bindTimestamp(statement, 14, updatedAt);
    }

    // ---- secrets

    /** The encrypted password and extra of a row and the id of their key; all null when there is no secret. */
    private record Encrypted(String password, String extra, String keyId) {}

    private static Encrypted encrypt(KeyOnce keys, String tenant, String connId, String password, String extra) {
        if (password == null && extra == null) {
            return new Encrypted(null, null, null);
        }
        // an unusable key throws here, before any SQL: a secret is never written without encryption
        SecretCipher cipher = new SecretCipher(keys.get());
        return new Encrypted(
                password == null ? null : cipher.encrypt(password, label(tenant, connId, "password")),
                extra == null ? null : cipher.encrypt(extra, label(tenant, connId, "extra")),
                cipher.key().id());
    }

    /** The associated data of a secret: its row and field. Tenants and ids are {@code [a-z0-9_]}, so '/' is safe. */
    private static String label(String tenant, String connId, String field) {
        return tenant + "/" + connId + "/" + field;
    }

    private static String label(ConnectionConfig cfg) {
        return cfg.tenant() + "/" + cfg.connId();
    }

    /** Asks the supplier for the key at most once per operation, and only when a secret is involved. */
    private final class KeyOnce {
        private MasterKey key;
        private SecretCipher cipher;

        MasterKey get() {
            if (key == null) {
                key = requireNonNull(keys.get(), "the master key supplier returned null");
            }
            return key;
        }

        /** One cipher for the operation's rows (not one per row). */
        SecretCipher cipher() {
            if (cipher == null) {
                cipher = new SecretCipher(get());
            }
            return cipher;
        }
    }

    // ---- helpers

    private static ConnectionConfig checked(ConnectionConfig config) {
        requireNonNull(config, "config is null");
        if (config.connId() == null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "a connection needs an id", "give a conn_id");
        }
        return config.connType() == null ? config.toBuilder().connType(ConnectionConfig.POSTGRES).build() : config;
    }

    private static String connType(ConnectionConfig cfg) {
        return requireNonNull(cfg.connType(), "connType is null");
    }

    private static String reveal(Secret secret) {
        return secret == null ? null : secret.reveal();
    }

    private static String tenant(String tenant) {
        return tenant == null ? ConnectionConfig.DEFAULT_TENANT : ConnectionConfig.normalizeTenant(tenant);
    }

    private static PgBridgeException notFound(String tenant, String connId) {
        return new PgBridgeException(ErrorCode.CONNECTION_NOT_FOUND,
                "connection '" + connId + "' not found in tenant '" + tenant + "'",
                "list the connections with `pgbridge conn list" + (tenant.equals(ConnectionConfig.DEFAULT_TENANT)
                        ? "" : " --tenant " + tenant) + "`");
    }

    private Instant now() {
        // millisecond precision: what both back ends keep, so a saved time reads back equal
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @FunctionalInterface
    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    /** Runs store work, translating SQLException once, here, with a hint by SQLSTATE or SQLite code. */
    private <T> T run(String what, SqlCall<T> call) {
        try {
            return call.call();
        }
        catch (SQLException e) {
            throw new PgBridgeException(ErrorCode.STORE,
                    "control store (" + backend.describe() + "): cannot " + what + ": " + e.getMessage(),
                    backend.hintFor(e), e);
        }
    }
}
