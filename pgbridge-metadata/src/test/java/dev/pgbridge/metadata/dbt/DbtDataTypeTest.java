package dev.pgbridge.metadata.dbt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** catalog.json's type names ({@code format_type}'s) map to OpenMetadata's {@code dataType} as pg_type's names do. */
class DbtDataTypeTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "integer|INT",
            "bigint|BIGINT",
            "smallint|SMALLINT",
            "numeric|NUMERIC",
            "numeric(12,2)|NUMERIC",
            "text|TEXT",
            "character varying(40)|VARCHAR",
            "character(3)|CHAR",
            "boolean|BOOLEAN",
            "double precision|DOUBLE",
            "date|DATE",
            "timestamp without time zone|TIMESTAMP",
            "timestamp with time zone|TIMESTAMP",
            "jsonb|JSON",
            "text[]|ARRAY",
            "some_extension_type|UNKNOWN"})
    void catalogTypesMapAsPostgresTypesDo(String catalogType, String dataType) {
        assertThat(DbtIngestion.dataType(catalogType)).isEqualTo(dataType);
    }
}
