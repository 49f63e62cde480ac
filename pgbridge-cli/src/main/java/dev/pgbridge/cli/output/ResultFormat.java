package dev.pgbridge.cli.output;

/** How {@code pgbridge query} prints results. */
public enum ResultFormat {
    /** Aligned columns for people, as psql shows them (NULL as an empty cell). */
    TABLE,
    /** Each result as a JSON array of objects. */
    JSON,
    /** One JSON object per row and line. */
    JSONL,
    /** RFC 4180 CSV as PostgreSQL's COPY writes it, with a header line. */
    CSV
}
