package dev.pgbridge.cdc.event;

import static java.util.Objects.requireNonNull;

/** A table by schema and name, exactly as the catalog has them (no case folding). */
public record TableId(String schema, String table) implements Comparable<TableId> {
    public TableId {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
    }

    @Override
    public int compareTo(TableId o) {
        int c = schema.compareTo(o.schema);
        return c != 0 ? c : table.compareTo(o.table);
    }

    /** {@code schema.table}, unquoted (for messages; SQL goes through {@code Identifier.quote}). */
    @Override
    public String toString() {
        return schema + "." + table;
    }
}
