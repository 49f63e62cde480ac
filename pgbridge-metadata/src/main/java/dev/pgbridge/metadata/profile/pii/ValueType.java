package dev.pgbridge.metadata.profile.pii;

import java.util.Locale;
import java.util.Set;

/** What a column's type allows it to hold, as far as personal data goes. */
enum ValueType {
    /** Text, and any type not known here (domains, enums, user-defined types): every kind. */
    TEXT,
    /** Whole numbers: card, phone, SSN and the numeric national ids, postal codes, and the kinds known by name. */
    INTEGER,
    /** date and timestamps: only a date of birth. */
    DATE,
    /** inet: an IP address by its type. */
    INET,
    /** cidr: network ranges, an IP address only with help from the name or the content. */
    CIDR,
    /** Types that hold no personal data as text: boolean, fractions, money, uuid, json, binary, geometry, arrays… */
    NONE;

    private static final Set<String> NONE_TYPES = Set.of(
            "boolean", "bool", "bit", "bit varying", "varbit", "real", "float", "float4", "float8", "double",
            "double precision", "money", "decimal", "uuid", "json", "jsonb", "xml", "bytea", "binary", "varbinary",
            "blob", "tsvector", "tsquery", "point", "line", "lseg", "box", "path", "polygon", "circle", "geometry",
            "geography", "interval", "time", "time without time zone", "time with time zone", "timetz", "macaddr",
            "macaddr8", "oid", "regclass", "pg_lsn", "txid_snapshot", "pg_snapshot", "int4range", "int8range",
            "numrange", "tsrange", "tstzrange", "daterange", "array", "struct", "map", "bitmap", "hll",
            "hllsketch");
    private static final Set<String> INTEGER_TYPES = Set.of(
            "smallint", "integer", "int", "bigint", "int2", "int4", "int8", "smallserial", "serial", "bigserial",
            "serial2", "serial4", "serial8", "tinyint", "long", "number", "numeric");

    /**
     * Whether the type holds other values whose text is not read (arrays, json, jsonb, xml, bytea): such a column is
     * tagged by its name alone (an {@code emails text[]}, a {@code contact jsonb}).
     */
    static boolean container(String dataType) {
        if (dataType == null) {
            return false;
        }
        String t = dataType.trim().toLowerCase(Locale.ROOT);
        return t.endsWith("[]") || t.startsWith("_") || Set.of("json", "jsonb", "xml", "bytea").contains(t);
    }

    /**
     * The value type of a PostgreSQL type name as {@code format_type} prints it ({@code character varying(80)},
     * {@code timestamp(3) with time zone}, {@code numeric(12,2)}, {@code text[]}) or an OpenMetadata data type
     * ({@code VARCHAR}, {@code TIMESTAMPZ}); null or unknown types count as text.
     */
    static ValueType of(String dataType) {
        if (dataType == null || dataType.isBlank()) {
            return TEXT;
        }
        String t = dataType.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("[]") || t.startsWith("_")) {
            return NONE;
        }
        if (t.startsWith("numeric") || t.startsWith("decimal")) {
            // numeric(p) and numeric(p,0) hold whole numbers; numeric(p,s>0) holds fractions.
            int comma = t.indexOf(',');
            if (comma < 0) {
                return t.startsWith("numeric") ? INTEGER : NONE;
            }
            String scale = t.substring(comma + 1).replace(")", "").trim();
            return scale.equals("0") ? INTEGER : NONE;
        }
        String base = t.replaceAll("\\(.*?\\)", "").replaceAll(" +", " ").trim();
        if (base.startsWith("timestamp") || base.equals("date") || base.equals("datetime")
                || base.equals("timestampz") || base.equals("smalldatetime")) {
            return DATE;
        }
        if (base.equals("inet")) {
            return INET;
        }
        if (base.equals("cidr")) {
            return CIDR;
        }
        if (INTEGER_TYPES.contains(base)) {
            return INTEGER;
        }
        return NONE_TYPES.contains(base) ? NONE : TEXT;
    }

    /** Whether a column of this type can hold {@code kind}. */
    boolean allows(PiiKind kind) {
        return switch (this) {
            case TEXT -> true;
            case INTEGER -> switch (kind) {
                case CREDIT_CARD, US_SSN, DE_TAX_ID, NL_BSN, FR_NIR, NATIONAL_ID, PASSPORT, DRIVER_LICENSE,
                     US_BANK_NUMBER, PHONE_NUMBER, BIRTH_DATE, LOCATION, NRP -> true;
                default -> false;
            };
            case DATE -> kind == PiiKind.BIRTH_DATE;
            case INET, CIDR -> kind == PiiKind.IP_ADDRESS;
            case NONE -> false;
        };
    }
}
