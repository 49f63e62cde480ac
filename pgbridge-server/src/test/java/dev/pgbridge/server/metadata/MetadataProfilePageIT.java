package dev.pgbridge.server.metadata;

import dev.pgbridge.metadata.catalogstore.CatalogSink;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.WebSession;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.ui.MetadataPages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "Profile" section of a metadata table page, on a catalog written by hand with the requests a Profiler run sends
 * (two runs, sample rows, a PII tag) into the server's store for tenant {@code acme}.
 */
@Timeout(120)
class MetadataProfilePageIT {
    private static final String TENANT = "acme";
    private static final String SCHEMA = "prof_pg.shop.sales";
    private static final String CUSTOMERS = SCHEMA + ".customers";
    /** A column name that is markup. */
    private static final String HOSTILE = "<b>note";
    private static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.tls();
        List<Object> nullRow = new ArrayList<>();
        nullRow.add(2);
        nullRow.add("bo@example.com");
        nullRow.add(null);
        try (CatalogSink sink = new CatalogSink(CatalogStore.open(server.store().database(), TENANT), w -> { })) {
            sink.send(Requests.Request.put(new Requests.CreateDatabaseService("prof_pg", "Postgres", null)));
            sink.send(Requests.Request.put(new Requests.CreateDatabase("shop", null, "prof_pg")));
            sink.send(Requests.Request.put(new Requests.CreateDatabaseSchema("sales", null, "prof_pg.shop")));
            for (String table : List.of("customers", "orders")) {
                sink.send(Requests.Request.put(new Requests.CreateTable(table, null, "Regular", List.of(
                        new Requests.Column("id", "INT", null, 1, null, null, "integer", null, null, 1),
                        new Requests.Column("email", "TEXT", null, 1, null, null, "text", null, null, 2),
                        new Requests.Column(HOSTILE, "TEXT", null, 1, null, null, "text", null, null, 3)), null,
                        SCHEMA, null)));
            }
            sink.send(profile(1_765_000_000_000L, 3.0));
            sink.send(profile(1_765_086_400_000L, 4.0));
            // the profiler masks PII itself; this sample is not masked, so the page's own masking shows
            sink.send(Requests.Request.sampleData(CUSTOMERS, new Requests.TableData(List.of("id", "email", HOSTILE),
                    List.of(List.of(1, "ann@example.com", "<i>hi</i>"), nullRow))));
            sink.send(Requests.Request.columnTags(CUSTOMERS, new Requests.ColumnTags(List.of(new Requests.ColumnTag(
                    "email", new Requests.TagLabel("PII.Sensitive", "Classification", "Automated", "Suggested"))))));
        }
    }

    private static Requests.Request profile(long timestamp, double rows) {
        Requests.ColumnProfile id = Requests.JSON.convertValue(Map.of("name", "id", "timestamp", timestamp,
                "valuesCount", rows, "nullProportion", 0.25, "min", 1, "max", 4, "mean", 2.5,
                "histogram", Map.of("boundaries", List.of("1 to 2", "2 to 3", "3 and up"),
                        "frequencies", List.of(2, 0, 1))), Requests.ColumnProfile.class);
        Requests.ColumnProfile email = Requests.JSON.convertValue(Map.of("name", "email", "timestamp", timestamp,
                "valuesCount", rows, "minLength", 14.0), Requests.ColumnProfile.class);
        Requests.ColumnProfile hostile = Requests.JSON.convertValue(Map.of("name", HOSTILE, "timestamp", timestamp,
                "valuesCount", rows), Requests.ColumnProfile.class);
        return Requests.Request.tableProfile(CUSTOMERS, new Requests.CreateTableProfile(new Requests.TableProfile(
                timestamp, rows, 3, 16384.0, null, 50.0, "PERCENTAGE"), List.of(id, email, hostile)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String page(String fqn) {
        WebSession session = WebSession.newUser(server, TENANT, "pat" + fqn.length(), Role.VIEWER);
        HttpResponse<String> page = session.get(MetadataPages.href(fqn));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return page.body();
    }

    @Test
    void theTablePageShowsTheLatestProfileWithTagsHistogramMaskedSampleAndHistory() {
        String html = page(CUSTOMERS);
        assertThat(html).contains("<h2 id=\"profile\">Profile</h2>", "2025-12-07T05:46:40Z", "2 run(s) kept",
                "<dt>Rows</dt><dd>4</dd>", "<dt>Size</dt><dd>16.0 KiB</dd>", "<dt>Sample</dt><dd>50 %</dd>",
                // the columns: metrics, the null proportion in percent, the PII badge
                "<td class=\"num\">25</td>", "<td class=\"num\">2.5</td>",
                "<span class=\"badge tag pii\">PII.Sensitive</span>",
                // the histogram: an image with its bins in words, a bar per bin, none drawn for an empty bin
                "role=\"img\" aria-label=\"Histogram of id, rows per bin: 1 to 2: 2; 2 to 3: 0; 3 and up: 1\"",
                "<title>1 to 2: 2</title>", "height=\"0\"",
                // the sample: email masked by the page, NULL shown as such
                "<td class=\"masked\">********</td>", "<td class=\"null\">NULL</td>",
                "History (2 run(s))", "2025-12-06T05:46:40Z");
        assertThat(html).doesNotContain("ann@example.com", "bo@example.com");
        // names and values that are markup come out as text
        assertThat(html).contains("&lt;b&gt;note", "&lt;i&gt;hi&lt;/i&gt;").doesNotContain("<b>note", "<i>hi</i>");
    }

    @Test
    void aTableWithoutAProfileSaysHowToMakeOne() {
        String html = page(SCHEMA + ".orders");
        assertThat(html).contains("id=\"profile-none\"", "A Profiler workflow").doesNotContain("History (");
    }
}
