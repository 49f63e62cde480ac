package dev.pgbridge.query;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sends PostgreSQL's cancel request for a connection until the work in progress on it has stopped. A cancel
 * request that reaches the server before the statement has started is ignored by PostgreSQL, so one request is
 * not enough: it is repeated every 100 ms, for at most 5 seconds.
 */
public final class Cancel {
    private static final Logger log = LoggerFactory.getLogger(Cancel.class);
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private Cancel() {
    }

    /**
     * @param running what is running on the connection now; null when nothing is (then this returns)
     */
    public static void whileRunning(Connection connection, Supplier<?> running) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Object work = running.get();
        while (work != null && System.nanoTime() < deadline) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            }
            catch (SQLException e) {
                log.debug("cancel request failed", e);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (running.get() != work) {
                return;
            }
        }
    }
}
