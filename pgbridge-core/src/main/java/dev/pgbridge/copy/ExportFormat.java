package dev.pgbridge.copy;

/** The formats an export writes. */
public enum ExportFormat {
    /** RFC 4180 CSV as PostgreSQL's COPY writes it (LF line ends, NULL as an unquoted empty field, "" for empty text). */
    CSV,
    /** JSON lines: one object per row, keys the column names, values mapped by {@link dev.pgbridge.pgtype.PgJson}. */
    JSONL
}
