package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.metadata.openmetadata.OpenMetadataTestServer;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three workflows together, as a user runs them through the built launcher into the local catalog (no sink): the
 * metadata workflow, a workload, the usage and the lineage workflow, then {@code metadata show|lineage|list|history}
 * read back what the three wrote, on a database with mixed-case names, a view, a materialized view, a partitioned
 * table and a foreign key. The tests run in order: each builds on the catalog the previous ones filled.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetadataEndToEndIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = "e2e_pg";
    private static final String JOIN = "SELECT c.\"Name\", o.amount FROM \"Sales\".\"Orders\" o "
            + "JOIN \"Sales\".\"Customers\" c ON c.id = o.customer_id";
    private static final String INSERT = "INSERT INTO \"Sales\".report (customer_id, total) "
            + "SELECT customer_id, total FROM \"Sales\".customer_totals";
    private static final String ARCHIVE = "INSERT INTO \"Sales\".\"v2.archive\" (id, amount) "
            + "SELECT id, amount FROM \"Sales\".\"Orders\"";
    private static TestDatabase db;

    @TempDir
    static Path home;

    @BeforeAll
    static void createFixture() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_e2e"), null);
        SERVER.executeIn(db.name(), """
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                CREATE SCHEMA "Sales";
                CREATE TABLE "Sales"."Customers" (id int PRIMARY KEY, "Name" text);
                CREATE TABLE "Sales"."Orders" (id int PRIMARY KEY,
                                               customer_id int REFERENCES "Sales"."Customers" (id),
                                               amount numeric(10,2), status varchar(10));
                CREATE TABLE "Sales".events (id int, at date, kind text) PARTITION BY RANGE (at);
                CREATE TABLE "Sales".events_2026 PARTITION OF "Sales".events
                    FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                CREATE VIEW "Sales"."BigOrders" AS
                    SELECT o.id, o.amount, c."Name" FROM "Sales"."Orders" o
                    JOIN "Sales"."Customers" c ON c.id = o.customer_id WHERE o.amount > 100;
                CREATE MATERIALIZED VIEW "Sales".customer_totals AS
                    SELECT customer_id, sum(amount) AS total FROM "Sales"."Orders" GROUP BY customer_id;
                CREATE TABLE "Sales".report (customer_id int, total numeric);
                CREATE TABLE "Sales".scratch (id int);
                CREATE TABLE "Sales"."v2.archive" (id int, amount numeric);
                INSERT INTO "Sales"."Customers" VALUES (1, 'Ann'), (2, 'Bo');
                INSERT INTO "Sales"."Orders" VALUES (1, 1, 150, 'new'), (2, 2, 20, 'paid');
                """);
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    static String fqn(String table) {
        return SERVICE + "." + db.name() + ".Sales." + table;
    }

    static Cli cli() {
        String airflow = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name() + "?sslmode=disable";
        return new Cli(home).env("AIRFLOW_CONN_WAREHOUSE", airflow);
    }

    static Cli.Result run(String name, String sourceType, String config) throws Exception {
        Path file = home.resolve(name + ".yaml");
        Files.writeString(file, """
                source:
                  type: %s
                  serviceName: %s
                  serviceConnection: {config: {type: Postgres, connection: warehouse}}
                  sourceConfig:
                    config: %s
                """.formatted(sourceType, SERVICE, config));
        Cli cli = cli();
        Cli.Result r = cli.run("metadata", "run", "--config", file.toString());
        assertThat(cli.everythingWritten()).doesNotContain(SERVER.superuserPassword());
        return r;
    }

    static Cli.Result ingest() throws Exception {
        return run("metadata", "postgres", "{type: DatabaseMetadata, schemaFilterPattern: {includes: ['^Sales$']}}");
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = cli().run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private static JsonNode json(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--format", "json"));
        return JSON.readTree(ok(all.toArray(String[]::new)).out());
    }

    @Test
    @Order(1)
    void theThreeWorkflowsFillTheLocalCatalog() throws Exception {
        Cli.Result metadata = ingest();
        assertThat(metadata.exitCode()).as(metadata.toString()).isZero();

        SERVER.executeIn(db.name(), "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database "
                + "WHERE datname = current_database()), 0)");
        try (Connection c = SERVER.connect(db.name()); Statement s = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                s.execute(JOIN);
            }
            s.execute(INSERT);
            s.execute(ARCHIVE);
        }

        Cli.Result usage = run("usage", "postgres-usage", "{type: DatabaseUsage, queryLogDuration: 1}");
        assertThat(usage.exitCode()).as(usage.toString()).isZero();
        assertThat(usage.out()).contains("Workflow finished successfully").doesNotContain("does not keep");
        Cli.Result lineage = run("lineage", "postgres-lineage",
                "{type: DatabaseLineage, schemaFilterPattern: {includes: ['^Sales$']}}");
        assertThat(lineage.exitCode()).as(lineage.toString()).isZero();
        assertThat(lineage.out()).contains("Workflow finished successfully").doesNotContain("does not keep");
    }

    @Test
    @Order(2)
    void listShowsEveryRelationWithItsTypeAndState() throws Exception {
        JsonNode list = json("metadata", "list");
        List<String> rows = new ArrayList<>();
        list.forEach(t -> rows.add(t.get("fqn").asText() + " " + t.get("tableType").asText() + " "
                + t.get("state").asText() + " " + t.get("version").asInt()));
        // partitions folded into their root
        assertThat(rows).containsExactly(
                fqn("\"v2.archive\"") + " Regular active 1",
                fqn("BigOrders") + " View active 1",
                fqn("Customers") + " Regular active 1",
                fqn("Orders") + " Regular active 1",
                fqn("customer_totals") + " MaterializedView active 1",
                fqn("events") + " Partitioned active 1",
                fqn("report") + " Regular active 1",
                fqn("scratch") + " Regular active 1");
        JsonNode orders = list.get(3);
        assertThat(orders.get("service").asText()).isEqualTo(SERVICE);
        assertThat(orders.get("database").asText()).isEqualTo(db.name());
        assertThat(orders.get("schema").asText()).isEqualTo("Sales");
        assertThat(orders.get("name").asText()).isEqualTo("Orders");
    }

    @Test
    @Order(3)
    void showHasTheUsageCountsAndBothDirectionsOfLineage() throws Exception {
        JsonNode orders = json("metadata", "show", "Sales.Orders");
        assertThat(orders.get("fqn").asText()).isEqualTo(fqn("Orders"));
        assertThat(orders.get("state").asText()).isEqualTo("active");
        assertThat(orders.get("tableConstraints")).hasSize(1);
        JsonNode fk = orders.get("tableConstraints").get(0);
        assertThat(fk.get("constraintType").asText()).isEqualTo("FOREIGN_KEY");
        assertThat(fk.get("columns").toString()).isEqualTo("[\"customer_id\"]");
        assertThat(fk.get("referredColumns").toString()).isEqualTo("[\"" + fqn("Customers") + ".id\"]");
        JsonNode usage = orders.get("usage");
        assertThat(usage).as(orders.toString()).hasSize(1);
        assertThat(usage.get(0).get("count").asInt()).as("the join ran 3 times, the archiving INSERT once")
                .isEqualTo(4);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(usage.get(0).get("date").asText()).isIn(today.toString(), today.minusDays(1).toString());
        assertThat(orders.get("upstream")).isEmpty();
        List<String> downstream = new ArrayList<>();
        orders.get("downstream").forEach(d -> downstream.add(d.get("fqn").asText() + " " + d.get("source").asText()));
        assertThat(downstream).containsExactlyInAnyOrder(fqn("BigOrders") + " ViewLineage",
                fqn("customer_totals") + " ViewLineage", fqn("\"v2.archive\"") + " QueryLineage");

        JsonNode report = json("metadata", "show", "sales.report");
        assertThat(report.get("fqn").asText()).isEqualTo(fqn("report"));
        assertThat(report.get("usage")).hasSize(1);
        assertThat(report.get("usage").get(0).get("count").asInt()).isEqualTo(1);
        assertThat(report.get("downstream")).isEmpty();
        assertThat(report.get("upstream")).hasSize(1);
        JsonNode up = report.get("upstream").get(0);
        assertThat(up.get("fqn").asText()).isEqualTo(fqn("customer_totals"));
        assertThat(up.get("source").asText()).isEqualTo("QueryLineage");
        assertThat(up.get("columns").toString()).isEqualTo("[{\"fromColumns\":[\"" + fqn("customer_totals")
                + ".customer_id\"],\"toColumn\":\"" + fqn("report") + ".customer_id\"},{\"fromColumns\":[\""
                + fqn("customer_totals") + ".total\"],\"toColumn\":\"" + fqn("report") + ".total\"}]");

        // a table name holding a dot: quoted in its FQN, the same in the usage and lineage the workflows keyed
        JsonNode archive = json("metadata", "show", "Sales.\"v2.archive\"");
        assertThat(archive.get("fqn").asText()).isEqualTo(fqn("\"v2.archive\""));
        assertThat(archive.get("name").asText()).isEqualTo("v2.archive");
        assertThat(archive.get("usage").get(0).get("count").asInt()).isEqualTo(1);
        assertThat(archive.get("upstream").get(0).get("fqn").asText()).isEqualTo(fqn("Orders"));
        List<String> archiveColumns = new ArrayList<>();
        archive.get("upstream").get(0).get("columns").forEach(c -> archiveColumns.add(c.get("fromColumns").toString()
                + " -> " + c.get("toColumn").asText()));
        assertThat(archiveColumns).containsExactly(
                "[\"" + fqn("Orders") + ".amount\"] -> " + fqn("\"v2.archive\"") + ".amount",
                "[\"" + fqn("Orders") + ".id\"] -> " + fqn("\"v2.archive\"") + ".id");

        JsonNode customers = json("metadata", "show", "Sales.Customers");
        assertThat(customers.get("usage").get(0).get("count").asInt()).isEqualTo(3);
        assertThat(customers.get("columns").get(1).get("name").asText()).isEqualTo("Name");

        Cli.Result table = ok("metadata", "show", "Sales.Orders");
        assertThat(table.out()).contains("Usage", "Downstream:", fqn("BigOrders"), fqn("customer_totals"),
                "ViewLineage", "FOREIGN_KEY");
    }

    @Test
    @Order(4)
    void lineageWalksViewAndQueryEdgesTwoDeep() throws Exception {
        JsonNode up = json("metadata", "lineage", "Sales.report", "--upstream", "--depth", "2");
        List<String> edges = new ArrayList<>();
        up.forEach(e -> edges.add(e.get("direction").asText() + " " + e.get("depth").asInt() + " "
                + e.get("from").asText() + " -> " + e.get("to").asText() + " " + e.get("source").asText()));
        assertThat(edges).containsExactly(
                "upstream 1 " + fqn("customer_totals") + " -> " + fqn("report") + " QueryLineage",
                "upstream 2 " + fqn("Orders") + " -> " + fqn("customer_totals") + " ViewLineage");
        assertThat(up.get(0).get("sqlQuery").asText()).isEqualTo(INSERT);
        assertThat(up.get(1).get("sqlQuery").asText())
                .startsWith("CREATE MATERIALIZED VIEW \"Sales\".\"customer_totals\" AS")
                .contains("FROM \"Sales\".\"Orders\"");
        assertThat(up.get(0).has("columns")).isFalse();
        assertThat(json("metadata", "lineage", "Sales.report", "--upstream", "--depth", "1")).hasSize(1);

        JsonNode down = json("metadata", "lineage", "Sales.Orders", "--downstream", "--depth", "2", "--columns");
        List<String> columns = new ArrayList<>();
        down.forEach(e -> e.get("columns").forEach(c -> columns.add(e.get("depth").asInt() + " "
                + c.get("fromColumns").toString() + " -> " + c.get("toColumn").asText())));
        assertThat(columns).contains(
                "1 [\"" + fqn("Orders") + ".amount\"] -> " + fqn("BigOrders") + ".amount",
                "1 [\"" + fqn("Orders") + ".amount\"] -> " + fqn("\"v2.archive\"") + ".amount",
                "1 [\"" + fqn("Orders") + ".amount\"] -> " + fqn("customer_totals") + ".total",
                "2 [\"" + fqn("customer_totals") + ".total\"] -> " + fqn("report") + ".total");
        List<String> tables = new ArrayList<>();
        down.forEach(e -> tables.add(e.get("depth").asInt() + " " + e.get("to").asText()));
        assertThat(tables).containsExactlyInAnyOrder("1 " + fqn("BigOrders"), "1 " + fqn("customer_totals"),
                "1 " + fqn("\"v2.archive\""), "2 " + fqn("report"));
        assertThat(tables.getLast()).as("nearest first").isEqualTo("2 " + fqn("report"));

        Cli.Result table = ok("metadata", "lineage", "Sales.Orders", "--downstream", "--depth", "2");
        assertThat(table.out()).contains(fqn("report"), "QueryLineage", "ViewLineage");
    }

    @Test
    @Order(5)
    void aRerunMarksTheDroppedTableDeletedAndKeepsTheRetypedColumnsHistory() throws Exception {
        SERVER.executeIn(db.name(), """
                DROP TABLE "Sales".scratch;
                ALTER TABLE "Sales"."Orders" ALTER COLUMN status TYPE text;
                """);
        Cli.Result again = ingest();
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("Deleted records: 1", fqn("scratch"));

        JsonNode deleted = json("metadata", "list", "--deleted");
        assertThat(deleted).hasSize(1);
        assertThat(deleted.get(0).get("fqn").asText()).isEqualTo(fqn("scratch"));
        assertThat(deleted.get(0).get("state").asText()).isEqualTo("deleted");
        assertThat(deleted.get(0).get("version").asInt()).isEqualTo(2);
        assertThat(json("metadata", "list")).hasSize(7);
        assertThat(json("metadata", "list", "--all")).hasSize(8);
        assertThat(ok("metadata", "list", "--all").out()).contains("deleted", "active");

        JsonNode history = json("metadata", "history", "Sales.Orders");
        assertThat(history).hasSize(2);
        assertThat(history.get(1).get("version").asInt()).isEqualTo(2);
        JsonNode change = history.get(1).get("changeDescription");
        assertThat(change.get("previousVersion").asInt()).isEqualTo(1);
        assertThat(change.get("fieldsAdded")).isEmpty();
        assertThat(change.get("fieldsDeleted")).isEmpty();
        List<String> updated = new ArrayList<>();
        change.get("fieldsUpdated").forEach(f -> updated.add(f.get("name").asText() + ": "
                + f.get("oldValue").asText() + " -> " + f.get("newValue").asText()));
        assertThat(updated).contains("columns.status.dataType: VARCHAR -> TEXT",
                "columns.status.dataTypeDisplay: character varying(10) -> text");
        assertThat(ok("metadata", "history", "Sales.Orders").out())
                .contains("updated columns.status.dataType: VARCHAR → TEXT");

        // usage and lineage survive a re-run of the metadata workflow
        JsonNode orders = json("metadata", "show", "Sales.Orders");
        assertThat(orders.get("version").asInt()).isEqualTo(2);
        assertThat(orders.get("usage").get(0).get("count").asInt()).isEqualTo(4);
        assertThat(orders.get("downstream")).hasSize(3);
    }

    @Test
    @Order(6)
    void aRoleOutsidePgReadAllStatsIsOneErrorWithItsHint() throws Exception {
        try (TestRole analyst = SERVER.createRole(TestingPostgres.uniqueName("pgb_e2e_analyst"), "an4lyst-secret")) {
            Path file = home.resolve("analyst.yaml");
            Files.writeString(file, """
                    source:
                      type: postgres-usage
                      serviceName: %s
                      serviceConnection: {config: {type: Postgres, connection: analyst}}
                      sourceConfig: {config: {type: DatabaseUsage}}
                    """.formatted(SERVICE));
            Cli cli = cli().env("AIRFLOW_CONN_ANALYST", "postgres://" + analyst.name() + ":an4lyst-secret@"
                    + SERVER.host() + ":" + SERVER.port() + "/" + db.name() + "?sslmode=disable");
            Cli.Result r = cli.run("metadata", "run", "--config", file.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            List<String> errors = r.out().lines().filter(l -> l.startsWith("    - ")).toList();
            assertThat(errors).as(r.toString()).singleElement().asString()
                    .contains("is not a member of pg_read_all_stats")
                    .contains("(hint: ")
                    .contains("GRANT pg_read_all_stats TO \"" + analyst.name() + "\";");
            assertThat(r.out()).contains("Workflow finished with failures");
            assertThat(cli.everythingWritten()).doesNotContain("an4lyst-secret");
        }
    }

    @Test
    @Order(7)
    void aLoggedStatementTheParserCannotReadIsAWarningAndTheRunGoesOn() throws Exception {
        SERVER.executeIn(db.name(), "CREATE TABLE \"Sales\".order_clone AS TABLE \"Sales\".\"Orders\"");
        Cli.Result r = run("lineage_bad", "postgres-lineage",
                "{type: DatabaseLineage, schemaFilterPattern: {includes: ['^Sales$']}}");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("cannot parse 'CREATE TABLE \"Sales\".order_clone AS TABLE \"Sales\".\"Orders\"'",
                "left out", "Errors: 0", "Workflow finished successfully");
        assertThat(r.err()).isEmpty();
    }

    @Test
    @Order(8)
    void aUsageRunIntoOpenMetadataWithAWrongTokenIsExitCode1AndPrintsNoToken() throws Exception {
        String token = "eyJhbGciOiJSUzI1NiJ9.e2e-bot.c2lnbmF0dXJl";
        String wrong = "eyJhbGciOiJSUzI1NiJ9.revoked-e2e-bot.cmV2b2tlZA";
        try (OpenMetadataTestServer om = OpenMetadataTestServer.start(token)) {
            Path file = home.resolve("usage_rest.yaml");
            Files.writeString(file, """
                    source:
                      type: postgres-usage
                      serviceName: %s
                      serviceConnection: {config: {type: Postgres, connection: warehouse}}
                      sourceConfig: {config: {type: DatabaseUsage}}
                    sink: {type: metadata-rest, config: {}}
                    workflowConfig:
                      openMetadataServerConfig:
                        hostPort: %s
                        authProvider: openmetadata
                        securityConfig: {jwtToken: '${OM_TOKEN}'}
                    """.formatted(SERVICE, om.hostPort()));
            Cli cli = cli().env("OM_TOKEN", wrong).env("PGBRIDGE_LOG_LEVEL", "DEBUG");
            Cli.Result r = cli.run("metadata", "run", "--config", file.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).contains("with 401", "the token is invalid or expired",
                    "Workflow finished with failures");
            assertThat(om.transcript()).isEmpty();
            assertThat(cli.everythingWritten()).doesNotContain(wrong).doesNotContain(token)
                    .doesNotContain(SERVER.superuserPassword());
        }
    }
}
