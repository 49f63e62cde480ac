package dev.pgbridge.query;

import dev.pgbridge.pgtype.PgType;

import static java.util.Objects.requireNonNull;

/**
 * A result column: its name exactly as PostgreSQL labels it (no case folding), its type, and the type's OID.
 * For a column of a domain type PostgreSQL reports the domain's base type.
 */
public record Column(String name, PgType type, int typeOid) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }

    /** PostgreSQL's name of the column's type, e.g. {@code int4}, {@code timestamptz}, {@code text[]}. */
    public String typeName() {
        return type.name();
    }
}
