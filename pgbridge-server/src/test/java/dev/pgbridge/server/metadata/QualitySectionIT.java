package dev.pgbridge.server.metadata;

import dev.pgbridge.metadata.catalogstore.CatalogSink;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.profile.pii.PiiTag;
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

/** The "Data quality" section of a table's page: each test's latest result with its status, measure and last runs. */
@Timeout(180)
class QualitySectionIT {
    private static final String TENANT = "acme";
    private static ServerFixture server;
    private static MetadataTestCatalog catalog;

    @BeforeAll
    static void start() {
        server = ServerFixture.tls();
        catalog = MetadataTestCatalog.create();
        catalog.ingestInto(server, TENANT);
        String cases = "[{name: amount_max, testDefinitionName: columnValueMaxToBeBetween, columnName: amount, "
                + "parameterValues: [{name: maxValueForMaxInCol, value: 100}]}, "
                + "{name: amount_range, testDefinitionName: columnValuesToBeBetween, columnName: amount, "
                + "parameterValues: [{name: maxValue, value: 100}]}, "
                + "{name: two_rows, testDefinitionName: tableRowCountToEqual, parameterValues: [{name: value, value: 2}]}, "
                + "{name: bad_regex, testDefinitionName: columnValuesToMatchRegex, columnName: amount, "
                + "parameterValues: [{name: regex, value: '('}]}]";
        catalog.testInto(server, TENANT, "orders", cases);
        catalog.testInto(server, TENANT, "orders", cases);
        // tagged after the runs: the stored failing rows hold customer_id's values, the page must not show them
        try (CatalogSink sink = new CatalogSink(CatalogStore.open(server.store().database(), TENANT), w -> { })) {
            sink.send(Requests.Request.columnTags(catalog.fqn("orders"), new Requests.ColumnTags(List.of(
                    new Requests.ColumnTag("customer_id", new Requests.TagLabel(PiiTag.SENSITIVE, "Classification",
                            "Manual", "Confirmed"))))));
        }
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

    @Test
    void tablePageShowsTheLatestResultOfEachTestWithItsRuns() {
        WebSession session = WebSession.newUser(server, TENANT, "quinn", Role.VIEWER);
        HttpResponse<String> page = session.get(MetadataPages.href(catalog.fqn("orders")));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        String html = page.body();
        int start = html.indexOf("<h2 id=\"quality\">Data quality</h2>");
        assertThat(start).as(html).isPositive();
        String section = html.substring(start, html.indexOf("</section>", start));
        // orders has amounts 150 and 20: the max is 150, over 100
        assertThat(section).contains("<td class=\"mono\">amount_max</td>",
                "<span class=\"badge quality-failed\">Failed</span>", "max=150",
                "<span class=\"badge quality-success\">Success</span>", "rowCount=2",
                "<span class=\"badge quality-aborted\">Aborted</span>", "invalid regular expression");
        // two failing tests (amount_max, amount_range), two runs each
        assertThat(section.split("class=\"quality-run quality-failed\"", -1)).hasSize(5);
        // the one row over 100 is the failing row of the row-level test (a maximum has no failing rows)
        assertThat(section).contains("Failing rows of <span class=\"mono\">amount_range</span>", "<td>1</td>",
                "<td class=\"mono\">150.00</td>").doesNotContain("Failing rows of <span class=\"mono\">amount_max");

        // a table without tests says how to get some
        HttpResponse<String> customers = session.get(MetadataPages.href(catalog.fqn("customers")));
        assertThat(customers.body()).contains("No data-quality tests recorded");
    }

    // the bug: the failing rows of a test showed the values of a column tagged PII.Sensitive (the profile's sample
    // masked them, the quality section did not)
    @Test
    void failingRowsMaskColumnsTaggedSensitiveAsTheProfileSampleDoes() {
        WebSession session = WebSession.newUser(server, TENANT, "pia", Role.VIEWER);
        String html = session.get(MetadataPages.href(catalog.fqn("orders"))).body();
        int start = html.indexOf("<h2 id=\"quality\">Data quality</h2>");
        String section = html.substring(start, html.indexOf("</section>", start));
        String sample = section.substring(section.indexOf("Failing rows of <span class=\"mono\">amount_range"));
        // the failing row (id 1, customer_id 1, amount 150.00): customer_id masked, the others shown
        assertThat(sample).contains("<th scope=\"col\" class=\"mono\">customer_id</th>",
                "<td class=\"mono\">1</td><td class=\"mono masked\">" + PiiTag.MASK + "</td>"
                        + "<td class=\"mono\">150.00</td>");
    }

    @Test
    void anotherTenantSeesNoResults() {
        WebSession session = WebSession.newUser(server, "other", "olga", Role.VIEWER);
        HttpResponse<String> page = session.get(MetadataPages.href(catalog.fqn("orders")));
        assertThat(page.body()).doesNotContain("amount_max");
    }
}
