package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** schemas, tables, columns and preview run as a user runs them: the built launcher against a real server. */
@Timeout(300)
class CatalogCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static TestDatabase db;

    @TempDir
    Path home;

    @BeforeAll
    static void createFixture() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_cli_catalog"), null);
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA sales;
                COMMENT ON SCHEMA sales IS 'Sales data';
                CREATE SCHEMA "Sales";
                CREATE TYPE sales.status AS ENUM ('new', 'paid');
                CREATE TABLE sales.orders (
                    id bigint PRIMARY KEY,
                    status sales.status NOT NULL DEFAULT 'new',
                    amount numeric(10,2),
                    note varchar(20),
                    tags text[]
                );
                COMMENT ON TABLE sales.orders IS 'All orders';
                COMMENT ON COLUMN sales.orders.amount IS 'Net amount';
                INSERT INTO sales.orders (id, amount, note, tags)
                SELECT g, g * 1.25, 'n' || g, ARRAY['x', 'y'] FROM generate_series(1, 30) g;
                CREATE VIEW sales.big_orders AS SELECT id, amount FROM sales.orders WHERE amount > 20;
                CREATE MATERIALIZED VIEW sales.totals AS SELECT count(*) AS n FROM sales.orders;
                CREATE TABLE sales.events (id int, at date NOT NULL) PARTITION BY RANGE (at);
                CREATE TABLE sales.events_2023 PARTITION OF sales.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
                CREATE TABLE sales.events_2024 PARTITION OF sales.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                CREATE TABLE sales.events_2025 PARTITION OF sales.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
                INSERT INTO sales.events SELECT g, date '2023-01-01' + g FROM generate_series(1, 900) g;
                CREATE TABLE "Sales"."Orders" ("Id" int PRIMARY KEY, "Customer Name" text);
                INSERT INTO "Sales"."Orders" VALUES (1, 'Ada, "the" Countess'), (2, NULL), (3, '');
                ANALYZE;
                """);
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    private static String url() {
        return "postgresql://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8).replace("+", "%20")
                + "@" + SERVER.host() + ":" + SERVER.port() + "/" + db.name() + "?sslmode=disable";
    }

    private Cli cli() {
        return new Cli(home).env("CATALOG_URL", url());
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.get(field).asText())) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + " = " + value + " in " + array);
    }

    @Test
    void schemasInTableAndJsonForm() throws Exception {
        Cli cli = cli();
        Cli.Result table = ok(cli.run("schemas", "--url-env", "CATALOG_URL"));
        assertThat(table.out()).contains("name").contains("owner").contains("Sales data").contains("(3 rows)")
                .doesNotContain("pg_catalog");

        JsonNode json = JSON.readTree(ok(cli.run("schemas", "--url-env", "CATALOG_URL", "--format", "json")).out());
        assertThat(json).extracting(n -> n.get("name").asText()).containsExactly("Sales", "public", "sales");
        assertThat(fieldNames(json.get(0))).containsExactly("name", "owner", "tables", "comment");
        JsonNode sales = find(json, "name", "sales");
        assertThat(sales.get("tables").asInt()).as("orders, big_orders, totals, events; partitions not counted").isEqualTo(4);
        assertThat(sales.get("comment").asText()).isEqualTo("Sales data");
        assertThat(find(json, "name", "Sales").get("comment").isNull()).isTrue();

        JsonNode all = JSON.readTree(ok(cli.run("schemas", "--url-env", "CATALOG_URL", "--include-system", "--format", "json")).out());
        assertThat(all).extracting(n -> n.get("name").asText()).contains("pg_catalog", "information_schema");
        assertThat(cli.everythingWritten()).doesNotContain(SERVER.superuserPassword());
    }

    @Test
    void tablesInTableJsonAndCsvFormWithPartitionsFolded() throws Exception {
        Cli cli = cli();
        Cli.Result table = ok(cli.run("tables", "--url-env", "CATALOG_URL", "--schema", "sales"));
        assertThat(table.out().lines().findFirst().orElseThrow())
                .matches("schema +\\| name +\\| kind +\\| owner +\\| rows +\\| size +\\| partitions +\\| comment");
        assertThat(table.out()).contains("partitioned table").contains("materialized view").contains("All orders")
                .contains(" kB").contains("(4 rows)").doesNotContain("events_2023")
                // the one number format of every command (Figures): decimal units with one decimal, not pg_size_pretty
                .containsPattern("\\| \\d+\\.\\d kB +\\|");

        JsonNode json = JSON.readTree(ok(cli.run("tables", "--url-env", "CATALOG_URL", "--schema", "sales", "--format", "json")).out());
        assertThat(json).extracting(n -> n.get("name").asText()).containsExactly("big_orders", "events", "orders", "totals");
        assertThat(fieldNames(json.get(0))).containsExactly("schema", "name", "kind", "owner", "estimated_rows",
                "size_bytes", "partitions", "comment");
        JsonNode events = find(json, "name", "events");
        assertThat(events.get("kind").asText()).isEqualTo("partitioned table");
        assertThat(events.get("partitions").asInt()).isEqualTo(3);
        assertThat(events.get("estimated_rows").isIntegralNumber()).isTrue();
        assertThat(events.get("estimated_rows").asLong()).isEqualTo(900);
        assertThat(events.get("size_bytes").asLong()).isPositive();
        JsonNode view = find(json, "name", "big_orders");
        assertThat(view.get("kind").asText()).isEqualTo("view");
        assertThat(view.get("size_bytes").isNull()).isTrue();
        assertThat(view.get("partitions").isNull()).isTrue();
        assertThat(find(json, "name", "orders").get("estimated_rows").asLong()).isEqualTo(30);

        // --schema is read as in SQL: quoted keeps its case
        JsonNode mixed = JSON.readTree(ok(cli.run("tables", "--url-env", "CATALOG_URL", "--schema", "\"Sales\"", "--format", "json")).out());
        assertThat(mixed).hasSize(1);
        assertThat(mixed.get(0).get("name").asText()).isEqualTo("Orders");

        Cli.Result csv = ok(cli.run("tables", "--url-env", "CATALOG_URL", "--schema", "sales", "--format", "csv"));
        assertThat(csv.out()).startsWith("schema,name,kind,owner,estimated_rows,size_bytes,partitions,comment\r\n");
        assertThat(csv.out()).contains("\r\nsales,big_orders,view," + SERVER.superuser() + ",,,,\r\n");

        // every user schema when none is given
        JsonNode every = JSON.readTree(ok(cli.run("tables", "--url-env", "CATALOG_URL", "--format", "json")).out());
        assertThat(every).extracting(n -> n.get("schema").asText() + "." + n.get("name").asText())
                .containsExactly("Sales.Orders", "sales.big_orders", "sales.events", "sales.orders", "sales.totals");
    }

    @Test
    void columnsInTableAndJsonForm() throws Exception {
        Cli cli = cli();
        Cli.Result table = ok(cli.run("columns", "--url-env", "CATALOG_URL", "sales.orders"));
        assertThat(table.out()).startsWith("Columns of sales.orders\n")
                .contains("numeric(10,2)").contains("character varying(20)").contains("text[]").contains("sales.status")
                .contains("'new'::sales.status").contains("Net amount").contains("(5 rows)");

        JsonNode json = JSON.readTree(ok(cli.run("columns", "--url-env", "CATALOG_URL", "Sales.Orders", "--format", "json")).out());
        assertThat(fieldNames(json.get(0))).containsExactly("position", "name", "type", "nullable", "default", "primary_key", "comment");
        assertThat(json).extracting(n -> n.get("name").asText()).containsExactly("id", "status", "amount", "note", "tags");
        assertThat(json.get(0).get("primary_key").asBoolean()).isTrue();
        assertThat(json.get(0).get("nullable").asBoolean()).isFalse();
        assertThat(json.get(0).get("position").asInt()).isEqualTo(1);
        assertThat(json.get(2).get("primary_key").asBoolean()).isFalse();
        assertThat(json.get(2).get("nullable").asBoolean()).isTrue();
        assertThat(json.get(2).get("default").isNull()).isTrue();

        JsonNode quoted = JSON.readTree(ok(cli.run("columns", "--url-env", "CATALOG_URL", "\"Sales\".\"Orders\"", "--format", "json")).out());
        assertThat(quoted).extracting(n -> n.get("name").asText()).containsExactly("Id", "Customer Name");
    }

    @Test
    void previewPrintsTheFirstRowsWithColumnNamesExactly() throws Exception {
        Cli cli = cli();
        Cli.Result table = ok(cli.run("preview", "--url-env", "CATALOG_URL", "sales.orders"));
        assertThat(table.out()).contains("(20 rows)").contains("{x,y}");
        Cli.Result limited = ok(cli.run("preview", "--url-env", "CATALOG_URL", "sales.orders", "--limit", "3"));
        assertThat(limited.out()).contains("(3 rows)");

        JsonNode json = JSON.readTree(ok(cli.run("preview", "--url-env", "CATALOG_URL", "\"Sales\".\"Orders\"", "--format", "json")).out());
        assertThat(json).hasSize(3);
        assertThat(fieldNames(json.get(0))).containsExactly("Id", "Customer Name");
        JsonNode two = find(json, "Id", "2");
        assertThat(two.get("Customer Name").isNull()).isTrue();
        assertThat(find(json, "Id", "3").get("Customer Name").asText()).isEmpty();

        Cli.Result csv = ok(cli.run("preview", "--url-env", "CATALOG_URL", "\"Sales\".\"Orders\"", "--format", "csv"));
        List<String> lines = List.of(csv.out().split("\r\n", -1));
        assertThat(lines.get(0)).isEqualTo("Id,Customer Name");
        // RFC 4180: NULL is an empty unquoted field, the empty string is "", quotes doubled
        assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder(
                "1,\"Ada, \"\"the\"\" Countess\"", "2,", "3,\"\"", "");

        Cli.Result negative = cli.run("preview", "--url-env", "CATALOG_URL", "sales.orders", "--limit", "-1");
        assertThat(negative.exitCode()).as(negative.toString()).isEqualTo(2);
        assertThat(negative.err()).contains("--limit");
    }

    @Test
    void aConnectionIdFromTheEnvironmentWorksToo() throws Exception {
        String airflow = "postgres://" + SERVER.superuser() + ":" + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8)
                + "@" + SERVER.host() + ":" + SERVER.port() + "/" + db.name() + "?sslmode=disable";
        Cli cli = cli().env("AIRFLOW_CONN_WAREHOUSE", airflow);
        JsonNode json = JSON.readTree(ok(cli.run("tables", "--conn", "warehouse", "--schema", "sales", "--format", "json")).out());
        assertThat(json).hasSize(4);
        assertThat(cli.everythingWritten()).doesNotContain(SERVER.superuserPassword());
    }

    @Test
    void aMissingTableOrSchemaIsOneErrorLineAndADidYouMeanHint() {
        Cli cli = cli();
        Cli.Result table = cli.run("columns", "--url-env", "CATALOG_URL", "sales.ordrs");
        assertThat(table.exitCode()).as(table.toString()).isEqualTo(1);
        assertThat(table.out()).isEmpty();
        assertThat(table.err().lines().toList()).containsExactly(
                "error: table sales.ordrs does not exist",
                "hint: did you mean sales.orders or \"Sales\".\"Orders\"? (double quotes keep the case of a name; in a shell, "
                        + "put the whole name in single quotes: '\"Sales\".\"Orders\"')");

        Cli.Result folded = cli.run("preview", "--url-env", "CATALOG_URL", "Sales.Order");
        assertThat(folded.exitCode()).isEqualTo(1);
        assertThat(folded.err()).startsWith("error: table sales.order does not exist\nhint: did you mean sales.orders");

        Cli.Result schema = cli.run("tables", "--url-env", "CATALOG_URL", "--schema", "Sale");
        assertThat(schema.exitCode()).isEqualTo(1);
        assertThat(schema.err().lines().toList()).containsExactly(
                "error: schema sale does not exist",
                "hint: did you mean sales or \"Sales\"? (double quotes keep the case of a name; in a shell, put the whole "
                        + "name in single quotes: '\"Sales\"')");
    }

    @Test
    void aMalformedNameIsRejectedBeforeConnecting() {
        Cli.Result r = new Cli(home).run("columns", "--url", "postgresql://nobody@127.0.0.1:1/none", "\"Sales");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: invalid name '\"Sales': the double quote at position 1 is never closed\nhint: ");
    }
}
