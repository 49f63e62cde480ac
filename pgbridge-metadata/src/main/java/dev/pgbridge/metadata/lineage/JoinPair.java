package dev.pgbridge.metadata.lineage;

import static java.util.Objects.requireNonNull;

/**
 * Two columns of different relations compared with {@code =} in {@code JOIN … ON}, {@code JOIN … USING} or
 * {@code WHERE}: what OpenMetadata's usage calls a column join.
 */
public record JoinPair(ColumnName left, ColumnName right) {
    public JoinPair {
        requireNonNull(left, "left is null");
        requireNonNull(right, "right is null");
    }

    @Override
    public String toString() {
        return left + " = " + right;
    }
}
