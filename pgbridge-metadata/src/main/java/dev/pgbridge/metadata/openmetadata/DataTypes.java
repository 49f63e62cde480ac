package dev.pgbridge.metadata.openmetadata;

import java.util.Map;
import java.util.Optional;

import static java.util.Map.entry;

/**
 * OpenMetadata's PostgreSQL {@code dataType} mapping (its {@code ColumnTypeParser} over SQLAlchemy's PostgreSQL
 * dialect, see {@code openmetadata.md}): the one table from a type's {@code pg_type.typname} to OpenMetadata's
 * {@code dataType}, then the rules for the kinds of type that have no fixed name (enums, composites, ranges).
 *
 * <p>The 1.4.0 {@code dataType} enum has no {@code MONEY} and no {@code BIT}: {@code money} goes out as
 * {@code NUMBER} and {@code bit}/{@code varbit} as {@code INT}, as OpenMetadata's parser of that time mapped them.
 */
public final class DataTypes {
    /** What a name maps to; anything not listed maps by its kind of type ({@link #of}). */
    static final Map<String, String> BY_NAME = Map.ofEntries(
            entry("int2", "SMALLINT"),
            entry("int4", "INT"),
            entry("int8", "BIGINT"),
            entry("numeric", "NUMERIC"),
            entry("float4", "FLOAT"),
            entry("float8", "DOUBLE"),
            entry("money", "NUMBER"),
            entry("varchar", "VARCHAR"),
            entry("bpchar", "CHAR"),
            entry("char", "STRING"),
            entry("name", "STRING"),
            entry("text", "TEXT"),
            entry("bytea", "BYTEA"),
            entry("bool", "BOOLEAN"),
            entry("date", "DATE"),
            entry("time", "TIME"),
            entry("timetz", "TIME"),
            entry("timestamp", "TIMESTAMP"),
            entry("timestamptz", "TIMESTAMP"),
            entry("interval", "INTERVAL"),
            entry("json", "JSON"),
            entry("jsonb", "JSON"),
            entry("uuid", "UUID"),
            entry("xml", "XML"),
            entry("inet", "INET"),
            entry("cidr", "CIDR"),
            entry("macaddr", "MACADDR"),
            entry("macaddr8", "MACADDR"),
            entry("bit", "INT"),
            entry("varbit", "INT"),
            entry("tsvector", "TSVECTOR"),
            entry("tsquery", "TSQUERY"),
            entry("pg_lsn", "PG_LSN"),
            entry("pg_snapshot", "PG_SNAPSHOT"),
            entry("txid_snapshot", "TXID_SNAPSHOT"),
            entry("xid", "STRING"),
            entry("oid", "UNKNOWN"),
            entry("regclass", "UNKNOWN"),
            entry("geometry", "GEOMETRY"),
            entry("geography", "GEOMETRY"),
            entry("point", "GEOMETRY"),
            entry("polygon", "GEOMETRY"),
            entry("box", "GEOMETRY"),
            entry("circle", "GEOMETRY"),
            entry("line", "GEOMETRY"),
            entry("lseg", "GEOMETRY"),
            entry("path", "GEOMETRY"),
            entry("tsrange", "DATETIMERANGE"),
            entry("tstzrange", "UNKNOWN"),
            entry("int4range", "UNKNOWN"),
            entry("int8range", "UNKNOWN"),
            entry("numrange", "UNKNOWN"),
            entry("daterange", "UNKNOWN"),
            entry("hstore", "UNKNOWN"),
            entry("citext", "NULL"),
            entry("record", "NULL"));

    private DataTypes() {
    }

    /**
     * One column's type for OpenMetadata.
     *
     * @param dataLength {@code n} of {@code varchar(n)}/{@code char(n)} ({@code 1} without a length, as OpenMetadata
     *                   sends it); {@code 1} for every other type
     * @param precision  {@code p} of {@code numeric(p,s)}; null otherwise
     * @param scale      {@code s} of {@code numeric(p,s)}; null otherwise
     */
    public record ColumnType(String dataType, int dataLength, Integer precision, Integer scale) {
    }

    /**
     * The {@code dataType} of a type that is not an array.
     *
     * @param typname the type's {@code pg_type.typname} (a domain's base type's: a domain maps as its base type)
     * @param typtype {@code pg_type.typtype}: {@code b} base, {@code e} enum, {@code c} composite, {@code r} range,
     *                {@code m} multirange, {@code p} pseudo
     * @param typmod  {@code atttypmod}, {@code -1} for none
     */
    public static ColumnType of(String typname, char typtype, int typmod) {
        String dataType = dataType(typname, typtype, typmod);
        int length = 1;
        Integer precision = null;
        Integer scale = null;
        if ((dataType.equals("VARCHAR") || dataType.equals("CHAR")) && typmod >= 4) {
            length = typmod - 4;
        }
        if (dataType.equals("NUMERIC") && typmod >= 4) {
            int t = typmod - 4;
            precision = (t >> 16) & 0xFFFF;
            int s = t & 0x7FF;
            scale = s <= precision ? s : null; // a negative scale (PostgreSQL 15+) has no OpenMetadata form
        }
        return new ColumnType(dataType, length, precision, scale);
    }

    /** The {@code dataType} alone; see {@link #of}. */
    public static String dataType(String typname, char typtype, int typmod) {
        if (typname.equals("bpchar") && typmod < 0) {
            return "STRING"; // bare bpchar (no length) is SQLAlchemy's String in OpenMetadata's override
        }
        Optional<String> named = Optional.ofNullable(BY_NAME.get(typname));
        if (named.isPresent()) {
            return named.get();
        }
        return switch (typtype) {
            case 'e' -> "ENUM";
            case 'c' -> "NULL";
            case 'r', 'm' -> "UNKNOWN";
            default -> "NULL"; // a type SQLAlchemy does not recognize (extension types) is its NullType
        };
    }
}
