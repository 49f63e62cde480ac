package dev.pgbridge.copy;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Where in a {@code COPY … FROM STDIN} PostgreSQL rejected a row, read from the error's context
 * ({@code COPY t, line 3, column amount: "x"}): the row number within that COPY (its data line, from 1), the column
 * when it is about one, PostgreSQL's message and SQLSTATE. For a constraint the context has no column; then the
 * column the server names in the error (not-null violations) is used.
 */
public record LoadCopyError(long copyLine, String column, String message, String sqlState) {
    /** The words between the numbers are translated with lc_messages, so only the shape is matched. */
    private static final Pattern CONTEXT = Pattern.compile("^COPY (.+?), [^,]+? (\\d+)(?:, [^ ]+ (.*)|:.*)?$");

    public LoadCopyError {
        requireNonNull(message, "message is null");
    }

    /** The COPY row PostgreSQL names in the error of {@code e}, if it names one. */
    public static Optional<LoadCopyError> of(SQLException e, Collection<String> columnNames) {
        ServerErrorMessage server = serverError(e);
        if (server == null || server.getWhere() == null) {
            return Optional.empty();
        }
        for (String contextLine : server.getWhere().split("\n")) {
            Matcher m = CONTEXT.matcher(contextLine.strip());
            if (!m.matches()) {
                continue;
            }
            long line = Long.parseLong(m.group(2));
            String column = m.group(3) == null ? null : column(m.group(3), columnNames);
            if (column == null) {
                column = server.getColumn();
            }
            String message = server.getMessage() == null ? String.valueOf(e.getMessage()) : server.getMessage();
            return Optional.of(new LoadCopyError(line, column, message, server.getSQLState()));
        }
        return Optional.empty();
    }

    private static String column(String rest, Collection<String> columnNames) {
        String best = null;
        for (String name : columnNames) {
            if ((rest.equals(name) || rest.startsWith(name + ":") || rest.startsWith(name + " :"))
                    && (best == null || name.length() > best.length())) {
                best = name;
            }
        }
        if (best == null) {
            int colon = rest.indexOf(':');
            best = colon > 0 ? rest.substring(0, colon).strip() : rest.strip();
        }
        return best;
    }

    /** The first error in the chain (causes and next exceptions) that carries PostgreSQL's own fields. */
    static ServerErrorMessage serverError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
                return p.getServerErrorMessage();
            }
            if (t instanceof SQLException s) {
                for (SQLException next = s.getNextException(); next != null; next = next.getNextException()) {
                    if (next instanceof PSQLException p && p.getServerErrorMessage() != null) {
                        return p.getServerErrorMessage();
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** {@code line 7, column "amount": <message>} with {@code where} in place of "line 7". */
    public String describe(String where) {
        return where + (column == null ? "" : ", column \"" + column + "\"") + ": " + message
                + (sqlState == null ? "" : " (SQLSTATE " + sqlState + ")");
    }
}
