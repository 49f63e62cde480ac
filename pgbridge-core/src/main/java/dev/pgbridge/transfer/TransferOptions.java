package dev.pgbridge.transfer;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A transfer: the source, the target table (as typed by the user), and as for a load {@code create} (make the target
 * from the source's columns when it does not exist), {@code truncate} (empty it first, in the same transaction) and
 * {@code upsertKey} (merge on these columns instead of appending).
 */
public record TransferOptions(TransferSource source, String targetTable, boolean create, boolean truncate,
                              List<String> upsertKey) {
    public TransferOptions {
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
        return new TransferOptions(source, targetTable, value, truncate, upsertKey);
    }

    public TransferOptions withTruncate(boolean value) {
        return new TransferOptions(source, targetTable, create, value, upsertKey);
    }

    public TransferOptions withUpsertKey(List<String> value) {
        return new TransferOptions(source, targetTable, create, truncate, value);
    }
}
