package dev.pgbridge.metadata.lineage;

import static java.util.Objects.requireNonNull;

/** A column of a real relation, its name unquoted as stored in the catalog. */
public record ColumnName(TableName table, String column) {
    public ColumnName {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
    }

    @Override
    public String toString() {
        return table + "." + column;
    }
}
