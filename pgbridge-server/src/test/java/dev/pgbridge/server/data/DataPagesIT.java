package dev.pgbridge.server.data;

import dev.pgbridge.server.WebSession;

import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.auth.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog browser and the query console pages over HTTP with a logged-in session (no browser). */
@Timeout(120)
class DataPagesIT {
    private static ServerFixture fixture;
    private static DataFixture data;
    private static WebSession editor;
    private static WebSession viewer;
    private static WebSession otherTenant;

    @BeforeAll
    static void start() {
        fixture = ServerFixture.tls();
        data = new DataFixture();
        fixture.saveTestPostgres("acme", "warehouse");
        editor = WebSession.login(fixture, "acme", "erin", fixture.user("acme", "erin", Role.EDITOR));
        viewer = WebSession.login(fixture, "acme", "victor", fixture.user("acme", "victor", Role.VIEWER));
        otherTenant = WebSession.login(fixture, "globex", "gina", fixture.user("globex", "gina", Role.ADMIN));
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

    private static String schemaPath() {
        return "/catalog/warehouse/" + CatalogApiIT.enc(data.schema);
    }

    @Test
    void catalogLinksLeadFromConnectionToSchemaToTable() {
        HttpResponse<String> start = viewer.get("/catalog");
        assertThat(start.statusCode()).isEqualTo(200);
        assertThat(start.body()).contains("href=\"/catalog/warehouse\"").contains("aria-current=\"page\"");

        HttpResponse<String> schemas = viewer.get("/catalog/warehouse");
        assertThat(schemas.statusCode()).isEqualTo(200);
        assertThat(schemas.body()).contains("href=\"" + schemaPath() + "\"")
                .contains(">\"" + data.schema + "\"</a>"); // shown quoted: its name has capitals

        HttpResponse<String> tables = viewer.get(schemaPath());
        assertThat(tables.statusCode()).as(tables.body()).isEqualTo(200);
        assertThat(tables.body()).contains("href=\"" + schemaPath() + "/Orders\"")
                .contains("href=\"" + schemaPath() + "/Open%20Orders\"")
                .contains(">view<").contains("aria-label=\"Breadcrumb\"");
    }

    @Test
    void tablePageShowsColumnsAndLoadsThePreviewAsAFragment() {
        HttpResponse<String> table = viewer.get(schemaPath() + "/Orders");
        assertThat(table.statusCode()).as(table.body()).isEqualTo(200);
        assertThat(table.body()).contains("<span class=\"badge pk\">PK</span>").contains("free text")
                .contains("numeric(10,2)").contains(">'new'::text<")
                // without JavaScript the preview is a plain link; with htmx it loads in place
                .contains("<a href=\"" + schemaPath() + "/Orders/preview\">")
                .contains("hx-get=\"" + schemaPath() + "/Orders/preview\"");

        HttpResponse<String> fragment = viewer.htmxGet(schemaPath() + "/Orders/preview");
        assertThat(fragment.statusCode()).isEqualTo(200);
        assertThat(fragment.body()).doesNotContain("<html").contains("<td class=\"null\" title=\"SQL NULL\">NULL</td>")
                .contains("<td>first &lt;b&gt;</td>").doesNotContain("first <b>");

        HttpResponse<String> page = viewer.get(schemaPath() + "/Open%20Orders/preview");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<html").contains("class=\"grid\"");

        HttpResponse<String> missing = viewer.htmxGet(schemaPath() + "/orders/preview");
        assertThat(missing.body()).contains("role=\"alert\"").contains("does not exist").contains("Hint:");
    }

    @Test
    void anotherTenantFindsNoConnectionInTheBrowserOrTheConsole() {
        HttpResponse<String> page = otherTenant.get("/catalog/warehouse");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("no connection 'warehouse' in tenant 'globex'");
        assertThat(otherTenant.get(schemaPath() + "/Orders").statusCode()).isEqualTo(404);
        HttpResponse<String> run = otherTenant.post("/query/run", Map.of("conn", "warehouse", "sql", "SELECT 1"), true);
        assertThat(run.body()).contains("no connection").doesNotContain("class=\"grid\"");
    }

    @Test
    void consoleRunsSqlAndEscapesEveryValue() {
        HttpResponse<String> page = editor.get("/query?conn=warehouse");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<label for=\"query-sql\">SQL</label>").contains("<label for=\"query-timeout\">")
                .contains("<label for=\"query-conn\">").contains("name=\"_csrf\"").contains("formaction=\"/query/csv\"");

        HttpResponse<String> run = editor.post("/query/run", Map.of("conn", "warehouse",
                "sql", "SELECT '<script>alert(1)</script>' AS x, NULL::int AS n, 'NULL' AS word", "timeout_seconds", "5"), true);
        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(run.body()).doesNotContain("<html").doesNotContain("<script>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("<td class=\"null\" title=\"SQL NULL\">NULL</td>").contains("<td>NULL</td>")
                .contains("SELECT 1").contains("1 row(s)");

        HttpResponse<String> noJs = editor.post("/query/run", Map.of("conn", "warehouse", "sql", "SELECT 42 AS answer"), false);
        assertThat(noJs.body()).contains("<html").contains("<td>42</td>").contains("SELECT 42 AS answer</textarea>");

        assertThat(editor.postWithoutCsrf("/query/run", Map.of("conn", "warehouse", "sql", "SELECT 1")).statusCode()).isEqualTo(403);
    }

    @Test
    void badSqlShowsTheMessageThePositionAndNoGrid() {
        HttpResponse<String> run = editor.post("/query/run", Map.of("conn", "warehouse", "sql", "SELECT nope FROM nosuch_y"), true);
        assertThat(run.statusCode()).isEqualTo(200); // htmx swaps 2xx only
        assertThat(run.body()).contains("role=\"alert\"")
                .contains("relation \"nosuch_y\" does not exist (SQLSTATE 42P01)")
                .contains("<pre class=\"excerpt\">LINE 1: SELECT nope FROM nosuch_y\n                         ^</pre>");

        HttpResponse<String> noJs = editor.post("/query/run", Map.of("conn", "warehouse", "sql", "SELECT nope FROM nosuch_y"), false);
        assertThat(noJs.statusCode()).isEqualTo(400);
        assertThat(noJs.body()).contains("<html").contains("nosuch_y");
    }

    @Test
    void aViewersConsoleIsReadOnly() {
        HttpResponse<String> page = viewer.get("/query");
        assertThat(page.body()).contains("read-only transaction");
        HttpResponse<String> run = viewer.post("/query/run", Map.of("conn", "warehouse",
                "sql", "DELETE FROM " + data.quotedTable()), true);
        assertThat(run.body()).contains("read-only transaction").contains("Hint:").contains("editor");
        HttpResponse<String> rows = viewer.post("/query/run", Map.of("conn", "warehouse",
                "sql", "SELECT count(*) AS n FROM " + data.quotedTable()), true);
        assertThat(rows.body()).contains("<td>3</td>");
    }

    @Test
    void downloadCsvPostsTheFormAndGetsAFile() {
        HttpResponse<String> csv = viewer.post("/query/csv", Map.of("conn", "warehouse",
                "sql", "SELECT id, note FROM " + data.quotedTable() + " ORDER BY id", "timeout_seconds", "10"), false);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElse("")).contains("attachment");
        assertThat(csv.body()).isEqualTo("id,note\n1,first <b>\n2,\n3,\"a,b \"\"q\"\"\"\n");
    }

    @Test
    void cancelButtonStopsTheRunningQueryOfThePage() throws Exception {
        String id = "page-" + System.nanoTime();
        CompletableFuture<HttpResponse<String>> running = CompletableFuture.supplyAsync(() -> editor.post("/query/run",
                Map.of("conn", "warehouse", "sql", "SELECT pg_sleep(60)", "timeout_seconds", "90", "query_id", id), true));
        String answer = "";
        for (int i = 0; i < 100 && !answer.contains("Canceled"); i++) {
            Thread.sleep(200);
            answer = editor.post("/query/cancel", Map.of("query_id", id), true).body();
        }
        assertThat(answer).contains("Canceled: PostgreSQL stopped the query.");
        HttpResponse<String> result = running.get(30, TimeUnit.SECONDS);
        assertThat(result.body()).contains("role=\"alert\"").contains("was canceled");
        assertThat(editor.post("/query/cancel", Map.of("query_id", id), true).body()).contains("No query is running.");
    }
}
