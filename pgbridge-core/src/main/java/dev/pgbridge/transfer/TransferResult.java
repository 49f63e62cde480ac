package dev.pgbridge.transfer;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * What a committed transfer did: the target table (quoted), rows and bytes moved, how long it took, whether the COPY
 * data went in PostgreSQL's binary format (every column the same built-in type on both sides) or text, the CREATE
 * TABLE statement when the target was created (else null), and for an upsert the rows merged (else -1).
 */
public record TransferResult(String target, long rows, long bytes, Duration elapsed, boolean binary,
                             String createdTable, long merged) {
    public TransferResult {
        requireNonNull(target, "target is null");
        requireNonNull(elapsed, "elapsed is null");
    }

    public boolean created() {
        return createdTable != null;
    }

    public boolean upserted() {
        return merged >= 0;
    }
}
