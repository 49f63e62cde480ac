package dev.pgbridge.cdc.event;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How a PostgreSQL type's text form maps to JSON: its {@link Kind}, and for arrays the element type. Domains take
 * the kind of their base type, enums are {@link Kind#TEXT}.
 */
public record PgType(int oid, String name, Kind kind, PgType element) {
    public PgType {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        if ((kind == Kind.ARRAY) != (element != null)) {
            throw new IllegalArgumentException("an ARRAY type, and only it, has an element type");
        }
    }

    /** The JSON mapping classes; see {@link PgTextValues}. */
    public enum Kind {
        BOOL, INTEGER, NUMERIC, FLOAT, JSON, BYTEA, DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ, INTERVAL, ARRAY, TEXT
    }

    public static PgType scalar(int oid, String name, Kind kind) {
        return new PgType(oid, name, kind, null);
    }

    public static PgType array(int oid, String name, PgType element) {
        return new PgType(oid, name, Kind.ARRAY, element);
    }

    /** A type known only by its oid: its text goes out as a JSON string. */
    public static PgType unknown(int oid) {
        return scalar(oid, "oid " + oid, Kind.TEXT);
    }

    private static final Map<Integer, PgType> BUILT_IN = new HashMap<>();

    static {
        builtIn(16, 1000, "bool", Kind.BOOL);
        builtIn(17, 1001, "bytea", Kind.BYTEA);
        builtIn(18, 1002, "char", Kind.TEXT);
        builtIn(19, 1003, "name", Kind.TEXT);
        builtIn(20, 1016, "int8", Kind.INTEGER);
        builtIn(21, 1005, "int2", Kind.INTEGER);
        builtIn(23, 1007, "int4", Kind.INTEGER);
        builtIn(25, 1009, "text", Kind.TEXT);
        builtIn(26, 1028, "oid", Kind.INTEGER);
        builtIn(28, 1011, "xid", Kind.INTEGER);
        builtIn(114, 199, "json", Kind.JSON);
        builtIn(142, 143, "xml", Kind.TEXT);
        builtIn(650, 651, "cidr", Kind.TEXT);
        builtIn(700, 1021, "float4", Kind.FLOAT);
        builtIn(701, 1022, "float8", Kind.FLOAT);
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
        builtIn(2950, 2951, "uuid", Kind.TEXT);
        builtIn(3614, 3643, "tsvector", Kind.TEXT);
        builtIn(3802, 3807, "jsonb", Kind.JSON);
        builtIn(4072, 4073, "jsonpath", Kind.TEXT);
    }

    private static void builtIn(int oid, int arrayOid, String name, Kind kind) {
        PgType scalar = scalar(oid, name, kind);
        BUILT_IN.put(oid, scalar);
        BUILT_IN.put(arrayOid, array(arrayOid, "_" + name, scalar));
    }

    /** The built-in type with this oid (and its array type), if pgbridge maps it specially. */
    public static Optional<PgType> builtIn(int oid) {
        return Optional.ofNullable(BUILT_IN.get(oid));
    }
}
