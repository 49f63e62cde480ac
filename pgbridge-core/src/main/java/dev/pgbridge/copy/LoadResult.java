package dev.pgbridge.copy;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * What a committed load did: the table (quoted), rows read from the input and sent by COPY, in how many chunks,
 * bytes of input, how long it took; whether every row went in COPY's binary format (else some or all in text); the
 * CREATE TABLE statement when {@code --create} made the table (else null); and for an upsert the rows the merge
 * inserted or updated (else -1).
 */
public record LoadResult(String table, long rows, int chunks, long bytes, Duration elapsed, boolean binary,
                         String createdTable, long merged) {
    public LoadResult {
        requireNonNull(table, "table is null");
        requireNonNull(elapsed, "elapsed is null");
    }

    public boolean created() {
        return createdTable != null;
    }

    public boolean upserted() {
        return merged >= 0;
    }

    /** Rows per second (0 for an instant load). */
    public double rowsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : rows / seconds;
    }
}
