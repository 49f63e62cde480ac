package dev.pgbridge.server.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.WebSession;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.ui.MetadataPages;
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

/**
 * The metadata catalog through the server: the REST routes and the pages, on a catalog the real workflows ingested from
 * the test PostgreSQL into the server's store for tenant {@code acme}; tenant {@code other} must see none of it.
 */
@Timeout(180)
class MetadataServerIT {
    private static final String TENANT = "acme";
    private static final String OTHER = "other";
    private static ServerFixture server;
    private static MetadataTestCatalog catalog;
    private static String token;
    private static String otherToken;

    @BeforeAll
    static void start() {
        server = ServerFixture.tls();
        catalog = MetadataTestCatalog.create();
        catalog.ingestInto(server, TENANT);
        token = server.token(TENANT, Role.VIEWER);
        otherToken = server.token(OTHER, Role.VIEWER);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (catalog != null) {
            catalog.close();
        }
    }

    private static String entity(String fqn) {
        return "/api/v1/metadata/entities/" + MetadataPages.pathSegment(fqn);
    }

    private static JsonNode ok(String path, String token) {
        HttpResponse<String> response = server.get(path, token);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return ServerFixture.parse(response);
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    @Test
    void listGivesTheIngestedTablesAndSearchFindsColumns() {
        JsonNode list = ok("/api/v1/metadata/tables", token);
        assertThat(texts(list.path("tables"), "fqn")).contains(catalog.fqn("orders"), catalog.fqn("customers"),
                catalog.fqn("big_orders"), catalog.fqn(MetadataTestCatalog.WEIRD), catalog.fqn(MetadataTestCatalog.SCRIPT));
        assertThat(list.path("total_entries").asInt()).isEqualTo(list.path("tables").size());

        JsonNode search = ok("/api/v1/metadata/tables?search=customer_ID", token);
        assertThat(texts(search.path("tables"), "fqn")).containsExactly(catalog.fqn("orders"));
        JsonNode match = search.path("tables").get(0).path("matches").get(0);
        assertThat(match.path("kind").asText()).isEqualTo("column");
        assertThat(match.path("text").asText()).isEqualTo("customer_id");

        JsonNode byDescription = ok("/api/v1/metadata/tables?search=" + URLEncoder.encode("customer is called",
                StandardCharsets.UTF_8), token);
        assertThat(texts(byDescription.path("tables"), "fqn")).containsExactly(catalog.fqn("customers"));

        assertThat(ok("/api/v1/metadata/tables?service=" + MetadataTestCatalog.SERVICE, token).path("tables").size())
                .isEqualTo(list.path("tables").size());
        assertThat(ok("/api/v1/metadata/tables?service=nope", token).path("tables").size()).isZero();
    }

    @Test
    void entityHasColumnsConstraintsAndUsage() {
        JsonNode orders = ok(entity(catalog.fqn("orders")), token);
        assertThat(orders.path("table").path("fqn").asText()).isEqualTo(catalog.fqn("orders"));
        assertThat(orders.path("description").asText()).isEqualTo("one row per order");
        assertThat(texts(orders.path("columns"), "name")).containsExactly("id", "customer_id", "amount");
        assertThat(orders.path("columns").get(0).path("constraint").asText()).isEqualTo("PRIMARY_KEY");
        assertThat(orders.path("columns").get(2).path("data_type_display").asText()).isEqualTo("numeric(10,2)");
        assertThat(texts(orders.path("table_constraints"), "constraint_type")).contains("FOREIGN_KEY");
        // three runs of the join in pg_stat_statements, counted by the usage workflow
        assertThat(orders.path("usage").path("total_queries").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(texts(orders.path("downstream"), "to")).containsExactly(catalog.fqn("big_orders"));
    }

    @Test
    void lineageHasTableAndColumnEdgesBothWays() {
        JsonNode lineage = ok(entity(catalog.fqn("big_orders")) + "/lineage", token);
        assertThat(lineage.path("fqn").asText()).isEqualTo(catalog.fqn("big_orders"));
        assertThat(texts(lineage.path("upstream"), "from"))
                .containsExactlyInAnyOrder(catalog.fqn("customers"), catalog.fqn("orders"));
        assertThat(texts(lineage.path("upstream"), "source")).containsOnly("ViewLineage");
        assertThat(lineage.path("downstream").size()).isZero();
        List<String> columnEdges = new ArrayList<>();
        lineage.path("upstream").forEach(e -> e.path("columns").forEach(c -> columnEdges.add(
                c.path("from_columns").get(0).asText() + " -> " + c.path("to_column").asText())));
        assertThat(columnEdges).contains(catalog.fqn("orders") + ".amount -> " + catalog.fqn("big_orders") + ".amount",
                catalog.fqn("customers") + ".name -> " + catalog.fqn("big_orders") + ".name");

        JsonNode down = ok(entity(catalog.fqn("customers")) + "/lineage?depth=2", token);
        assertThat(texts(down.path("downstream"), "to")).containsExactly(catalog.fqn("big_orders"));
        assertThat(down.path("downstream").get(0).path("depth").asInt()).isEqualTo(1);

        HttpResponse<String> badDepth = server.get(entity(catalog.fqn("orders")) + "/lineage?depth=0", token);
        assertThat(badDepth.statusCode()).isEqualTo(400);
        assertThat(ServerFixture.parse(badDepth).path("hint").asText()).isNotBlank();
    }

    @Test
    void aNameWithADotAndAQuoteIsOnePercentEncodedSegment() {
        String fqn = catalog.fqn(MetadataTestCatalog.WEIRD);
        assertThat(fqn).endsWith(".\"we__reserved__quote__ird.name\"");
        String path = entity(fqn);
        assertThat(path).contains("%22we__reserved__quote__ird.name%22");
        assertThat(ok(path, token).path("table").path("fqn").asText()).isEqualTo(fqn);
        assertThat(texts(ok(path + "/lineage", token).path("downstream"), "to"))
                .containsExactly(catalog.fqn("weird_ids"));
        JsonNode history = ok(path + "/history", token);
        assertThat(history.path("fqn").asText()).isEqualTo(fqn);
        assertThat(texts(history.path("versions"), "version")).containsExactly("1");
        // a slash in a name is %2F, still one segment
        String img = catalog.fqn(MetadataTestCatalog.IMG);
        assertThat(ok(entity(img), token).path("table").path("fqn").asText()).isEqualTo(img);
    }

    @Test
    void shortNamesResolveAndUnknownOnesAreNotFoundWithAHint() {
        assertThat(ok("/api/v1/metadata/entities/sales.orders", token).path("table").path("fqn").asText())
                .isEqualTo(catalog.fqn("orders"));
        HttpResponse<String> missing = server.get("/api/v1/metadata/entities/sales.nope", token);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(ServerFixture.parse(missing).path("error").asText()).isEqualTo("NOT_FOUND");
        assertThat(ServerFixture.parse(missing).path("hint").asText()).isNotBlank();
    }

    @Test
    void anotherTenantSeesNothingOfTheCatalog() {
        assertThat(ok("/api/v1/metadata/tables", otherToken).path("tables").size()).isZero();
        assertThat(ok("/api/v1/metadata/tables?search=orders", otherToken).path("tables").size()).isZero();
        String orders = entity(catalog.fqn("orders"));
        for (String path : List.of(orders, orders + "/lineage", orders + "/history")) {
            HttpResponse<String> response = server.get(path, otherToken);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).doesNotContain("customer_id");
        }
        WebSession session = WebSession.newUser(server, OTHER, "olga", Role.VIEWER);
        assertThat(session.get("/metadata").body()).doesNotContain(catalog.database());
        assertThat(session.get(MetadataPages.href(catalog.fqn("orders"))).statusCode()).isEqualTo(404);
    }

    @Test
    void routesNeedAViewerToken() {
        assertThat(server.get("/api/v1/metadata/tables", null).statusCode()).isEqualTo(401);
        assertThat(server.get(entity(catalog.fqn("orders")), null).statusCode()).isEqualTo(401);
        // an agent token reads connections for tasks, nothing else
        assertThat(server.get("/api/v1/metadata/tables", server.token(TENANT, Role.AGENT)).statusCode()).isEqualTo(403);
    }

    @Test
    void listPageLinksEveryTableToItsPage() {
        WebSession session = WebSession.newUser(server, TENANT, "vera", Role.VIEWER);
        HttpResponse<String> list = session.get("/metadata");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("href=\"" + MetadataPages.href(catalog.fqn("orders")) + "\"",
                "href=\"" + MetadataPages.href(catalog.fqn(MetadataTestCatalog.WEIRD)) + "\"",
                "aria-current=\"page\">Metadata");
        HttpResponse<String> search = session.get("/metadata?q=customer_id");
        assertThat(search.body()).contains(MetadataPages.href(catalog.fqn("orders")))
                .doesNotContain(MetadataPages.href(catalog.fqn("customers")));
    }

    @Test
    void tablePageShowsColumnsUsageAndTheLineageGraph() {
        WebSession session = WebSession.newUser(server, TENANT, "walt", Role.VIEWER);
        HttpResponse<String> page = session.get(MetadataPages.href(catalog.fqn("big_orders")));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        String html = page.body();
        assertThat(html).contains("<td class=\"mono\">amount</td>", "<td class=\"mono\">name</td>");
        String svg = between(html, "<svg", "</svg>");
        assertThat(svg).contains("role=\"img\"", "aria-label=\"Lineage of " + catalog.fqn("big_orders"),
                "<title>Lineage of " + catalog.fqn("big_orders") + "</title>", "marker-end=\"url(#lineage-arrow)\"");
        // two upstream tables, the view itself: three nodes linking to their pages, two edges
        assertThat(count(svg, "class=\"lineage-edge\"")).isEqualTo(2);
        assertThat(svg).contains("href=\"" + MetadataPages.href(catalog.fqn("orders")) + "\"",
                "href=\"" + MetadataPages.href(catalog.fqn("customers")) + "\"");
        // the textual list of edges under the graph, with the column edges
        String edges = between(html, "<ul class=\"lineage-edges\"", "</section>");
        assertThat(edges).contains("orders.amount → big_orders.amount", "ViewLineage");

        HttpResponse<String> orders = session.get(MetadataPages.href(catalog.fqn("orders")));
        assertThat(orders.body()).contains("<strong id=\"usage-total\">").contains("PRIMARY_KEY");
    }

    // a table named <script>x must come out as text everywhere on its page, in the SVG labels and titles too
    @Test
    void hostileTableNamesAreEscapedInTheGraph() {
        WebSession session = WebSession.newUser(server, TENANT, "xena", Role.VIEWER);
        for (String name : List.of(MetadataTestCatalog.SCRIPT, MetadataTestCatalog.IMG)) {
            HttpResponse<String> page = session.get(MetadataPages.href(catalog.fqn(name)));
            assertThat(page.statusCode()).as(name + ": " + page.body()).isEqualTo(200);
            String html = page.body();
            assertThat(html).doesNotContain("<script__", "<img src=x").contains("&lt;");
        }
        // the table's own node, and the view made from it
        String own = between(session.get(MetadataPages.href(catalog.fqn(MetadataTestCatalog.SCRIPT))).body(),
                "<svg", "</svg>");
        assertThat(own).contains("sales.&lt;script__reserved__arrow__x", "sales.hostile_view");
        String svg = between(session.get(MetadataPages.href(catalog.fqn("hostile_view"))).body(), "<svg", "</svg>");
        assertThat(svg).contains("sales.&lt;script__reserved__arrow__x").doesNotContain("<script");
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("'" + start + "' in the page").isGreaterThanOrEqualTo(0);
        int to = text.indexOf(end, from);
        assertThat(to).as("'" + end + "' after '" + start + "'").isGreaterThan(from);
        return text.substring(from, to + end.length());
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
