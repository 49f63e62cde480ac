package dev.pgbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What differs between the two stores: how to get a connection and run a transaction, where the tables live, the
 * timestamp type, and how to lock. Everything else (the statements, migrations, encryption) is shared in
 * {@link SqlConnectionStore}.
 */
sealed interface StoreBackend extends AutoCloseable permits SqliteBackend, PostgresBackend {
    /** Work on one connection; may throw SQLException. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in one transaction that takes the write lock at its start; commits or rolls back. */
    <T> T inTransaction(SqlWork<T> work) throws SQLException;

    /** Runs {@code work} (reads) outside an explicit transaction. */
    <T> T read(SqlWork<T> work) throws SQLException;

    /** The prefix of table names: {@code pgbridge.} for PostgreSQL, empty for SQLite. */
    String schemaPrefix();

    /** The SQL type of timestamps. */
    String timestampType();

    /** Inside the migration transaction, before anything else: serializes migrations of concurrent processes. */
    void prepareMigration(Connection connection) throws SQLException;

    /** Inside the rotation transaction: blocks every concurrent write of connections until it ends. */
    void lockForRotation(Connection connection) throws SQLException;

    /** Appended to a SELECT inside a transaction to lock the rows it reads. */
    String forUpdate();

    void bindTimestamp(PreparedStatement statement, int index, Instant value) throws SQLException;

    Instant readTimestamp(ResultSet resultSet, String column) throws SQLException;

    /** A hint for a failed statement, by SQLSTATE or vendor code; null when there is nothing specific to say. */
    String hintFor(SQLException e);

    /** Where the store is, for messages (no password). */
    String describe();

    @Override
    void close();
}
