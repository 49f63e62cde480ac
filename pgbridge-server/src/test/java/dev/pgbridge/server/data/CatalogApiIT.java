package dev.pgbridge.server.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.auth.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog routes of the REST API on the test PostgreSQL: mixed-case names, a view, PKs, tenant isolation. */
@Timeout(120)
class CatalogApiIT {
    private static ServerFixture fixture;
    private static DataFixture data;
    private static String viewer;
    private static String otherTenant;

    @BeforeAll
    static void start() {
        fixture = ServerFixture.tls();
        data = new DataFixture();
        fixture.saveTestPostgres("acme", "warehouse");
        fixture.saveTestPostgres("globex", "other");
        viewer = fixture.token("acme", Role.VIEWER);
        otherTenant = fixture.token("globex", Role.EDITOR);
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    static String enc(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String tablePath(String table) {
        return "/api/v1/connections/warehouse/schemas/" + enc(data.schema) + "/tables/" + enc(table);
    }

    @Test
    void schemasListTheMixedCaseSchemaWithItsTableCount() {
        HttpResponse<String> response = fixture.get("/api/v1/connections/warehouse/schemas", viewer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode sales = find(ServerFixture.parse(response), "name", data.schema);
        assertThat(sales.path("tables").asInt()).isEqualTo(2);
        assertThat(sales.path("owner").asText()).isNotEmpty();
    }

    @Test
    void tablesOfASchemaNamedExactlyAsStored() {
        HttpResponse<String> response = fixture.get("/api/v1/connections/warehouse/schemas/" + enc(data.schema) + "/tables", viewer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode tables = ServerFixture.parse(response);
        assertThat(find(tables, "name", "Orders").path("kind").asText()).isEqualTo("table");
        assertThat(find(tables, "name", "Open Orders").path("kind").asText()).isEqualTo("view");
        assertThat(find(tables, "name", "Open Orders").path("size_bytes").isNull()).isTrue();

        // the folded spelling is another schema, which does not exist
        HttpResponse<String> folded = fixture.get("/api/v1/connections/warehouse/schemas/"
                + enc(data.schema.toLowerCase(java.util.Locale.ROOT)) + "/tables", viewer);
        assertThat(folded.statusCode()).isEqualTo(404);
        assertThat(ServerFixture.parse(folded).path("error").asText()).isEqualTo("NOT_FOUND");
        assertThat(ServerFixture.parse(folded).path("hint").asText()).contains(data.schema);
    }

    @Test
    void columnsCarryTypePrimaryKeyNullabilityDefaultAndComment() {
        HttpResponse<String> response = fixture.get(tablePath("Orders") + "/columns", viewer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode columns = ServerFixture.parse(response);
        assertThat(names(columns)).containsExactly("id", "note", "amount", "closed");
        JsonNode id = find(columns, "name", "id");
        assertThat(id.path("type").asText()).isEqualTo("integer");
        assertThat(id.path("primary_key").asBoolean()).isTrue();
        assertThat(id.path("nullable").asBoolean()).isFalse();
        JsonNode note = find(columns, "name", "note");
        assertThat(note.path("primary_key").asBoolean()).isFalse();
        assertThat(note.path("nullable").asBoolean()).isTrue();
        assertThat(note.path("default").asText()).isEqualTo("'new'::text");
        assertThat(note.path("comment").asText()).isEqualTo("free text");
        assertThat(find(columns, "name", "amount").path("type").asText()).isEqualTo("numeric(10,2)");

        HttpResponse<String> view = fixture.get(tablePath("Open Orders") + "/columns", viewer);
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        assertThat(names(ServerFixture.parse(view))).containsExactly("id", "note");
    }

    @Test
    void previewShowsTextValuesAndNullAsNull() {
        HttpResponse<String> response = fixture.get(tablePath("Orders") + "/preview?limit=10", viewer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode preview = ServerFixture.parse(response);
        assertThat(preview.path("schema").asText()).isEqualTo(data.schema);
        assertThat(preview.path("table").asText()).isEqualTo("Orders");
        assertThat(preview.path("row_count").asInt()).isEqualTo(3);
        assertThat(names(preview.path("columns"))).containsExactly("id", "note", "amount", "closed");
        boolean sawNull = false;
        for (JsonNode row : preview.path("rows")) {
            if (row.get(0).asText().equals("2")) {
                sawNull = row.get(1).isNull();
                assertThat(row.get(2).asText()).isEqualTo("3.00");
            }
        }
        assertThat(sawNull).as("row 2's note is JSON null").isTrue();

        HttpResponse<String> one = fixture.get(tablePath("Open Orders") + "/preview?limit=1", viewer);
        assertThat(ServerFixture.parse(one).path("rows").size()).isEqualTo(1);

        HttpResponse<String> tooMany = fixture.get(tablePath("Orders") + "/preview?limit=100000", viewer);
        assertThat(tooMany.statusCode()).isEqualTo(400);
        HttpResponse<String> missing = fixture.get(tablePath("orders") + "/preview", viewer);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(ServerFixture.parse(missing).path("hint").asText()).contains("Orders");
    }

    @Test
    void anotherTenantsTokenFindsNoConnectionOnAnyCatalogRoute() {
        for (String path : List.of("/api/v1/connections/warehouse/schemas",
                "/api/v1/connections/warehouse/schemas/" + enc(data.schema) + "/tables",
                tablePath("Orders") + "/columns", tablePath("Orders") + "/preview")) {
            HttpResponse<String> response = fixture.get(path, otherTenant);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            JsonNode body = ServerFixture.parse(response);
            assertThat(body.path("error").asText()).isEqualTo("CONNECTION_NOT_FOUND");
            assertThat(body.path("message").asText()).contains("globex");
        }
        // and its own connection works
        assertThat(fixture.get("/api/v1/connections/other/schemas", otherTenant).statusCode()).isEqualTo(200);
    }

    @Test
    void agentTokensAndNoTokenAreRefused() {
        String agent = fixture.token("acme", Role.AGENT);
        assertThat(fixture.get("/api/v1/connections/warehouse/schemas", agent).statusCode()).isEqualTo(403);
        assertThat(fixture.get("/api/v1/connections/warehouse/schemas", null).statusCode()).isEqualTo(401);
    }

    static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode item : array) {
            if (item.path(field).asText().equals(value)) {
                return item;
            }
        }
        throw new AssertionError("no " + field + " = " + value + " in " + array);
    }

    static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.path("name").asText()));
        return names;
    }
}
