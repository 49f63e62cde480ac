package dev.pgbridge.server.browser;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.doctor.TestStep;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.testing.SecretForms;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole web UI in a real Chromium over the server's TLS, in the order a user meets it: log in; add a connection to
 * the test PostgreSQL through the form (a role whose password is the special one) and Test it; edit it without
 * retyping the password and Test again; browse the catalog to a table's columns and rows; run a query, download its
 * CSV and see a bad statement's error; register, start, watch and stop a capture of that table; delete the connection.
 * Every page is saved as a screenshot ({@code target/screenshots/webui-NN-*.png}), and no page the browser showed
 * contains any form of the password.
 */
@Timeout(300)
class WebUiBrowserIT {
    private static final String TENANT = "webui";
    private static final String USER = "edith";
    private static final String CONN = "warehouse";
    private static final String CAPTURE = "orders_cdc";
    private static final String PASSWORD = SecretForms.SPECIAL_PASSWORD;
    /** A capture's backfill and first streamed events take longer than a page. */
    private static final Duration CAPTURE_WAIT = Duration.ofSeconds(90);

    private static final TestingPostgres PG = TestingPostgres.get();
    private static ServerFixture server;
    private static Browser browser;
    private static TestRole role;
    private static TestDatabase db;
    private static Path sinkDir;
    private static final String SLOT = TestingPostgres.uniqueName("ui_slot");
    private static final String PUBLICATION = TestingPostgres.uniqueName("ui_pub");
    private static final String WATERMARKS = TestingPostgres.uniqueName("ui_wm");
    /**
     * Every page source the browser showed (after each page load, each htmx swap and each screenshot) and the CSV, by
     * what it was; scanned for the password at the end.
     */
    private static final List<Map.Entry<String, String>> seen = new ArrayList<>();
    private static int shots;

    @BeforeAll
    static void start() throws Exception {
        role = PG.createRole(TestingPostgres.uniqueName("pgb_webui"), PASSWORD, "REPLICATION");
        db = PG.createDatabase(TestingPostgres.uniqueName("pgb_webui"), role.name());
        sql("CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, amount numeric(10,2), "
                        + "placed_at timestamptz NOT NULL DEFAULT '2026-12-01 09:30:00+00')",
                "INSERT INTO orders (id, customer, amount) VALUES (1, 'Ada', 12.50), (2, 'Grace', 99.90), "
                        + "(3, 'Edsger', NULL)");
        sinkDir = Files.createTempDirectory("pgbridge-webui-sink");
        // the screenshots of an earlier run go, so the directory shows this run's pages only
        Files.createDirectories(Browser.screenshotDir());
        try (Stream<Path> old = Files.list(Browser.screenshotDir())) {
            for (Path shot : old.filter(f -> f.getFileName().toString().startsWith("webui-")).toList()) {
                Files.delete(shot);
            }
        }
        server = ServerFixture.tls();
        // two more connections of the tenant (never connected to), so the lists show more than the one under test
        server.store().add(ConnectionConfig.builder().connId("billing_replica").connType(ConnectionConfig.POSTGRES)
                .host("billing-db.internal").port("5432").database("billing").login("reporter")
                .description("read replica of billing").tenant(TENANT).build());
        server.store().add(ConnectionConfig.builder().connId("crm_prod").connType(ConnectionConfig.POSTGRES)
                .host("crm.internal").port("6432").database("crm").login("etl").description("CRM through pgbouncer")
                .tenant(TENANT).build());
        browser = Browser.start(server);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        }
        finally {
            try {
                if (server != null) {
                    server.close();
                }
            }
            finally {
                try {
                    if (db != null) {
                        PG.dropReplicationSlot(db.name(), SLOT);
                        db.close();
                    }
                }
                finally {
                    if (role != null) {
                        role.close();
                    }
                    deleteTree(sinkDir);
                }
            }
        }
    }

    @Test
    void aUserWalksThroughTheWholeUi() throws Exception {
        logIn();
        addAndTestAConnection();
        editItWithoutRetypingThePassword();
        browseTheCatalog();
        runQueries();
        captureTheTable();
        deleteTheConnection();

        assertThat(seen.size()).as("page sources kept").isGreaterThan(shots);
        for (Map.Entry<String, String> page : seen) {
            for (String form : SecretForms.of(PASSWORD)) {
                assertThat(page.getValue()).as("page %s shows the password as %s", page.getKey(), form)
                        .doesNotContain(form);
            }
        }
    }

    private void logIn() {
        String password = server.user(TENANT, USER, Role.EDITOR).reveal();
        browser.open("/login");
        browser.waitFor(By.id("username"));
        shot("login");
        browser.login(TENANT, USER, password);
        assertThat(text(By.cssSelector("header.top .who span"))).isEqualTo(USER + " · " + TENANT + " · editor");
        shot("home");
    }

    private void addAndTestAConnection() {
        go(navLink("/admin/connections"), By.id("connections"));
        assertThat(connIds()).containsExactly("billing_replica", "crm_prod");
        go(By.id("add"), By.id("connection-form"));
        assertThat(text(By.cssSelector("main h1"))).isEqualTo("Add connection");
        type("conn_id", CONN);
        type("description", "orders warehouse");
        type("host", PG.host());
        type("port", String.valueOf(PG.port()));
        type("database", db.name());
        type("login", role.name());
        type("password", PASSWORD);
        new Select(browser.driver().findElement(By.id("sslmode"))).selectByValue("disable");
        // Test before saving: the steps come back under the form (htmx), the typed values stay
        browser.click(By.id("test"));
        assertAllStepsOk();
        assertThat(browser.driver().findElement(By.id("conn_id")).getDomProperty("value")).isEqualTo(CONN);
        shot("connection-form-tested");

        go(By.id("save"), By.id("saved-notice"));
        assertThat(text(By.id("saved-notice"))).isEqualTo("Saved connection " + CONN + ".");
        assertThat(text(By.id("detail-conn-id"))).isEqualTo(CONN);
        assertThat(text(By.id("password-state"))).isEqualTo("set (write-only, never shown)");
        assertThat(text(By.id("task-uri"))).startsWith("AIRFLOW_CONN_WAREHOUSE=postgresql://" + role.name() + ":***@");
        browser.click(By.id("test"));
        assertAllStepsOk();
        shot("connection-saved-tested");
    }

    private void editItWithoutRetypingThePassword() {
        go(By.id("edit"), By.id("connection-form"));
        assertThat(text(By.cssSelector("main h1"))).isEqualTo("Edit connection " + CONN);
        WebElement password = browser.driver().findElement(By.id("password"));
        assertThat(password.getDomProperty("value")).isEmpty();
        assertThat(password.getDomAttribute("value")).isNull();
        assertThat(text(By.id("password-help"))).isEqualTo("Leave empty to keep the saved password.");
        type("description", "orders warehouse (edited)");
        shot("connection-edit");
        go(By.id("save"), By.id("saved-notice"));
        assertThat(browser.driver().findElement(By.cssSelector("dl.fields")).getText())
                .contains("orders warehouse (edited)");
        assertThat(text(By.id("password-state"))).isEqualTo("set (write-only, never shown)");
        // the saved password (not retyped) still logs in
        browser.click(By.id("test"));
        assertAllStepsOk();
        shot("connection-edited-tested");

        go(navLink("/admin/connections"), By.id("connections"));
        assertThat(connIds()).containsExactly("billing_replica", "crm_prod", CONN);
        assertThat(text(By.cssSelector("tr[data-conn-id='" + CONN + "']"))).contains(db.name(), role.name(),
                "orders warehouse (edited)");
        assertThat(text(By.id("count"))).isEqualTo("Showing 1–3 of 3");
        shot("connections-list");
    }

    private void browseTheCatalog() {
        go(navLink("/catalog"), By.id("catalog-view"));
        assertThat(text(By.cssSelector("#catalog-view h1"))).isEqualTo("Catalog");
        shot("catalog-connections");
        swap(By.linkText(CONN), "Schemas of " + CONN);
        assertThat(browser.driver().findElements(By.cssSelector("#catalog-view tbody td:first-child a"))
                .stream().map(WebElement::getText).toList()).contains("public");
        shot("catalog-schemas");
        swap(By.linkText("public"), "Tables of public");
        assertThat(browser.driver().findElements(By.cssSelector("#catalog-view tbody td:first-child a"))
                .stream().map(WebElement::getText).toList()).contains("orders");
        shot("catalog-tables");
        swap(By.linkText("orders"), "public.orders");
        browser.waitForPath("/catalog/" + CONN + "/public/orders");

        List<List<String>> columns = rows(By.cssSelector("#catalog-view table.columns tbody tr"));
        assertThat(columns).extracting(r -> r.get(1)).containsExactly("id", "customer", "amount", "placed_at");
        assertThat(columns).extracting(r -> r.get(2))
                .containsExactly("integer", "text", "numeric(10,2)", "timestamp with time zone");
        assertThat(columns).extracting(r -> r.get(3)).containsExactly("PK", "", "", "");
        assertThat(columns).extracting(r -> r.get(4)).containsExactly("no", "no", "yes", "no");

        // the preview loads by itself (hx-trigger="load")
        browser.waitFor(By.cssSelector("#preview table.grid tbody tr"));
        List<List<String>> preview = rows(By.cssSelector("#preview table.grid tbody tr"));
        assertThat(preview).extracting(r -> r.get(0) + " " + r.get(1) + " " + r.get(2))
                .containsExactlyInAnyOrder("1 Ada 12.50", "2 Grace 99.90", "3 Edsger NULL");
        assertThat(headers(By.cssSelector("#preview table.grid thead th")))
                .containsExactly("id int4", "customer text", "amount numeric", "placed_at timestamptz");
        shot("catalog-table");
    }

    private void runQueries() {
        go(navLink("/query"), By.id("query-form"));
        new Select(browser.driver().findElement(By.id("query-conn"))).selectByValue(CONN);
        WebElement sqlBox = browser.driver().findElement(By.id("query-sql"));
        sqlBox.clear();
        sqlBox.sendKeys("SELECT customer, amount, amount * 2 AS doubled FROM orders WHERE amount IS NOT NULL ORDER BY id");
        browser.click(By.id("query-run"));
        WebElement summary = browser.waitFor(By.cssSelector("#query-results .result-summary"));
        assertThat(summary.getText()).startsWith("SELECT 2 · 2 row(s) · ");
        assertThat(headers(By.cssSelector("#query-results table.grid thead th")))
                .containsExactly("customer text", "amount numeric", "doubled numeric");
        assertThat(rows(By.cssSelector("#query-results table.grid tbody tr")))
                .containsExactly(List.of("Ada", "12.50", "25.00"), List.of("Grace", "99.90", "199.80"));
        shot("query-result");

        // Download CSV posts the same form; the browser fetches it with its session as the button would
        assertThat(browser.driver().findElement(By.id("query-csv")).getDomAttribute("formaction")).isEqualTo("/query/csv");
        browser.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        @SuppressWarnings("unchecked")
        List<Object> csv = (List<Object>) ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const body = new URLSearchParams(new FormData(document.getElementById('query-form')));
                fetch('/query/csv', {method: 'POST', body: body, credentials: 'same-origin'})
                  .then(r => r.text().then(t => done([String(r.status), r.headers.get('Content-Type'),
                                                      r.headers.get('Content-Disposition'), t])))
                  .catch(e => done(['failed', String(e), '', '']));
                """);
        assertThat(csv.get(0)).as("status of the CSV download: %s", csv).isEqualTo("200");
        assertThat((String) csv.get(1)).startsWith("text/csv");
        assertThat((String) csv.get(2)).contains("attachment");
        assertThat(csv.get(3)).isEqualTo("customer,amount,doubled\nAda,12.50,25.00\nGrace,99.90,199.80\n");
        seen.add(Map.entry("the CSV download", (String) csv.get(3)));

        sqlBox = browser.driver().findElement(By.id("query-sql"));
        sqlBox.clear();
        sqlBox.sendKeys("SELECT custmer FROM orders");
        browser.click(By.id("query-run"));
        WebElement message = browser.waitFor(By.cssSelector("#query-results .error .message"));
        assertThat(message.getText()).startsWith("column \"custmer\" does not exist").doesNotContain("\n");
        assertThat(browser.driver().findElements(By.cssSelector("#query-results table.grid"))).isEmpty();
        // PostgreSQL's own hint, shown as the CLI shows it
        assertThat(text(By.cssSelector("#query-results .error .hint")))
                .isEqualTo("Hint: Perhaps you meant to reference the column \"orders.customer\".");
        shot("query-error");
    }

    private void captureTheTable() {
        go(navLink("/captures"), By.id("register-capture"));
        assertThat(text(By.cssSelector("main section"))).contains("No capture in tenant " + TENANT + " yet.");
        browser.click(By.cssSelector("#register-capture summary"));
        type("capture-name", CAPTURE);
        type("capture-config", """
                connection: %s
                advanced:
                  slotName: %s
                  publicationName: %s
                  watermarksTable: public.%s
                  heartbeat_interval: 0
                bindings:
                  - {namespace: public, stream: orders}
                sink: {type: jsonl, dir: "%s"}
                """.formatted(CONN, SLOT, PUBLICATION, WATERMARKS, sinkDir));
        WebElement startNow = browser.driver().findElement(By.id("capture-start-now"));
        if (startNow.isSelected()) {
            startNow.click(); // registered stopped; started with its own button below
        }
        shot("capture-register");
        go(By.id("capture-register"), By.id("capture-status"));
        browser.waitForPath("/captures/" + CAPTURE);
        assertThat(text(By.cssSelector("main h1"))).isEqualTo("Capture " + CAPTURE);
        assertThat(field("state")).isNotEqualTo("running");

        go(By.id("capture-start"), By.id("capture-status"));
        // the figures refresh by themselves (htmx, every 2 s): the backfill's 3 rows, then the 2 inserted ones
        browser.until("the capture to run with its 3 backfilled rows", CAPTURE_WAIT,
                d -> "running".equals(field("state")) && "3".equals(field("events")) && field("backfill").startsWith("1/1"));
        browser.until("the slot to stream", CAPTURE_WAIT, d -> slotStreaming());
        sql("INSERT INTO orders (id, customer, amount) VALUES (4, 'Barbara', 7.00)",
                "INSERT INTO orders (id, customer, amount) VALUES (5, 'Ken', 3.25)");
        browser.until("the page to count the 2 inserts", CAPTURE_WAIT, d -> "5".equals(field("events")));
        assertThat(liveText("#capture-status table tbody")).contains("public.orders");
        shot("capture-running");

        go(By.id("capture-stop"), By.id("capture-status"));
        browser.until("the capture to stop", d -> "stopped".equals(field("state")));
        assertThat(field("events")).isEqualTo("5");
        shot("capture-stopped");

        go(navLink("/captures"), By.cssSelector("tr[data-capture='" + CAPTURE + "']"));
        assertThat(text(By.cssSelector("tr[data-capture='" + CAPTURE + "']"))).contains("stopped", SLOT);
        shot("captures-list");
    }

    private void deleteTheConnection() {
        go(navLink("/admin/connections"), By.id("connections"));
        go(By.id("delete-" + CONN), By.id("confirm-delete"));
        assertThat(text(By.cssSelector("main h1"))).isEqualTo("Delete connection " + CONN + "?");
        shot("connection-delete-confirm");
        go(By.id("confirm-delete"), By.id("connections"));
        assertThat(text(By.cssSelector("main p.notice"))).isEqualTo("Deleted connection " + CONN + ".");
        assertThat(connIds()).containsExactly("billing_replica", "crm_prod");
        shot("connection-deleted");
    }

    // ---- what the user does

    private static By navLink(String href) {
        return By.cssSelector("header.top nav a[href='" + href + "']");
    }

    /** Clicks what loads a new page ({@link Browser#click}), waits for the old page to go, then for {@code then}. */
    private static void go(By target, By then) {
        WebElement old = browser.driver().findElement(By.tagName("html"));
        browser.click(target);
        browser.until("the page to change", d -> isGone(old));
        browser.waitUntilLoaded();
        browser.waitFor(then);
        remember("page " + browser.driver().getCurrentUrl());
    }

    /** Whether the old page's root is gone: stale, or (Chrome, mid-replacement) no longer in the document. */
    private static boolean isGone(WebElement old) {
        try {
            old.isEnabled();
            return false;
        }
        catch (org.openqa.selenium.StaleElementReferenceException e) {
            return true;
        }
        catch (org.openqa.selenium.WebDriverException e) {
            if (Browser.isDetachedNode(e)) {
                return true;
            }
            throw e;
        }
    }

    /** Clicks a catalog link (htmx swaps the view): waits for the view's heading to read {@code heading}. */
    private static void swap(By link, String heading) {
        browser.click(link);
        browser.until("the catalog heading '" + heading + "'",
                ExpectedConditions.textToBe(By.cssSelector("#catalog-view h1"), heading));
        remember("catalog view " + heading);
    }

    private static void type(String id, String value) {
        WebElement input = browser.driver().findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    /** Waits until the connection test's verdict is there and every step of it is OK. */
    private static void assertAllStepsOk() {
        WebElement verdict = browser.waitFor(By.id("test-verdict"));
        List<WebElement> steps = browser.driver().findElements(By.cssSelector("#test-steps li"));
        assertThat(steps).extracting(s -> s.getDomAttribute("data-step"))
                .containsExactly(TestStep.DNS, TestStep.TCP, TestStep.TLS, TestStep.AUTHENTICATION, TestStep.DATABASE,
                        TestStep.SERVER_VERSION);
        assertThat(steps).allSatisfy(s -> assertThat(s.getDomAttribute("data-status")).as(s.getText()).isEqualTo("OK"));
        assertThat(verdict.getText()).isEqualTo("Connection test passed");
        remember("test result on " + browser.driver().getCurrentUrl());
    }

    private static String text(By locator) {
        return browser.waitFor(locator).getText();
    }

    /** A figure of the capture's status ({@code data-field}), as the page shows it now. */
    private static String field(String name) {
        return liveText("#capture-status [data-field='" + name + "']");
    }

    /**
     * The text of an element htmx replaces every 2 s, read in one script (a found element may be swapped out before
     * WebDriver reads its text); empty while there is none.
     */
    private static String liveText(String css) {
        Object text = ((JavascriptExecutor) browser.driver()).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';", css);
        return String.valueOf(text);
    }

    private static List<String> connIds() {
        return browser.driver().findElements(By.cssSelector("#connections tbody tr")).stream()
                .map(tr -> tr.getDomAttribute("data-conn-id")).toList();
    }

    /** Column headings (name and type, on two lines in the page) as "name type". */
    private static List<String> headers(By locator) {
        return browser.driver().findElements(locator).stream().map(th -> th.getText().replaceAll("\\s+", " ")).toList();
    }

    private static List<List<String>> rows(By rowLocator) {
        return browser.driver().findElements(rowLocator).stream()
                .map(tr -> tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()).toList();
    }

    /** Saves the page as {@code webui-NN-name} and keeps its source for the password scan. */
    private static void shot(String name) {
        String file = String.format(Locale.ROOT, "webui-%02d-%s", ++shots, name);
        remember(file);
        browser.screenshot(file);
    }

    private static void remember(String what) {
        seen.add(Map.entry(what, browser.driver().getPageSource()));
    }

    // ---- the database, as the capture's role

    private static void sql(String... statements) {
        Properties p = new Properties();
        p.setProperty("user", role.name());
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", "disable");
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl(db.name()), p); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The capture's slot is held by a walsender (it streams). */
    private static boolean slotStreaming() {
        try (Connection c = PG.connect(db.name()); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM pg_catalog.pg_replication_slots s JOIN pg_catalog.pg_stat_activity a"
                     + " ON a.pid = s.active_pid WHERE a.backend_type = 'walsender' AND s.slot_name = '" + SLOT + "'")) {
            return rs.next() && rs.getInt(1) == 1;
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
