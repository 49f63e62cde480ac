package dev.pgbridge.server.browser;

import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.metadata.MetadataTestCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Chromium over the server's TLS: log in through the login form, the start page, the metadata list, a search, a
 * table page with its lineage graph, and a click on a node of the graph to the upstream table's page. Each page is
 * saved as a screenshot.
 */
@Timeout(180)
class LoginAndMetadataBrowserIT {
    private static final String TENANT = "acme";
    private static ServerFixture server;
    private static MetadataTestCatalog catalog;
    private static Browser browser;

    @BeforeAll
    static void start() {
        server = ServerFixture.tls();
        catalog = MetadataTestCatalog.create();
        catalog.ingestInto(server, TENANT);
        browser = Browser.start(server);
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        }
        finally {
            if (server != null) {
                server.close();
            }
            if (catalog != null) {
                catalog.close();
            }
        }
    }

    @Test
    void logInSeeTheHomePageAndFollowTheLineageOfATable() throws Exception {
        String password = server.user(TENANT, "mara", Role.VIEWER).reveal();
        browser.open("/metadata");
        browser.waitForPath("/login");
        browser.waitFor(By.id("username"));
        shot("01-login");

        browser.login(TENANT, "mara", password);
        assertThat(browser.waitFor(By.cssSelector("header.top .who")).getText()).contains("mara", TENANT);
        assertThat(browser.driver().findElements(By.cssSelector("ul.tiles a"))).isNotEmpty();
        shot("02-home");

        WebElement nav = browser.driver().findElement(By.cssSelector("header.top nav a[href='/metadata']"));
        browser.clickAndWait(nav, By.cssSelector("table.metadata-tables"));
        assertThat(browser.driver().findElement(By.cssSelector("header.top nav a[aria-current='page']")).getText())
                .isEqualTo("Metadata");
        List<String> tables = browser.driver().findElements(By.cssSelector("table.metadata-tables tbody tr td:first-child a"))
                .stream().map(WebElement::getText).toList();
        assertThat(tables).contains("sales.orders", "sales.big_orders", "sales.customers",
                "sales." + MetadataTestCatalog.SCRIPT.replace(">", "__reserved__arrow__"));
        shot("03-metadata-list");

        WebElement search = browser.driver().findElement(By.id("q"));
        search.sendKeys("amount");
        browser.clickAndWait(browser.driver().findElement(By.cssSelector("form[role=search] button[type=submit]")),
                By.cssSelector("table.metadata-tables"));
        assertThat(browser.driver().findElements(By.cssSelector("table.metadata-tables tbody tr td:first-child a"))
                .stream().map(WebElement::getText).toList()).containsExactly("sales.big_orders", "sales.orders");
        shot("04-metadata-search");

        browser.clickAndWait(browser.driver().findElement(By.linkText("sales.big_orders")),
                By.cssSelector(".lineage-graph svg"));
        WebElement svg = browser.driver().findElement(By.cssSelector(".lineage-graph svg"));
        assertThat(svg.getAttribute("role")).isEqualTo("img");
        assertThat(svg.getAttribute("aria-label")).startsWith("Lineage of " + catalog.fqn("big_orders"));
        assertThat(svg.findElements(By.cssSelector("path.lineage-edge"))).hasSize(2);
        assertThat(svg.getSize().getWidth()).isGreaterThan(200);
        assertThat(browser.driver().findElements(By.cssSelector("table.metadata-columns tbody td:first-child"))
                .stream().map(WebElement::getText).toList()).containsExactly("id", "amount", "name");
        shot("05-table-big-orders");

        // a node of the graph is a link to that table's page
        WebElement ordersNode = svg.findElements(By.cssSelector("a.lineage-node")).stream()
                .filter(a -> a.getText().equals("sales.orders")).findFirst()
                .orElseThrow(() -> new AssertionError("no node sales.orders in the graph"));
        browser.clickAndWait(ordersNode, By.id("usage-total"));
        assertThat(browser.driver().findElement(By.id("table-fqn")).getText()).isEqualTo(catalog.fqn("orders"));
        assertThat(Long.parseLong(browser.driver().findElement(By.id("usage-total")).getText())).isGreaterThanOrEqualTo(3);
        Path last = shot("06-table-orders");
        assertThat(Files.size(last)).isGreaterThan(1000);
    }

    private static Path shot(String name) {
        return browser.screenshot("login-and-metadata-" + name);
    }
}
