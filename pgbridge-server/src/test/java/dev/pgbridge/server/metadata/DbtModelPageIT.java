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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "dbt model" section of a table's page: resource type, description, upstream links, raw and compiled SQL (as
 * text, escaped), from what a DBT workflow put in the local catalog; a table dbt never named has no such section.
 */
@Timeout(120)
class DbtModelPageIT {
    private static final String TENANT = "acme";
    private static final String SCHEMA = "shop.jaffle.analytics";
    private static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.tls();
        CatalogSink sink = new CatalogSink(CatalogStore.open(server.store().database(), TENANT), w -> {
        });
        try {
            sink.send(Requests.Request.put(new Requests.CreateDatabaseService("shop", "Postgres", null)));
            sink.send(Requests.Request.put(new Requests.CreateDatabase("jaffle", null, "shop")));
            sink.send(Requests.Request.put(new Requests.CreateDatabaseSchema("analytics", null, "shop.jaffle")));
            for (String table : List.of("customers", "stg_customers", "plain")) {
                sink.send(Requests.Request.put(new Requests.CreateTable(table, null, "Regular",
                        List.of(new Requests.Column("customer_id", "INT", null, null, null, null, "integer", null,
                                null, 1)), null, SCHEMA, null)));
            }
            sink.send(Requests.dataModel(SCHEMA + ".customers", new Requests.DataModel("DBT", "model",
                    "One row per customer.", "models/marts/customers.sql",
                    "select * from {{ ref('stg_customers') }} where id < 10",
                    "select * from \"jaffle\".\"analytics\".\"stg_customers\" where id < 10",
                    List.of(SCHEMA + ".stg_customers"), null, null, null, "2026-12-01T09:00:00Z")));
            sink.send(Requests.tablePatch(SCHEMA + ".customers", new Requests.TablePatch("One row per customer.",
                    List.of(new Requests.ColumnDescription("customer_id", "The customer's <id>")), null, false)));
        }
        finally {
            sink.close();
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aTableDbtBuiltShowsItsModel() {
        WebSession session = WebSession.newUser(server, TENANT, "dora", Role.VIEWER);
        HttpResponse<String> page = session.get(MetadataPages.href(SCHEMA + ".customers"));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        String html = page.body();
        assertThat(html).contains("<h2 id=\"dbt-model\">dbt model</h2>",
                "<dd id=\"dbt-resource-type\">model</dd>", "<p id=\"dbt-description\">One row per customer.</p>",
                "models/marts/customers.sql",
                "href=\"" + MetadataPages.href(SCHEMA + ".stg_customers") + "\"",
                "<pre class=\"dbt-sql\" aria-labelledby=\"dbt-raw-sql\">select * from {{ ref('stg_customers') }} "
                        + "where id &lt; 10</pre>",
                "<pre class=\"dbt-sql\" aria-labelledby=\"dbt-compiled-sql\">select * from \"jaffle\".\"analytics\"."
                        + "\"stg_customers\" where id &lt; 10</pre>",
                "<td>The customer's &lt;id&gt;</td>");
        HttpResponse<String> plain = session.get(MetadataPages.href(SCHEMA + ".plain"));
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).doesNotContain("dbt-model");
    }
}
