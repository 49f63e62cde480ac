package dev.pgbridge.copy;

import static java.util.Objects.requireNonNull;

/**
 * How a column's values are written for COPY, decided by its type with domains resolved to their base type:
 * the family of the base type, its pg_catalog name ({@code base}, null for other types and arrays), and for an array
 * the element type and its delimiter. {@code name} is the column's type as PostgreSQL prints it, for messages.
 */
record LoadType(Kind kind, String name, LoadType element, char delimiter, String base) {
    enum Kind {
        BOOL, INTEGER, NUMERIC, FLOAT, BYTEA, JSON,
        /** date, timestamp, timestamptz: ISO-8601 text, with years outside 1..9999 rewritten for PostgreSQL. */
        DATETIME,
        INTERVAL,
        /** Everything read from its text form: text, varchar, uuid, inet, enums, time, money … */
        TEXT,
        ARRAY
    }

    LoadType {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        if (kind == Kind.ARRAY) {
            requireNonNull(element, "element is null");
        }
    }

    static LoadType scalar(Kind kind, String name) {
        return new LoadType(kind, name, null, ',', null);
    }

    /** A built-in scalar type: {@code base} is its pg_catalog name ({@code int4}, {@code timestamptz}). */
    static LoadType builtIn(String base, String name) {
        return new LoadType(kindOf(base), name, null, ',', base);
    }

    static LoadType array(LoadType element, char delimiter, String name) {
        return new LoadType(Kind.ARRAY, name, element, delimiter, null);
    }

    /** The kind of a built-in (pg_catalog) base type by its name; TEXT for everything read from text. */
    static Kind kindOf(String catalogTypeName) {
        return switch (catalogTypeName) {
            case "bool" -> Kind.BOOL;
            case "int2", "int4", "int8", "oid" -> Kind.INTEGER;
            case "numeric" -> Kind.NUMERIC;
            case "float4", "float8" -> Kind.FLOAT;
            case "bytea" -> Kind.BYTEA;
            case "json", "jsonb" -> Kind.JSON;
            case "date", "timestamp", "timestamptz" -> Kind.DATETIME;
            case "interval" -> Kind.INTERVAL;
            default -> Kind.TEXT;
        };
    }
}
