package dev.pgbridge.query;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.util.Optional;

/**
 * PostgreSQL rejected a statement: its message ({@link #getMessage()}), its hint ({@link #hint()}), and — kept out
 * of the message because SQL text and row values do not belong in logs — the statement, where in it the error
 * is ({@link #excerpt()}, psql-style), and PostgreSQL's DETAIL.
 */
public final class QueryException extends PgBridgeException {
    private static final long serialVersionUID = 1L;

    private static final int WINDOW = 100;

    private final transient SqlStatement statement;
    private final int index;
    private final String detail;
    private final String sqlState;

    public QueryException(ErrorCode code, String message, String hint, SqlStatement statement, int index,
                          String detail, String sqlState, Throwable cause) {
        super(code, message, hint, cause);
        this.statement = statement;
        this.index = index;
        this.detail = detail;
        this.sqlState = sqlState;
    }

    /** The same failure with another hint: for a caller that knows more about why (say, SQL run read-only for a role). */
    public QueryException withHint(String newHint) {
        return new QueryException(code(), getMessage(), newHint, statement, index, detail, sqlState, getCause());
    }

    /** The statement that failed, if known. */
    public Optional<SqlStatement> statement() {
        return Optional.ofNullable(statement);
    }

    /** PostgreSQL's DETAIL line (may show row values), if any. */
    public Optional<String> detail() {
        return Optional.ofNullable(detail);
    }

    public String sqlState() {
        return sqlState;
    }

    /**
     * For logs: the SQLSTATE and where, not PostgreSQL's message — for a bad parameter it quotes the value
     * ({@code invalid input syntax for type integer: "…"}), and logs never carry bind values.
     */
    @Override
    public String oneLine() {
        String where = statement == null ? "" : " in " + QueryErrors.describe(statement)
                + (line() > 0 ? " at line " + line() + ", column " + column() : "");
        return "SQL failed with SQLSTATE " + sqlState + where + " (" + code() + "; the message is not logged)";
    }

    /** 1-based line of the whole SQL text where the error is, or 0 when PostgreSQL gave no position. */
    public int line() {
        if (statement == null || index < 0) {
            return 0;
        }
        int line = statement.line();
        String text = statement.text();
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** 1-based column (in characters) on {@link #line()}, or 0. */
    public int column() {
        if (statement == null || index < 0) {
            return 0;
        }
        String text = statement.text();
        int lineStart = text.lastIndexOf('\n', index - 1) + 1;
        return text.codePointCount(lineStart, index) + 1;
    }

    /**
     * The line of the SQL text with the error and a caret under it, as psql shows it; empty when PostgreSQL gave
     * no position. Long lines are cut to a window around the caret.
     * <pre>
     * LINE 2: select 1 from nosuch
     *                       ^
     * </pre>
     */
    public Optional<String> excerpt() {
        if (statement == null || index < 0) {
            return Optional.empty();
        }
        String text = statement.text();
        int lineStart = text.lastIndexOf('\n', index - 1) + 1;
        int lineEnd = text.indexOf('\n', index);
        String lineText = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd).replace('\r', ' ').replace('\t', ' ');
        int caret = column() - 1; // code points before the error on this line
        int length = lineText.codePointCount(0, lineText.length());
        String shown = lineText;
        String before = "";
        String after = "";
        if (length > WINDOW) {
            int from = Math.max(0, Math.min(caret - WINDOW / 2, length - WINDOW));
            int to = Math.min(length, from + WINDOW);
            shown = lineText.substring(lineText.offsetByCodePoints(0, from), lineText.offsetByCodePoints(0, to));
            before = from > 0 ? "..." : "";
            after = to < length ? "..." : "";
            caret -= from;
        }
        String prefix = "LINE " + line() + ": " + before;
        return Optional.of(prefix + shown + after + "\n" + " ".repeat(prefix.length() + caret) + "^");
    }
}
