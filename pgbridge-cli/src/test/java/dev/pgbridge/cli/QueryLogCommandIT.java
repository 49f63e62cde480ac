package dev.pgbridge.cli;

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
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pgbridge metadata run} with a usage and with a lineage workflow, end to end through the built launcher, on a
 * server with {@code pg_stat_statements} loaded (the test server preloads it, like {@code pgbridge demo}).
 */
@Timeout(300)
class QueryLogCommandIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static TestDatabase db;

    @TempDir
    Path home;

    @BeforeAll
    static void createFixtureAndWorkload() throws SQLException {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_cli_usage"), null);
        SERVER.executeIn(db.name(), """
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                CREATE SCHEMA shop;
                CREATE TABLE shop.customers (id int PRIMARY KEY, name text);
                CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int, amount numeric);
                CREATE TABLE shop.daily (customer_id int, amount numeric);
                CREATE VIEW shop.named_orders AS
                  SELECT o.id, c.name FROM shop.orders o JOIN shop.customers c ON c.id = o.customer_id;
                """);
        SERVER.executeIn(db.name(), "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database "
                + "WHERE datname = current_database()), 0)");
        try (Connection c = SERVER.connect(db.name()); Statement s = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                s.execute("SELECT c.name FROM shop.orders o JOIN shop.customers c ON c.id = o.customer_id");
            }
            s.execute("INSERT INTO shop.daily SELECT customer_id, sum(amount) FROM shop.orders GROUP BY customer_id");
        }
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void usageWorkflowEndToEnd() throws Exception {
        Path out = home.resolve("usage.jsonl");
        Path config = home.resolve("usage.yaml");
        Files.writeString(config, """
                source:
                  type: postgres-usage
                  serviceName: local_pg
                  serviceConnection: {config: {type: Postgres, connection: warehouse}}
                  sourceConfig:
                    config: {type: DatabaseUsage, queryLogDuration: 1, resultLimit: 100}
                processor: {type: query-parser, config: {}}
                stage: {type: table-usage, config: {filename: /tmp/query_log}}
                bulkSink: {type: metadata-usage, config: {filename: /tmp/query_log}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(out));
        Cli cli = cli();
        Cli.Result r = cli.run("metadata", "run", "--config", config.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Workflow Source Summary:", "Workflow finished successfully");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("{\"method\":\"PUT\",\"path\":\"/v1/queries\"")
                .contains("JOIN shop.customers").contains("\"usedBy\":[\"" + SERVER.superuser() + "\"]"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("{\"method\":\"POST\",\"path\":\"/v1/usage/table/")
                .contains("\"count\":4"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("/joins").contains("local_pg." + db.name()
                + ".shop.customers.id"));
        assertThat(cli.everythingWritten()).doesNotContain(SERVER.superuserPassword());
    }

    @Test
    void lineageWorkflowEndToEnd() throws Exception {
        Path out = home.resolve("lineage.jsonl");
        Path config = home.resolve("lineage.yaml");
        Files.writeString(config, """
                source:
                  type: postgres-lineage
                  serviceName: local_pg
                  serviceConnection: {config: {type: Postgres, connection: warehouse}}
                  sourceConfig:
                    config: {type: DatabaseLineage, schemaFilterPattern: {includes: ['^shop$']}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(out));
        Cli.Result r = cli().run("metadata", "run", "--config", config.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("{\"method\":\"PUT\",\"path\":\"/v1/lineage\""));
        assertThat(lines.stream().filter(l -> l.contains("\"source\":\"ViewLineage\"")).count()).isEqualTo(2);
        String shop = "local_pg." + db.name() + ".shop.";
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"source\":\"QueryLineage\"")
                .contains("{\"fromColumns\":[\"" + shop + "orders.amount\"],\"toColumn\":\"" + shop + "daily.amount\"}"));
    }

    private Cli cli() {
        String airflow = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name() + "?sslmode=disable";
        return new Cli(home).env("AIRFLOW_CONN_WAREHOUSE", airflow);
    }
}
