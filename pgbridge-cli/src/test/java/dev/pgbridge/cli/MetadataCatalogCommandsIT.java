package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.metadata.catalogstore.CatalogSink;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.store.SqlConnectionStore;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pgbridge metadata list|show|search|history|lineage} as a user runs them: the built launcher, after
 * {@code metadata run} filled the local catalog (no sink in the workflow: the {@code pgbridge} sink) in the SQLite store
 * under PGBRIDGE_HOME. Lineage and usage are added by hand-built requests (their workflows are not part of this test).
 */
@Timeout(300)
class MetadataCatalogCommandsIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase db;
    private static String service;

    @TempDir
    static Path home;

    @BeforeAll
    static void fillTheCatalog() throws Exception {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_cli_cat"), null);
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA sales;
                CREATE TABLE sales.customers (id int PRIMARY KEY, name text);
                CREATE TABLE sales.orders (id bigint PRIMARY KEY, customer_id int REFERENCES sales.customers (id),
                                           note varchar(20));
                COMMENT ON COLUMN sales.orders.note IS 'Free text from the customer';
                CREATE VIEW sales.big_orders AS SELECT id, note FROM sales.orders WHERE id > 10;
                CREATE SCHEMA hist;
                CREATE TABLE hist.changing (id int);
                """);
        service = "cli_pg";
        assertThat(ingest().exitCode()).isZero();
        String orders = fqn("sales", "orders");
        String bigOrders = fqn("sales", "big_orders");
        try (SqlConnectionStore store = SqlConnectionStore.sqlite(home.resolve("pgbridge.db"), () -> {
            throw new IllegalStateException("no key needed");
        }); CatalogSink sink = new CatalogSink(CatalogStore.open(store.database(), "default"), w -> { })) {
            sink.send(Requests.Request.put(new Requests.AddLineage(EntityRef.table(orders), EntityRef.table(bigOrders),
                    "SELECT id, note FROM sales.orders WHERE id > 10",
                    List.of(new Requests.ColumnLineage(List.of(orders + ".id"), bigOrders + ".id"),
                            new Requests.ColumnLineage(List.of(orders + ".note"), bigOrders + ".note")),
                    "ViewLineage")));
            sink.send(Requests.Request.usage(orders, new Requests.UsageRequest("2026-12-05", 12)));
        }
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    static String fqn(String schema, String table) {
        return service + "." + db.name() + "." + schema + "." + table;
    }

    static Cli cli() {
        String airflow = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name() + "?sslmode=disable";
        return new Cli(home).env("AIRFLOW_CONN_WAREHOUSE", airflow);
    }

    static Cli.Result ingest() throws Exception {
        Path config = home.resolve("workflow.yaml");
        Files.writeString(config, """
                source:
                  type: postgres
                  serviceName: cli_pg
                  serviceConnection:
                    config:
                      type: Postgres
                      connection: warehouse
                  sourceConfig:
                    config:
                      type: DatabaseMetadata
                      schemaFilterPattern: {includes: ['^sales$', '^hist$']}
                """);
        return cli().run("metadata", "run", "--config", config.toString());
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = cli().run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void listShowsEveryTableWithItsTypeAndState() throws Exception {
        Cli.Result table = ok("metadata", "list", "--schema", "sales");
        assertThat(table.out()).contains("fqn", "tableType", "state", fqn("sales", "orders"), "Regular", "View",
                "active", "(3 rows)");
        JsonNode json = JSON.readTree(ok("metadata", "list", "--format", "json").out());
        List<String> names = new ArrayList<>();
        json.forEach(t -> names.add(t.get("schema").asText() + "." + t.get("name").asText()));
        assertThat(names).containsExactly("hist.changing", "sales.big_orders", "sales.customers", "sales.orders");
        JsonNode orders = json.get(3);
        assertThat(orders.get("fqn").asText()).isEqualTo(fqn("sales", "orders"));
        assertThat(orders.get("tableType").asText()).isEqualTo("Regular");
        assertThat(orders.get("state").asText()).isEqualTo("active");
        assertThat(orders.get("version").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(ok("metadata", "list", "--deleted", "--format", "json").out())).isEmpty();
    }

    @Test
    void showPrintsColumnsConstraintsUsageAndLineage() throws Exception {
        Cli.Result table = ok("metadata", "show", "sales.orders");
        assertThat(table.out()).contains("Columns:", "customer_id", "character varying(20)", "PRIMARY_KEY",
                "Free text from the customer", "Table constraints:", "FOREIGN_KEY", "Usage", "2026-12-05", "12",
                "Downstream:", fqn("sales", "big_orders"), "ViewLineage");
        JsonNode json = JSON.readTree(ok("metadata", "show", db.name() + ".sales.orders", "--format", "json").out());
        assertThat(json.get("fqn").asText()).isEqualTo(fqn("sales", "orders"));
        assertThat(json.get("columns").get(0).get("constraint").asText()).isEqualTo("PRIMARY_KEY");
        assertThat(json.get("columns").get(2).get("dataType").asText()).isEqualTo("VARCHAR");
        assertThat(json.get("tableConstraints").get(0).get("constraintType").asText()).isEqualTo("FOREIGN_KEY");
        assertThat(json.get("usage").get(0).get("count").asInt()).isEqualTo(12);
        assertThat(json.get("downstream").get(0).get("fqn").asText()).isEqualTo(fqn("sales", "big_orders"));
        assertThat(json.get("upstream")).isEmpty();
        assertThat(json.has("rowEstimate")).isTrue();
        assertThat(json.has("owner")).isTrue();
    }

    @Test
    void searchFindsColumnsByDescriptionIgnoringCase() throws Exception {
        assertThat(ok("metadata", "search", "FREE TEXT").out()).contains("column", fqn("sales", "orders") + ".note",
                "description");
        JsonNode json = JSON.readTree(ok("metadata", "search", "big_ord", "--format", "json").out());
        assertThat(json).hasSize(1);
        assertThat(json.get(0).get("kind").asText()).isEqualTo("table");
        assertThat(json.get(0).get("fqn").asText()).isEqualTo(fqn("sales", "big_orders"));
    }

    @Test
    void historyShowsWhatChangedBetweenRuns() throws Exception {
        SERVER.executeIn(db.name(), "ALTER TABLE hist.changing ADD COLUMN added_at timestamptz");
        assertThat(ingest().exitCode()).isZero();
        Cli.Result table = ok("metadata", "history", "hist.changing");
        assertThat(table.out()).contains("created", "added columns.added_at (timestamp with time zone)",
                "(2 rows)");
        JsonNode json = JSON.readTree(ok("metadata", "history", "hist.changing", "--format", "json").out());
        assertThat(json.get(0).get("changeDescription").isNull()).isTrue();
        JsonNode added = json.get(1).get("changeDescription").get("fieldsAdded").get(0);
        assertThat(added.get("name").asText()).isEqualTo("columns.added_at");
        assertThat(added.get("newValue").asText()).isEqualTo("timestamp with time zone");
        assertThat(json.get(1).get("version").asInt()).isEqualTo(2);
    }

    @Test
    void lineageWalksTheStoredGraphWithColumns() throws Exception {
        assertThat(ok("metadata", "lineage", "sales.orders", "--downstream").out())
                .contains("downstream", fqn("sales", "orders"), fqn("sales", "big_orders"), "ViewLineage");
        assertThat(ok("metadata", "lineage", "sales.big_orders", "--upstream", "--columns").out())
                .contains(fqn("sales", "orders") + ".note", fqn("sales", "big_orders") + ".note");
        JsonNode json = JSON.readTree(ok("metadata", "lineage", "sales.big_orders", "--upstream", "--depth", "2",
                "--columns", "--format", "json").out());
        assertThat(json).hasSize(1);
        assertThat(json.get(0).get("from").asText()).isEqualTo(fqn("sales", "orders"));
        assertThat(json.get(0).get("depth").asInt()).isEqualTo(1);
        assertThat(json.get(0).get("columns").get(1).get("toColumn").asText())
                .isEqualTo(fqn("sales", "big_orders") + ".note");
        assertThat(JSON.readTree(ok("metadata", "lineage", "sales.customers", "--format", "json").out())).isEmpty();
    }

    @Test
    void anUnknownNameIsOneErrorWithTheNearestName() {
        Cli.Result r = cli().run("metadata", "show", "sales.ordrs");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().lines().toList()).containsExactly(
                "error: no table 'sales.ordrs' in the local catalog",
                "hint: did you mean sales.orders?");
        Cli.Result depth = cli().run("metadata", "lineage", "sales.orders", "--depth", "0");
        assertThat(depth.exitCode()).as(depth.toString()).isEqualTo(2);
    }
}
