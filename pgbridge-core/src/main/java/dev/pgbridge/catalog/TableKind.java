package dev.pgbridge.catalog;

import java.util.Optional;

/** The kinds of relation the catalog lists, with their {@code pg_class.relkind} code. */
public enum TableKind {
    TABLE('r', "table"),
    VIEW('v', "view"),
    MATERIALIZED_VIEW('m', "materialized view"),
    PARTITIONED_TABLE('p', "partitioned table"),
    FOREIGN_TABLE('f', "foreign table");

    private final char relkind;
    private final String label;

    TableKind(char relkind, String label) {
        this.relkind = relkind;
        this.label = label;
    }

    /** The {@code pg_class.relkind} code. */
    public char relkind() {
        return relkind;
    }

    /** What people call it: {@code table}, {@code materialized view}, … */
    public String label() {
        return label;
    }

    /** Whether rows live in the database's own files (tables and materialized views; partitioned through their partitions). */
    public boolean hasStorage() {
        return this == TABLE || this == MATERIALIZED_VIEW || this == PARTITIONED_TABLE;
    }

    /** The kind of a relkind code; empty for kinds the catalog does not list (indexes, sequences, …). */
    public static Optional<TableKind> ofRelkind(char relkind) {
        for (TableKind kind : values()) {
            if (kind.relkind == relkind) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return label;
    }
}
