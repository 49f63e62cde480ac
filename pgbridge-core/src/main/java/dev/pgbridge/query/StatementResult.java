package dev.pgbridge.query;

/** What one statement of a SQL text gave: rows ({@link RowsResult}) or a row count ({@link CountResult}). */
public sealed interface StatementResult permits RowsResult, CountResult {
    /** The statement that gave this result. */
    SqlStatement statement();
}
