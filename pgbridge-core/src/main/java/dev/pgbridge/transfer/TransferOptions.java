package dev.pgbridge.transfer;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A transfer: the source, the target table (as typed by the user), and as for a load {@code create} (make the target
 * from the source's columns when it does not exist), {@code truncate} (empty it first, in the same transaction) and
 * {@code upsertKey} (merge on these columns instead of appending); {@code parallel}: source sessions reading a table
 * in one snapshot (1: one session).
 */
public record TransferOptions(TransferSource source, String targetTable, boolean create, boolean truncate,
                              List<String> upsertKey, int parallel) {
    public TransferOptions(TransferSource source, String targetTable, boolean create, boolean truncate,
                           List<String> upsertKey) {
        this(source, targetTable, create, truncate, upsertKey, 1);
    }

    public TransferOptions {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be positive: " + parallel);
        }
        requireNonNull(source, "source is null");
        requireNonNull(targetTable, "targetTable is null");
        upsertKey = List.copyOf(requireNonNull(upsertKey, "upsertKey is null"));
        if (targetTable.isBlank()) {
            throw new IllegalArgumentException("target table is blank");
        }
    }

    public static TransferOptions of(TransferSource source, String targetTable) {
        return new TransferOptions(source, targetTable, false, false, List.of());
    }

    public TransferOptions withCreate(boolean value) {
        return new TransferOptions(source, targetTable, value, truncate, upsertKey, parallel);
    }

    public TransferOptions withTruncate(boolean value) {
        return new TransferOptions(source, targetTable, create, value, upsertKey, parallel);
    }

    public TransferOptions withUpsertKey(List<String> value) {
        return new TransferOptions(source, targetTable, create, truncate, value, parallel);
    }

    public TransferOptions withParallel(int value) {
        return new TransferOptions(source, targetTable, create, truncate, upsertKey, value);
    }
}
