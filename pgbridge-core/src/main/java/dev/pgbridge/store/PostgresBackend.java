package dev.pgbridge.store;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static java.util.Objects.requireNonNull;

/**
 * The shared PostgreSQL store, in its own schema {@value #SCHEMA}. Migrations are serialized with a transaction-level
 * advisory lock; a key rotation locks the connections table against writes (reads go on).
 */
final class PostgresBackend implements StoreBackend {
    static final String SCHEMA = "pgbridge";
    /** The advisory lock of store migrations: "pgbridge" in ASCII. */
    private static final long MIGRATION_LOCK = 0x7067627269646765L;

    private final DataSource dataSource;
    private final boolean closeDataSource;

    PostgresBackend(DataSource dataSource, boolean closeDataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.closeDataSource = closeDataSource;
    }

    @Override
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            }
            catch (SQLException | RuntimeException | Error e) {
                try {
                    connection.rollback();
                }
                catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
            finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    @Override
    public <T> T read(SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        }
    }

    @Override
    public String schemaPrefix() {
        return SCHEMA + ".";
    }

    @Override
    public String timestampType() {
        return "TIMESTAMPTZ";
    }

    @Override
    public void prepareMigration(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, MIGRATION_LOCK);
            lock.execute();
        }
        // look first: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when a DBA made the schema
        boolean exists;
        try (PreparedStatement find = connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            find.setString(1, SCHEMA);
            try (ResultSet rs = find.executeQuery()) {
                exists = rs.next();
            }
        }
        if (!exists) {
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE SCHEMA " + SCHEMA);
            }
        }
    }

    @Override
    public void lockForRotation(Connection connection) throws SQLException {
        // EXCLUSIVE: blocks INSERT/UPDATE/DELETE (and another rotation) until commit, lets plain reads go on
        try (Statement statement = connection.createStatement()) {
            statement.execute("LOCK TABLE " + SCHEMA + ".connections IN EXCLUSIVE MODE");
        }
    }

    @Override
    public String forUpdate() {
        return " FOR UPDATE";
    }

    @Override
    public void bindTimestamp(PreparedStatement statement, int index, Instant value) throws SQLException {
        statement.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
    }

    @Override
    public Instant readTimestamp(ResultSet resultSet, String column) throws SQLException {
        return resultSet.getObject(column, OffsetDateTime.class).toInstant();
    }

    @Override
    public String hintFor(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return null;
        }
        if (state.equals("42501")) {
            return "the store's role needs CREATE on the database (or a DBA creates schema " + SCHEMA
                    + " owned by it): GRANT CREATE ON DATABASE <db> TO <role>";
        }
        if (state.startsWith("08") || state.equals("28P01") || state.equals("28000") || state.equals("3D000")) {
            return "check " + PgBridgeHome.STORE_URL_ENV + " (host, port, database, user, password)";
        }
        if (state.startsWith("57P")) {
            return "the store's server is shutting down or restarting; try again";
        }
        return null;
    }

    @Override
    public String describe() {
        return "PostgreSQL schema " + SCHEMA;
    }

    @Override
    public void close() {
        if (closeDataSource && dataSource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            }
            catch (Exception e) {
                throw new PgBridgeException(ErrorCode.STORE, "cannot close the control store's connection pool: "
                        + e.getMessage(), null, e);
            }
        }
    }
}
