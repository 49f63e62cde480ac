package dev.pgbridge.metadata.lineage;

import static java.util.Objects.requireNonNull;

/** Data of {@code from} is read by a statement that writes {@code to}. Never a self-loop. */
public record TableEdge(TableName from, TableName to) {
    public TableEdge {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
    }

    @Override
    public String toString() {
        return from + " -> " + to;
    }
}
