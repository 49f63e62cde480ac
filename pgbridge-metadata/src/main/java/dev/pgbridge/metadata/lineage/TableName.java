package dev.pgbridge.metadata.lineage;

import static java.util.Objects.requireNonNull;

/**
 * A relation as lineage names it: schema and name unquoted, exactly as stored in the catalog (unquoted SQL names
 * folded to lower case, quoted ones kept as written).
 */
public record TableName(String schema, String name) {
    public TableName {
        requireNonNull(schema, "schema is null");
        requireNonNull(name, "name is null");
    }

    /** PostgreSQL's own relations: {@code pg_catalog}, {@code information_schema}, {@code pg_toast}, … */
    public boolean system() {
        return schema.startsWith("pg_") || schema.equals("information_schema");
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
