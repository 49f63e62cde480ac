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

    @Test
    void checksUsageQueriesJoinsLineageAndDeletesAsPgbridgeSendsThem() throws Exception {
        String table = "svc.db.public.orders";
        for (Requests.Request request : List.of(
                Requests.Request.usage(table, new Requests.UsageRequest("2026-12-06", 3)),
                Requests.Request.joins(table, new Requests.TableJoins("2026-12-06", 1, List.of(
                        new Requests.ColumnJoin("customer_id", List.of(
                                new Requests.JoinedWith("svc.db.public.customers.id", 2)))), null)),
                Requests.Request.put(new Requests.CreateQuery("select 1 from orders", null, 1.5, null,
                        List.of("alice"), 1_733_443_200_000L, List.of(EntityRef.table(table)), "svc")),
                Requests.Request.put(new Requests.AddLineage(EntityRef.table(table),
                        EntityRef.table("svc.db.public.orders_copy"), "insert into orders_copy select * from orders",
                        List.of(new Requests.ColumnLineage(List.of(table + ".id"), "svc.db.public.orders_copy.id")),
                        "QueryLineage")),
                Requests.Request.tableProfile(table, new Requests.CreateTableProfile(
                        new Requests.TableProfile(1_733_443_200_000L, 1200.0, 4, 65536.0))),
                Requests.Request.deleteTable(table))) {
            JsonNode line = JSON.readTree(RequestFile.line(request));
            assertThat(server.problems(line.get("method").asText(), line.get("path").asText(), line.get("body")))
                    .as(line.toString()).isEmpty();
        }
    }

    @Test
    void refusesUsageWithoutACountAndLineageWithoutIds() throws Exception {
        String id = EntityRef.Ids.NAME_BASED.id(EntityRef.table("svc.db.public.orders"));
        assertThat(server.problems("POST", "/v1/usage/table/" + id, JSON.readTree("{\"date\": \"2026-12-06\"}")))
                .isNotEmpty();
        assertThat(server.problems("PUT", "/v1/lineage", JSON.readTree("""
                {"edge": {"fromEntity": {"type": "table"}, "toEntity": {"id": "%s", "type": "table"}}}"""
                .formatted(id)))).isNotEmpty();
        assertThat(server.problems("POST", "/v1/usage/table/orders", JSON.readTree("{\"date\": \"d\", \"count\": 1}")))
                .as("a table is named by its id").containsExactly("no such route: POST /v1/usage/table/orders");
    }
}
