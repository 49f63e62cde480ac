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
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgbridge lineage} as a user runs it: the built launcher, with and without a real server's catalog. */
@Timeout(300)
class LineageCommandIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase db;

    @TempDir
    Path home;

    @BeforeAll
    static void createFixture() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_cli_lineage"), null);
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA shop;
                CREATE TABLE shop.orders (id bigint, "Total" numeric);
                CREATE TABLE public.audit (id bigint, amount numeric);
                """);
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    private Cli cli() {
        String airflow = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name() + "?sslmode=disable";
        return new Cli(home).env("AIRFLOW_CONN_WAREHOUSE", airflow);
    }

    @Test
    void commandPrintsTheJsonDocumentWithFoldedUnquotedNames() throws Exception {
        Cli.Result r = cli().run("lineage", "--default-schema", "Sales", "--format", "json", "-c",
                "INSERT INTO Report (Total) SELECT sum(o.\"Amount\") FROM \"Shop\".Orders o");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.toString()).isEqualTo("{\"tables\":[{\"from\":\"Shop.orders\",\"to\":\"sales.report\"}],"
                + "\"columns\":[{\"from\":\"Shop.orders.Amount\",\"to\":\"sales.report.total\"}]}");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void fileWithSeveralStatementsIsMergedAndPrintedAsTables() throws Exception {
        Path sql = home.resolve("etl.sql");
        Files.writeString(sql, """
                -- a comment; with a semicolon
                CREATE TABLE stage AS SELECT id, $$a;b$$ AS note FROM raw;
                INSERT INTO report (id) SELECT id FROM stage;
                INSERT INTO report (id) SELECT id FROM stage;
                """);
        Cli.Result r = cli().run("lineage", "--default-schema", "etl", "-f", sql.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Table lineage", "Column lineage", "etl.raw", "etl.stage", "etl.report",
                "etl.raw.id", "etl.stage.id", "etl.report.id");
        assertThat(r.out().lines().filter(l -> l.contains("etl.stage.id") && l.contains("etl.report.id")).count())
                .as("merged edges are printed once").isEqualTo(1);

        Cli.Result json = cli().run("lineage", "--default-schema", "etl", "-f", sql.toString(), "--format", "json");
        JsonNode doc = JSON.readTree(json.out());
        assertThat(doc.get("tables")).hasSize(2);
        assertThat(doc.get("columns")).hasSize(2);
    }

    @Test
    void connExpandsStarFromTheCatalogAndResolvesTheSearchPath() throws Exception {
        Cli.Result r = cli().run("lineage", "--conn", "warehouse", "--default-schema", "shop", "--format", "json",
                "-c", "INSERT INTO audit SELECT * FROM orders");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // orders is in shop (the default schema); audit only in public, found through the connection's search_path
        assertThat(JSON.readTree(r.out()).toString()).isEqualTo("{\"tables\":[{\"from\":\"shop.orders\",\"to\":\"public.audit\"}],"
                + "\"columns\":[{\"from\":\"shop.orders.id\",\"to\":\"public.audit.id\"},"
                + "{\"from\":\"shop.orders.Total\",\"to\":\"public.audit.amount\"}]}");

        Cli.Result without = cli().run("lineage", "--default-schema", "shop", "--format", "json",
                "-c", "INSERT INTO audit SELECT * FROM orders");
        assertThat(JSON.readTree(without.out()).toString())
                .isEqualTo("{\"tables\":[{\"from\":\"shop.orders\",\"to\":\"shop.audit\"}],\"columns\":[]}");
        assertThat(cli().everythingWritten()).doesNotContain(SERVER.superuserPassword());
    }

    @Test
    void badStatementIsOneErrorLineAndTheOthersArePrinted() throws Exception {
        Cli.Result r = cli().run("lineage", "--default-schema", "public", "--format", "json", "-c",
                "INSERT INTO a (x) SELECT y FROM b; SELEC nonsense FROM; INSERT INTO c SELECT * FROM a");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("error: statement 2 of 3 (line 1): cannot parse 'SELEC nonsense FROM': ");
        assertThat(r.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
        assertThat(JSON.readTree(r.out()).get("tables")).hasSize(2);

        Cli.Result none = cli().run("lineage", "--default-schema", "public", "-c", "SELEC nonsense FROM");
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(1);
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).startsWith("error: cannot parse 'SELEC nonsense FROM': ");
    }

    // the error line quoted the statement's opening text: CREATE USER MAPPING showed its password
    @Test
    void aStatementThatCannotBeParsedIsQuotedWithoutItsLiterals() {
        Cli.Result r = cli().run("lineage", "--default-schema", "public", "-c",
                "CREATE USER MAPPING FOR app SERVER films OPTIONS (password 'Pa55-w0rd-on-stderr')");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: cannot parse 'CREATE USER MAPPING FOR app SERVER films OPTIONS (password '…')'")
                .doesNotContain("Pa55-w0rd-on-stderr");
    }

    @Test
    void missingFileIsAClearErrorAndNoSqlIsAUsageError() {
        Cli.Result r = cli().run("lineage", "--default-schema", "public", "-f", home.resolve("nope.sql").toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("error: cannot read the SQL from " + home.resolve("nope.sql"), "hint: check the path");
        assertThat(r.out()).isEmpty();

        Cli.Result usage = cli().run("lineage", "--default-schema", "public");
        assertThat(usage.exitCode()).as(usage.toString()).isEqualTo(2);
        assertThat(usage.err()).contains("no SQL given");
    }
}
