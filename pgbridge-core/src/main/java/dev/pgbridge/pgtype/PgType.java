package dev.pgbridge.pgtype;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A PostgreSQL type as pgbridge maps its values: its oid, its name, the {@link Kind} that decides how a value in
 * PostgreSQL's text form becomes JSON and back (see {@link PgJson} and {@code docs/types.md}), and for an array its
 * element type and element delimiter ({@code ;} for {@code box}, else {@code ,}). A domain has the kind of its base
 * type; enums, composite types, ranges and every type pgbridge does not know are {@link Kind#TEXT}.
 *
 * @param oid the type's oid (0 when not known); for a domain, the oid of its base type (whose text and binary forms its
 *            values have)
 * @param name the type's name ({@code pg_type.typname}); an array as {@code element[]}
 */
public record PgType(int oid, String name, Kind kind, PgType element, char delimiter) {
    /** How values of a type are mapped; the rows of {@code docs/types.md}. */
    public enum Kind {
        /** int2, int4, int8, oid, xid, xid8, cid: a JSON number with the exact digits. */
        INTEGER,
        /** numeric: a JSON number with the exact digits and scale; NaN, Infinity, -Infinity as strings. */
        NUMERIC,
        /** float4, float8: a JSON number as PostgreSQL prints it (shortest exact form); NaN, ±Infinity as strings. */
        FLOAT,
        /** bool: true or false. */
        BOOLEAN,
        /** text and every type not listed (uuid, inet, enums, money, ranges, composites …): a string. */
        TEXT,
        /** date: ISO-8601 {@code 2024-02-29}; infinity and -infinity as strings. */
        DATE,
        /** timestamp: ISO-8601 {@code 2024-02-29T13:45:00.5}; infinity and -infinity as strings. */
        TIMESTAMP,
        /** timestamptz: ISO-8601 with offset {@code 2024-02-29T13:45:00.5+01:00}; infinity, -infinity as strings. */
        TIMESTAMPTZ,
        /** time: ISO-8601 {@code 13:45:00.5}. */
        TIME,
        /** timetz: ISO-8601 with offset {@code 13:45:00+05:30}. */
        TIMETZ,
        /** interval: ISO-8601 duration as PostgreSQL's {@code iso_8601} style prints it, from any IntervalStyle. */
        INTERVAL,
        /** json: the value as JSON, its text kept (on one line). */
        JSON,
        /** jsonb: the value as JSON, as PostgreSQL normalizes it. */
        JSONB,
        /** bytea: base64 (RFC 4648, with padding). */
        BYTEA,
        /** any array: a JSON array (nested for several dimensions) of its elements, each mapped by its type. */
        ARRAY
    }

    public PgType {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        if ((kind == Kind.ARRAY) != (element != null)) {
            throw new IllegalArgumentException("an array type, and only an array type, has an element type");
        }
    }

    public static PgType scalar(int oid, Kind kind, String name) {
        return new PgType(oid, name, kind, null, ',');
    }

    public static PgType arrayOf(int oid, PgType element, char delimiter) {
        requireNonNull(element, "element is null");
        return new PgType(oid, element.name() + "[]", Kind.ARRAY, element, delimiter);
    }

    /** A type whose values are text, for types pgbridge does not map otherwise. */
    public static PgType text(int oid, String name) {
        return scalar(oid, Kind.TEXT, name);
    }

    /** A type known only by its oid: its values are text. */
    public static PgType unknown(int oid) {
        return text(oid, "oid " + oid);
    }

    /**
     * This type under another name: a domain over it, or the name a message should show ({@code format_type}'s
     * {@code numeric(10,2)}); the mapping stays the same.
     */
    public PgType named(String name) {
        return new PgType(oid, name, kind, element, delimiter);
    }

    /** The name of the built-in type the values are ({@code int4} for a domain over int4), else {@link #name()}. */
    public String baseName() {
        PgType builtIn = BUILT_IN.get(oid);
        return builtIn == null ? name : builtIn.name;
    }

    /** Whether a JSON array in this type's values is a value (json, jsonb, nested array types), not a dimension. */
    boolean takesJsonArrays() {
        return kind == Kind.JSON || kind == Kind.JSONB || kind == Kind.ARRAY;
    }

    /** Whether this is one of PostgreSQL's own types (oid below 16384): the same, with the same binary form, everywhere. */
    public boolean builtIn() {
        return oid > 0 && oid < 16384;
    }

    private static final Map<Integer, PgType> BUILT_IN = new HashMap<>();

    private static void builtIn(int oid, int arrayOid, String name, Kind kind) {
        PgType type = scalar(oid, kind, name);
        BUILT_IN.put(oid, type);
        BUILT_IN.put(arrayOid, arrayOf(arrayOid, type, name.equals("box") ? ';' : ','));
    }

    static {
        builtIn(16, 1000, "bool", Kind.BOOLEAN);
        builtIn(17, 1001, "bytea", Kind.BYTEA);
        builtIn(18, 1002, "char", Kind.TEXT);
        builtIn(19, 1003, "name", Kind.TEXT);
        builtIn(20, 1016, "int8", Kind.INTEGER);
        builtIn(21, 1005, "int2", Kind.INTEGER);
        builtIn(23, 1007, "int4", Kind.INTEGER);
        builtIn(24, 1008, "regproc", Kind.TEXT);
        builtIn(25, 1009, "text", Kind.TEXT);
        builtIn(26, 1028, "oid", Kind.INTEGER);
        builtIn(28, 1011, "xid", Kind.INTEGER);
        builtIn(29, 1012, "cid", Kind.INTEGER);
        builtIn(114, 199, "json", Kind.JSON);
        builtIn(142, 143, "xml", Kind.TEXT);
        builtIn(600, 1017, "point", Kind.TEXT);
        builtIn(601, 1018, "lseg", Kind.TEXT);
        builtIn(602, 1019, "path", Kind.TEXT);
        builtIn(603, 1020, "box", Kind.TEXT);
        builtIn(604, 1027, "polygon", Kind.TEXT);
        builtIn(628, 629, "line", Kind.TEXT);
        builtIn(650, 651, "cidr", Kind.TEXT);
        builtIn(700, 1021, "float4", Kind.FLOAT);
        builtIn(701, 1022, "float8", Kind.FLOAT);
        builtIn(718, 719, "circle", Kind.TEXT);
        builtIn(774, 775, "macaddr8", Kind.TEXT);
        builtIn(790, 791, "money", Kind.TEXT);
        builtIn(829, 1040, "macaddr", Kind.TEXT);
        builtIn(869, 1041, "inet", Kind.TEXT);
        builtIn(1042, 1014, "bpchar", Kind.TEXT);
        builtIn(1043, 1015, "varchar", Kind.TEXT);
        builtIn(1082, 1182, "date", Kind.DATE);
        builtIn(1083, 1183, "time", Kind.TIME);
        builtIn(1114, 1115, "timestamp", Kind.TIMESTAMP);
        builtIn(1184, 1185, "timestamptz", Kind.TIMESTAMPTZ);
        builtIn(1186, 1187, "interval", Kind.INTERVAL);
        builtIn(1266, 1270, "timetz", Kind.TIMETZ);
        builtIn(1560, 1561, "bit", Kind.TEXT);
        builtIn(1562, 1563, "varbit", Kind.TEXT);
        builtIn(1700, 1231, "numeric", Kind.NUMERIC);
        builtIn(1790, 2201, "refcursor", Kind.TEXT);
        builtIn(2205, 2210, "regclass", Kind.TEXT);
        builtIn(2206, 2211, "regtype", Kind.TEXT);
        builtIn(2249, 2287, "record", Kind.TEXT);
        builtIn(2950, 2951, "uuid", Kind.TEXT);
        builtIn(3220, 3221, "pg_lsn", Kind.TEXT);
        builtIn(3614, 3643, "tsvector", Kind.TEXT);
        builtIn(3615, 3645, "tsquery", Kind.TEXT);
        builtIn(3802, 3807, "jsonb", Kind.JSONB);
        builtIn(3904, 3905, "int4range", Kind.TEXT);
        builtIn(3906, 3907, "numrange", Kind.TEXT);
        builtIn(3908, 3909, "tsrange", Kind.TEXT);
        builtIn(3910, 3911, "tstzrange", Kind.TEXT);
        builtIn(3912, 3913, "daterange", Kind.TEXT);
        builtIn(3926, 3927, "int8range", Kind.TEXT);
        builtIn(4072, 4073, "jsonpath", Kind.TEXT);
        builtIn(5069, 271, "xid8", Kind.INTEGER);
        // vectors print as "1 2 3", not as array literals
        BUILT_IN.put(22, text(22, "int2vector"));
        BUILT_IN.put(30, text(30, "oidvector"));
        BUILT_IN.put(705, text(705, "unknown"));
    }

    /** The built-in type with this oid (the same in every PostgreSQL database), if pgbridge knows it. */
    public static Optional<PgType> builtIn(int oid) {
        return Optional.ofNullable(BUILT_IN.get(oid));
    }

    @Override
    public String toString() {
        return name;
    }
}
