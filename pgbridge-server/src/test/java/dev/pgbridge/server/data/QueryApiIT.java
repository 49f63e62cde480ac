package dev.pgbridge.server.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.pgbridge.server.ServerFixture.map;
import static org.assertj.core.api.Assertions.assertThat;

/** The query console's REST API on the test PostgreSQL: params, limits, timeout, cancel, CSV, the viewer's read-only rule. */
@Timeout(120)
class QueryApiIT {
    private static ServerFixture fixture;
    private static DataFixture data;
    private static String viewer;
    private static String editor;
    private static String otherTenant;

    @BeforeAll
    static void start() {
        fixture = ServerFixture.tls();
        data = new DataFixture();
        fixture.saveTestPostgres("acme", "warehouse");
        fixture.saveTestPostgres("globex", "other");
        viewer = fixture.token("acme", Role.VIEWER);
        editor = fixture.token("acme", Role.EDITOR);
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

    private static HttpResponse<String> query(String token, Object body) {
        return fixture.json("POST", "/api/v1/connections/warehouse/query", token, body);
    }

    @Test
    void parametersAreBoundAndValuesMappedByType() {
        HttpResponse<String> response = query(viewer, map("sql", "SELECT ?::int + 1 AS n, ?::text AS t, ?::text IS NULL AS missing, "
                + "1.50::numeric AS amount, '{1,2}'::int[] AS list", "params", Arrays.asList(41, "it's", null)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = ServerFixture.parse(response);
        assertThat(CatalogApiIT.names(result.path("columns"))).containsExactly("n", "t", "missing", "amount", "list");
        assertThat(result.path("columns").get(0).path("type").asText()).isEqualTo("int4");
        JsonNode row = result.path("rows").get(0);
        assertThat(row.get(0).isIntegralNumber()).isTrue();
        assertThat(row.get(0).asInt()).isEqualTo(42);
        assertThat(row.get(1).asText()).isEqualTo("it's");
        assertThat(row.get(2).asBoolean()).isTrue();
        assertThat(row.get(3).decimalValue()).isEqualByComparingTo("1.50");
        assertThat(row.get(4).isArray()).isTrue();
        assertThat(result.path("row_count").asInt()).isEqualTo(1);
        assertThat(result.path("truncated").asBoolean()).isFalse();
        assertThat(result.path("read_only").asBoolean()).isTrue();
        assertThat(result.path("elapsed_ms").isIntegralNumber()).isTrue();
        assertThat(response.headers().firstValue("X-Query-Id")).contains(result.path("query_id").asText());
    }

    @Test
    void maxRowsCutsTheResultAndSaysSo() {
        for (String token : new String[] {viewer, editor}) {
            HttpResponse<String> response = query(token, map("sql", "SELECT g FROM generate_series(1, 50) g", "max_rows", 3));
            JsonNode result = ServerFixture.parse(response);
            assertThat(result.path("rows").size()).as(response.body()).isEqualTo(3);
            assertThat(result.path("truncated").asBoolean()).isTrue();
            JsonNode exact = ServerFixture.parse(query(token, map("sql", "SELECT g FROM generate_series(1, 3) g", "max_rows", 3)));
            assertThat(exact.path("truncated").asBoolean()).isFalse();
        }
    }

    @Test
    void aTimeoutIsAClearError() {
        HttpResponse<String> response = query(editor, map("sql", "SELECT pg_sleep(10)", "timeout_seconds", 0.5));
        assertThat(response.statusCode()).isEqualTo(504);
        JsonNode error = ServerFixture.parse(response);
        assertThat(error.path("error").asText()).isEqualTo("TIMEOUT");
        assertThat(error.path("message").asText()).contains("ran longer than the timeout of 500ms");
        assertThat(error.path("hint").asText()).contains("raise the timeout");

        HttpResponse<String> viewerTimeout = query(viewer, map("sql", "SELECT pg_sleep(10)", "timeout_seconds", 0.5));
        assertThat(ServerFixture.parse(viewerTimeout).path("error").asText()).isEqualTo("TIMEOUT");
    }

    @Test
    void aLongQueryIsCanceledFromAnotherRequestOfTheSameTenantOnly() throws Exception {
        for (String token : new String[] {editor, viewer}) {
            String id = "cancel-me-" + token.hashCode();
            CompletableFuture<HttpResponse<String>> running = CompletableFuture.supplyAsync(() ->
                    query(token, map("sql", "SELECT pg_sleep(60)", "timeout_seconds", 90, "query_id", id)));
            awaitRunning(id);
            // another tenant does not see it
            HttpResponse<String> foreign = fixture.json("DELETE", "/api/v1/queries/" + id, otherTenant, null);
            assertThat(foreign.statusCode()).isEqualTo(404);
            assertThat(running.isDone()).isFalse();

            HttpResponse<String> cancel = fixture.json("DELETE", "/api/v1/queries/" + id, viewer, null);
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
            HttpResponse<String> response = running.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
            assertThat(ServerFixture.parse(response).path("error").asText()).isEqualTo("CANCELED");
            assertThat(ServerFixture.parse(response).path("message").asText()).contains("canceled");
            // finished: nothing left to cancel
            assertThat(fixture.json("DELETE", "/api/v1/queries/" + id, viewer, null).statusCode()).isEqualTo(404);
        }
    }

    private static void awaitRunning(String id) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            JsonNode list = ServerFixture.parse(fixture.get("/api/v1/queries", viewer));
            for (JsonNode q : list) {
                if (q.path("query_id").asText().equals(id)) {
                    assertThat(q.path("connection_id").asText()).isEqualTo("warehouse");
                    assertThat(ServerFixture.parse(fixture.get("/api/v1/queries", otherTenant)).size()).isZero();
                    Thread.sleep(300); // let the statement reach the server
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("query " + id + " never showed as running");
    }

    @Test
    void csvDownloadStreamsTheRowsAsCopyWritesThem() {
        Map<String, Object> body = map("sql", "SELECT id, note FROM " + data.quotedTable() + " WHERE id <= ? ORDER BY id",
                "params", java.util.List.of("3"));
        HttpResponse<String> byParam = fixture.json("POST", "/api/v1/connections/warehouse/query?format=csv", editor, body);
        assertThat(byParam.statusCode()).as(byParam.body()).isEqualTo(200);
        assertThat(byParam.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(byParam.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
        assertThat(byParam.body()).isEqualTo("id,note\n1,first <b>\n2,\n3,\"a,b \"\"q\"\"\"\n");

        HttpRequest byAccept = fixture.request("/api/v1/connections/warehouse/query", viewer)
                .header("Content-Type", "application/json").header("Accept", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"SELECT 'x' AS a, NULL AS b, '' AS c\"}")).build();
        HttpResponse<String> accepted = fixture.send(byAccept);
        assertThat(accepted.body()).isEqualTo("a,b,c\nx,,\"\"\n");

        // a download re-runs the SQL: it never writes, whatever the role
        HttpResponse<String> write = fixture.json("POST", "/api/v1/connections/warehouse/query?format=csv", editor,
                map("sql", "INSERT INTO " + data.quotedTable() + " VALUES (99, 'no', 1, false) RETURNING id"));
        assertThat(write.statusCode()).isEqualTo(400);
        assertThat(ServerFixture.parse(write).path("sqlstate").asText()).isEqualTo("25006");
        assertThat(count("SELECT count(*) FROM " + data.quotedTable() + " WHERE id = 99")).isZero();
    }

    @Test
    void aCsvDownloadThatFailsHalfwayDoesNotEndLikeAComplete() {
        // a failure after the first rows were sent cannot change the status: the response must not end cleanly
        HttpRequest request = fixture.request("/api/v1/connections/warehouse/query?format=csv", viewer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"SELECT CASE WHEN g = 200000 THEN 1/(g - 200000) ELSE g END AS n "
                        + "FROM generate_series(1, 250000) g\"}")).build();
        Throwable failure = null;
        HttpResponse<String> response = null;
        try {
            response = fixture.client().send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (java.io.IOException e) {
            failure = e;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure == null) {
            assertThat(response.statusCode()).as("status of a failed download").isNotEqualTo(200);
        }
    }

    @Test
    void aViewersSqlRunsReadOnly() {
        HttpResponse<String> insert = query(viewer, map("sql", "INSERT INTO " + data.quotedTable() + " VALUES (50, 'viewer', 1, false)"));
        assertThat(insert.statusCode()).isEqualTo(400);
        JsonNode error = ServerFixture.parse(insert);
        assertThat(error.path("error").asText()).isEqualTo("SQL_ERROR");
        assertThat(error.path("sqlstate").asText()).isEqualTo("25006");
        assertThat(error.path("message").asText()).contains("read-only transaction");
        assertThat(error.path("hint").asText()).contains("viewer role").contains("editor");

        // no way out of the transaction: one statement only
        HttpResponse<String> escape = query(viewer, map("sql", "COMMIT; INSERT INTO " + data.quotedTable() + " VALUES (51, 'v', 1, false)"));
        assertThat(escape.statusCode()).isEqualTo(400);
        assertThat(ServerFixture.parse(escape).path("message").asText()).contains("2 statements");
        HttpResponse<String> readWrite = query(viewer, map("sql", "WITH x AS (INSERT INTO " + data.quotedTable()
                + " VALUES (52, 'v', 1, false) RETURNING id) SELECT * FROM x"));
        assertThat(readWrite.statusCode()).isEqualTo(400);
        assertThat(count("SELECT count(*) FROM " + data.quotedTable() + " WHERE id >= 50")).isZero();

        HttpResponse<String> set = query(viewer, map("sql", "SET search_path = public"));
        assertThat(set.statusCode()).isEqualTo(400);
        assertThat(ServerFixture.parse(set).path("message").asText()).startsWith("the statement returns no rows");

        // an editor writes, and gets the statement's tag
        HttpResponse<String> editorInsert = query(editor, map("sql", "INSERT INTO " + data.quotedTable() + " VALUES (60, 'editor', 1, false)"));
        assertThat(editorInsert.statusCode()).as(editorInsert.body()).isEqualTo(200);
        JsonNode result = ServerFixture.parse(editorInsert);
        assertThat(result.path("command").asText()).isEqualTo("INSERT 1");
        assertThat(result.path("row_count").asInt()).isEqualTo(1);
        assertThat(result.path("read_only").asBoolean()).isFalse();
        query(editor, map("sql", "DELETE FROM " + data.quotedTable() + " WHERE id = 60"));
    }

    @Test
    void badSqlIsOneMessageWithThePositionAsPsqlShowsIt() {
        HttpResponse<String> response = query(viewer, map("sql", "SELECT id\nFROM nosuch_table_x"));
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = ServerFixture.parse(response);
        assertThat(error.path("error").asText()).isEqualTo("SQL_ERROR");
        assertThat(error.path("message").asText()).isEqualTo("relation \"nosuch_table_x\" does not exist (SQLSTATE 42P01)");
        assertThat(error.path("line").asInt()).isEqualTo(2);
        assertThat(error.path("column").asInt()).isEqualTo(6);
        assertThat(error.path("excerpt").asText()).isEqualTo("LINE 2: FROM nosuch_table_x\n             ^");

        HttpResponse<String> empty = query(editor, map("sql", "  "));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(ServerFixture.parse(empty).path("message").asText()).isEqualTo("the SQL is empty");
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWithoutQuotingIt() {
        // Jackson's own message quotes the token it stopped at: here a bind value that must not come back in an error
        HttpResponse<String> response = fixture.json("POST", "/api/v1/connections/warehouse/query", editor,
                "{\"sql\": \"SELECT $1\", \"params\": [s3cretBindValue]}");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = ServerFixture.parse(response);
        assertThat(error.path("error").asText()).isEqualTo("INVALID_DATA");
        assertThat(error.path("message").asText()).startsWith("the request body is not JSON (line 1, column");
        assertThat(error.path("hint").asText()).contains("{\"sql\": \"SELECT 1\"}");
        assertThat(response.body()).doesNotContain("s3cretBindValue");

        HttpResponse<String> array = fixture.json("POST", "/api/v1/connections/warehouse/query", editor, "[1]");
        assertThat(ServerFixture.parse(array).path("message").asText()).isEqualTo("the request body must be a JSON object");
    }

    @Test
    void eachRunIsASessionOfItsOwn() throws SQLException {
        // a pooled connection must not go back idle in a transaction, or with the last user's settings
        HttpResponse<String> open = query(editor, map("sql", "SET search_path = nowhere; BEGIN; INSERT INTO "
                + data.quotedTable() + " VALUES (70, 'left open', 1, false)"));
        assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")).isZero();
        assertThat(count("SELECT count(*) FROM " + data.quotedTable() + " WHERE id = 70")).isZero();
        for (int i = 0; i < 3; i++) {
            JsonNode path = ServerFixture.parse(query(editor, map("sql", "SHOW search_path")));
            assertThat(path.path("rows").get(0).get(0).asText()).isNotEqualTo("nowhere");
        }
    }

    @Test
    void anotherTenantsTokenFindsNoConnectionToQuery() {
        HttpResponse<String> response = query(otherTenant, map("sql", "SELECT 1"));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(ServerFixture.parse(response).path("error").asText()).isEqualTo("CONNECTION_NOT_FOUND");
        HttpResponse<String> csv = fixture.json("POST", "/api/v1/connections/warehouse/query?format=csv", otherTenant,
                map("sql", "SELECT 1"));
        assertThat(csv.statusCode()).isEqualTo(404);
    }

    @Test
    void neitherTheSqlNorItsValuesReachTheLog() {
        // DESIGN.md: logs never carry bind values; the console's SQL is the user's data too
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        ch.qos.logback.classic.Level level = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        root.addAppender(seen);
        try {
            query(editor, map("sql", "SELECT ?::int AS sqlmarker_a", "params", java.util.List.of("valuemarker-b")));
            query(viewer, map("sql", "SELECT pg_sleep(5), 'sqlmarker_c'", "timeout_seconds", 0.2));
            query(editor, map("sql", "SELECT pg_sleep(5), 'sqlmarker_d'", "timeout_seconds", 0.2));
            fixture.json("POST", "/api/v1/connections/warehouse/query?format=csv", viewer,
                    map("sql", "SELECT 1/0 AS sqlmarker_e WHERE ? = 'x'", "params", java.util.List.of("valuemarker-f")));
        }
        finally {
            root.detachAppender(seen);
            root.setLevel(level);
        }
        assertThat(seen.list).as("something was logged (the timeouts are 504s)").isNotEmpty();
        for (ch.qos.logback.classic.spi.ILoggingEvent event : seen.list) {
            StringBuilder text = new StringBuilder(event.getFormattedMessage());
            for (ch.qos.logback.classic.spi.IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append('\n').append(t.getMessage());
            }
            assertThat(text.toString()).doesNotContain("sqlmarker").doesNotContain("valuemarker");
        }
    }

    private static long count(String sql) {
        try (Connection c = TestingPostgres.get().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
