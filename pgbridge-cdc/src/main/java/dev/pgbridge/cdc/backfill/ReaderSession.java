package dev.pgbridge.cdc.backfill;

import dev.pgbridge.connection.JdbcTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;

import static java.util.Objects.requireNonNull;

/**
 * The backfill's own connection to the source, opened on first use and again after it was lost: the capture's
 * connection settings (TLS, timeouts), text results for every type exactly as PostgreSQL prints them (and as the log
 * events carry them), REPEATABLE READ so a chunk's snapshot query and its SELECT share one snapshot.
 */
final class ReaderSession {
    private static final Logger LOG = LoggerFactory.getLogger(ReaderSession.class);

    private final JdbcTarget target;
    private Connection connection;

    ReaderSession(JdbcTarget target) {
        this.target = requireNonNull(target, "target is null");
    }

    /** The capture's own target (a temporary replication slot is created through it). */
    JdbcTarget target() {
        return target;
    }

    Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = reader().connect();
            connection.setAutoCommit(true);
            // a chunk's snapshot query and its SELECT share one snapshot
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (java.sql.Statement s = connection.createStatement()) {
                // a watermark's commit flushes the WAL at once, so the walsender sends it without waiting for the
                // WAL writer (where synchronous_commit is off, that wait would be each chunk's round trip); local:
                // it never waits for a synchronous standby
                s.execute("SET synchronous_commit = local");
            }
        }
        return connection;
    }

    /** Where a reader connects: the capture's target with text results, named in {@code pg_stat_activity}. */
    JdbcTarget reader() {
        return JdbcTarget.of(target.config().withExtra("application_name", "pgbridge-backfill"))
                .with(JdbcTarget.Session.TEXT_RESULTS);
    }

    void close() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            }
            catch (SQLException e) {
                LOG.debug("closing the backfill connection: {}", e.getMessage());
            }
        }
    }
}
