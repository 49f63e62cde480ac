package dev.pgbridge.metadata.openmetadata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** OpenMetadata's PostgreSQL mapping (openmetadata.md), one row per type name. */
class DataTypesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "int2, SMALLINT", "int4, INT", "int8, BIGINT", "numeric, NUMERIC", "float4, FLOAT", "float8, DOUBLE",
            "money, NUMBER", "varchar, VARCHAR", "char, STRING", "name, STRING", "text, TEXT", "bytea, BYTEA",
            "bool, BOOLEAN", "date, DATE", "time, TIME", "timetz, TIME", "timestamp, TIMESTAMP",
            "timestamptz, TIMESTAMP", "interval, INTERVAL", "json, JSON", "jsonb, JSON", "uuid, UUID", "xml, XML",
            "inet, INET", "cidr, CIDR", "macaddr, MACADDR", "macaddr8, MACADDR", "bit, INT", "varbit, INT",
            "tsvector, TSVECTOR", "tsquery, TSQUERY", "pg_lsn, PG_LSN", "pg_snapshot, PG_SNAPSHOT",
            "txid_snapshot, TXID_SNAPSHOT", "xid, STRING", "oid, UNKNOWN", "regclass, UNKNOWN",
            "geometry, GEOMETRY", "geography, GEOMETRY", "point, GEOMETRY", "polygon, GEOMETRY", "box, GEOMETRY",
            "circle, GEOMETRY", "line, GEOMETRY", "lseg, GEOMETRY", "path, GEOMETRY", "tsrange, DATETIMERANGE",
            "tstzrange, UNKNOWN", "int4range, UNKNOWN", "int8range, UNKNOWN", "numrange, UNKNOWN",
            "daterange, UNKNOWN", "hstore, UNKNOWN", "citext, NULL", "record, NULL"})
    void mapsEveryNamedType(String typname, String dataType) {
        assertThat(DataTypes.dataType(typname, 'b', -1)).isEqualTo(dataType);
    }

    @Test
    void everyNamedTypeIsInTheTable() {
        assertThat(DataTypes.BY_NAME).as("the rows above plus bpchar (tested with its modifier below)").hasSize(56);
    }

    @Test
    void kindsWithoutFixedNames() {
        assertThat(DataTypes.dataType("mood", 'e', -1)).isEqualTo("ENUM");
        assertThat(DataTypes.dataType("address", 'c', -1)).isEqualTo("NULL");
        assertThat(DataTypes.dataType("floatrange", 'r', -1)).isEqualTo("UNKNOWN");
        assertThat(DataTypes.dataType("int4multirange", 'm', -1)).isEqualTo("UNKNOWN");
        assertThat(DataTypes.dataType("some_extension_type", 'b', -1)).isEqualTo("NULL");
    }

    @Test
    void lengthsPrecisionAndScaleFromTheTypeModifier() {
        assertThat(DataTypes.of("varchar", 'b', 255 + 4)).isEqualTo(new DataTypes.ColumnType("VARCHAR", 255, null, null));
        assertThat(DataTypes.of("varchar", 'b', -1)).isEqualTo(new DataTypes.ColumnType("VARCHAR", 1, null, null));
        assertThat(DataTypes.of("bpchar", 'b', 3 + 4)).isEqualTo(new DataTypes.ColumnType("CHAR", 3, null, null));
        assertThat(DataTypes.of("bpchar", 'b', -1)).as("bare bpchar").isEqualTo(new DataTypes.ColumnType("STRING", 1, null, null));
        assertThat(DataTypes.of("numeric", 'b', ((10 << 16) | 2) + 4)).isEqualTo(new DataTypes.ColumnType("NUMERIC", 1, 10, 2));
        assertThat(DataTypes.of("numeric", 'b', (5 << 16) + 4)).isEqualTo(new DataTypes.ColumnType("NUMERIC", 1, 5, 0));
        assertThat(DataTypes.of("numeric", 'b', -1)).isEqualTo(new DataTypes.ColumnType("NUMERIC", 1, null, null));
        assertThat(DataTypes.of("int4", 'b', -1)).isEqualTo(new DataTypes.ColumnType("INT", 1, null, null));
    }
}
