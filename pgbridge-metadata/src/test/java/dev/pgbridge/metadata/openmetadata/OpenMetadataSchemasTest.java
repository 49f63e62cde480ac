package dev.pgbridge.metadata.openmetadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The stand-in for OpenMetadata's server refuses what the server would refuse (so the IT's check can fail). */
class OpenMetadataSchemasTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenMetadataSchemas server = new OpenMetadataSchemas();

    @Test
    void acceptsAValidTable() throws Exception {
        assertThat(server.problems("PUT", "/v1/tables", table("""
                {"name": "c", "dataType": "VARCHAR", "dataLength": 20, "constraint": "PRIMARY_KEY"}"""))).isEmpty();
    }

    @Test
    void refusesWhatTheSchemaRefuses() throws Exception {
        assertThat(server.problems("PUT", "/v1/tables", table("""
                {"name": "c", "dataType": "MONEY"}"""))).isNotEmpty();
        assertThat(server.problems("PUT", "/v1/tables", table("""
                {"name": "c", "dataType": "INT", "rowCount": 3}"""))).isNotEmpty();
        assertThat(server.problems("PUT", "/v1/databases", JSON.readTree("{\"name\": \"db\"}")))
                .as("service is required").isNotEmpty();
    }

    @Test
    void refusesWhatTheServerRefuses() throws Exception {
        assertThat(server.problems("PUT", "/v1/tables", table("""
                {"name": "c", "dataType": "VARCHAR"}"""))).containsExactly("c: VARCHAR needs dataLength");
        assertThat(server.problems("PUT", "/v1/tables", table("""
                {"name": "c", "dataType": "ARRAY"}"""))).containsExactly("c: ARRAY needs arrayDataType");
        assertThat(OpenMetadataSchemas.tableRules(JSON.readTree("""
                {"name": "t", "columns": [{"name": "a", "dataType": "INT", "constraint": "PRIMARY_KEY"},
                                          {"name": "b", "dataType": "INT", "constraint": "PRIMARY_KEY"}],
                 "tableConstraints": [{"constraintType": "UNIQUE", "columns": ["x"]}]}""")))
                .isEqualTo(List.of("more than one column with constraint PRIMARY_KEY",
                        "table constraint on missing column x"));
    }

    private static JsonNode table(String column) throws Exception {
        return JSON.readTree("{\"name\": \"t\", \"databaseSchema\": \"s.d.sc\", \"columns\": [" + column + "]}");
    }
}
