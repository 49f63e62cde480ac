package dev.pgbridge.copy;

/**
 * Input that cannot be loaded, found before PostgreSQL saw it: where (the input line, header = line 1, and the
 * field or column when known) and why. The loader turns it into a {@code PgBridgeException} naming the column.
 */
public final class LoadDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long line;
    private final int field;
    private final String column;

    LoadDataException(long line, int field, String message) {
        this(line, field, null, message, null);
    }

    LoadDataException(long line, String column, String message, Throwable cause) {
        this(line, -1, column, message, cause);
    }

    private LoadDataException(long line, int field, String column, String message, Throwable cause) {
        super(message, cause);
        this.line = line;
        this.field = field;
        this.column = column;
    }

    /** The input line (1-based); 0 when the problem is not on one line. */
    public long line() {
        return line;
    }

    /** The 0-based field of the record, or -1; see {@link #column()} for a name. */
    public int field() {
        return field;
    }

    /** The column name when the reader knew it, else null. */
    String column() {
        return column;
    }
}
