package dev.pgbridge.metadata.lineage;

import static java.util.Objects.requireNonNull;

/** Values of {@code from} flow into the written column {@code to} (the two are of different relations). */
public record ColumnEdge(ColumnName from, ColumnName to) {
    public ColumnEdge {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
    }

    @Override
    public String toString() {
        return from + " -> " + to;
    }
}
