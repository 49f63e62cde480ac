package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.sink.SinkFailure;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The one place that decides whether a failure of a running capture is retried (reconnect, stream again from the
 * checkpoint) or stops it — by SQLSTATE and exception type along the cause chain, never by message text (the idea of
 * Debezium's {@code PostgresErrorHandler}).
 *
 * <p>Retried: connection loss (SQLSTATE class {@code 08}, a socket error or timeout), the server ending the session
 * or restarting ({@code 57P01} admin shutdown, {@code 57P02} crash shutdown, {@code 57P03} cannot connect now), too
 * many connections while it comes back ({@code 53300}), serialization failures ({@code 40001}, {@code 40P01}) and a
 * busy replication slot ({@code 55006}: the walsender of a session that has just ended still holds it).
 *
 * <p>Everything else stops the capture with its code and hint: a {@link PgBridgeException} that pgbridge raised on
 * purpose (a lost slot, a held lock, a bad config) is final as it is, and so is every {@link SinkFailure} (a sink that
 * failed has rolled back and refuses to go on); a {@link PgBridgeException} that only translates an
 * {@link SQLException} ({@link ErrorCode#SQL_ERROR}, {@link ErrorCode#CONNECTION_FAILED} …) is decided by the
 * exception it carries.
 */
final class CaptureFailures {
    /** Codes that describe an SQL or network failure underneath rather than a decision: their cause decides. */
    private static final Set<ErrorCode> TRANSLATIONS = Set.of(ErrorCode.SQL_ERROR, ErrorCode.CONNECTION_FAILED,
            ErrorCode.CONNECTION_REFUSED, ErrorCode.SERVER_SHUTDOWN, ErrorCode.TIMEOUT, ErrorCode.TOO_MANY_CONNECTIONS);
    /** Of those, the ones that are a lost or refused connection even when no cause says more. */
    private static final Set<ErrorCode> CONNECTION_LOST = Set.of(ErrorCode.CONNECTION_FAILED,
            ErrorCode.CONNECTION_REFUSED, ErrorCode.SERVER_SHUTDOWN);
    private static final Set<String> RETRIED_STATES = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01",
            "55006");

    private CaptureFailures() {
    }

    /** Whether the capture reconnects and goes on after {@code failure}. */
    static boolean retriable(Throwable failure) {
        requireNonNull(failure, "failure is null");
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof SinkFailure) {
                return false;
            }
            if (t instanceof PgBridgeException p && !TRANSLATIONS.contains(p.code())) {
                return false;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return retriable(sql.getSQLState());
            }
            if (t instanceof SocketException || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return chain.stream().anyMatch(t -> t instanceof PgBridgeException p && CONNECTION_LOST.contains(p.code()));
    }

    /** Whether an SQLSTATE is one the capture rides through. */
    static boolean retriable(String sqlState) {
        return sqlState.startsWith("08") || RETRIED_STATES.contains(sqlState);
    }

    /** The first {@link SQLException} with an SQLSTATE in the cause chain of {@code failure}. */
    static Optional<SQLException> sqlCause(Throwable failure) {
        for (Throwable t : chain(failure)) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    /**
     * What the user sees when {@code failure} stops capture {@code capture} of {@code source}: a
     * {@link PgBridgeException} raised on purpose as it is; an {@link SQLException} (however wrapped) translated by
     * SQLSTATE with the wrapper's words kept; a file failure as {@link ErrorCode#IO} naming {@code stateDirectory}.
     * Anything else is returned as it is (a bug, not a condition of the source).
     */
    static RuntimeException typed(Throwable failure, String capture, ConnectionConfig source, String stateDirectory) {
        requireNonNull(failure, "failure is null");
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof PgBridgeException p && !TRANSLATIONS.contains(p.code())) {
                return p;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                PgBridgeException translated = SqlErrors.translate(sql, source);
                String context = t == failure ? "" : contextOf(failure, sql);
                return new PgBridgeException(translated.code(), "capture " + capture + ": " + context
                        + translated.getMessage(), translated.hint(), failure);
            }
            if (t instanceof PgBridgeException p) {
                return p;
            }
        }
        for (Throwable t : chain) {
            if (t instanceof IOException io) {
                return new PgBridgeException(ErrorCode.IO, "capture " + capture + ": " + failure.getMessage(),
                        "check the disk space and permissions of " + stateDirectory + " (checkpoint and spill files); "
                                + "the capture resumes from its checkpoint when started again", io);
            }
        }
        return failure instanceof RuntimeException r ? r
                : new IllegalStateException("capture " + capture + ": " + failure, failure);
    }

    /** The message of the wrapper around {@code sql} ("cannot read … of the source"), when it says more. */
    private static String contextOf(Throwable failure, SQLException sql) {
        String message = failure.getMessage();
        if (message == null || message.isEmpty() || message.equals(sql.getMessage())) {
            return "";
        }
        // a wrapper's message often ends with the SQLException's own: keep only what it adds
        String own = String.valueOf(sql.getMessage());
        int at = message.indexOf(": " + own);
        return (at > 0 ? message.substring(0, at) : message) + ": ";
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
