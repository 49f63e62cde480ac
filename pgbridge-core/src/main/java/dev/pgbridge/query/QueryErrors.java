package dev.pgbridge.query;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Translates a failure of a statement pgbridge ran for a user. Errors of the SQL itself become a
 * {@link QueryException} with PostgreSQL's message, hint, position and detail; a timeout or cancel says which
 * statement stopped and why; connection-level failures go through {@link SqlErrors}.
 */
public final class QueryErrors {
    private QueryErrors() {
    }

    /**
     * @param statement the statement that ran (null when not known)
     * @param timeout the statement timeout in force, or null
     * @param canceled whether pgbridge had been asked to cancel
     */
    public static PgBridgeException translate(SQLException e, ConnectionConfig target, SqlStatement statement,
                                              Duration timeout, boolean canceled) {
        return translate(e, target, statement, timeout, canceled, 0);
    }

    /**
     * As {@link #translate(SQLException, ConnectionConfig, SqlStatement, Duration, boolean)} for a statement that
     * was sent inside a longer one ({@code COPY (…) TO STDOUT}): {@code shift} characters came before it.
     */
    public static PgBridgeException translate(SQLException e, ConnectionConfig target, SqlStatement statement,
                                              Duration timeout, boolean canceled, int shift) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        String which = statement == null ? "the statement" : describe(statement);
        if (state.equals("57014")) {
            if (canceled) {
                return new QueryException(ErrorCode.CANCELED, which + " was canceled; PostgreSQL stopped it",
                        null, statement, -1, null, state, e);
            }
            if (timeout != null) {
                return new QueryException(ErrorCode.TIMEOUT, which + " ran longer than the timeout of "
                        + format(timeout) + " and PostgreSQL canceled it",
                        "raise the timeout, or make the statement cheaper (EXPLAIN shows its plan)",
                        statement, -1, null, state, e);
            }
        }
        if (server == null || state.startsWith("08") || state.startsWith("28") || state.startsWith("57P")
                || state.equals("53300") || state.equals("3D000")) {
            return SqlErrors.translate(e, target);
        }
        int index = statement == null ? -1 : statement.sourceIndex(server.getPosition() - shift);
        String message = server.getMessage() + " (SQLSTATE " + state + ")";
        if (statement != null && statement.index() > 0) {
            message = message + " in " + which;
        }
        ErrorCode code = state.equals("42501") ? ErrorCode.PRIVILEGE_MISSING
                : state.equals("57014") ? ErrorCode.CANCELED : ErrorCode.SQL_ERROR;
        String detail = server.getDetail();
        if (server.getWhere() != null) {
            detail = (detail == null ? "" : detail + "\n") + "CONTEXT: " + server.getWhere();
        }
        return new QueryException(code, message, server.getHint(), statement, index, detail, state, e);
    }

    /** {@code statement 2 (line 5)}. */
    static String describe(SqlStatement statement) {
        return "statement " + (statement.index() + 1) + " (line " + statement.line() + ")";
    }

    /** 500ms, 30s, 5m, 1h30m — the way durations are written on the command line. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        StringBuilder sb = new StringBuilder();
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            sb.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0 || sb.isEmpty()) {
            sb.append(s).append('s');
        }
        return sb.toString();
    }
}
