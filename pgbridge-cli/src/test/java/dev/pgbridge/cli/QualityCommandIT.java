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

/**
 * {@code pgbridge quality run|results} as a CI pipeline runs them: the built launcher against a real server, exit code 0
 * when every test passes, 1 when one fails, 2 for a wrong file; the results kept in the local catalog with their runs.
 */
@Timeout(300)
class QualityCommandIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static TestDatabase db;

    @TempDir
    Path home;

    @BeforeAll
    static void createFixture() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_cli_quality"), null);
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA sales;
                CREATE TABLE sales.orders (id bigint PRIMARY KEY, email text);
                INSERT INTO sales.orders VALUES (1, 'a@x.com'), (2, NULL), (3, 'c@x.com');
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

    private Path workflow(String name, String testCases) throws Exception {
        return Files.writeString(home.resolve(name), """
                source:
                  type: TestSuite
                  serviceName: local_pg
                  serviceConnection: {config: {type: Postgres, connection: warehouse}}
                  sourceConfig:
                    config: {type: TestSuite, entityFullyQualifiedName: local_pg.%s.sales.orders}
                processor:
                  type: orm-test-runner
                  config:
                    testCases:
                %s
                """.formatted(db.name(), testCases));
    }

    @Test
    void passingTestsExit0AFailingOneExits1AndTheResultsAreKept() throws Exception {
        Cli cli = cli();
        Path passing = workflow("passing.yaml", """
                      - {name: ids_not_null, testDefinitionName: columnValuesToBeNotNull, columnName: id}
                      - {name: three_rows, testDefinitionName: tableRowCountToEqual, parameterValues: [{name: value, value: 3}]}
                """);
        Cli.Result ok = cli.run("quality", "run", "--config", passing.toString());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("ids_not_null", "Success", "rowCount=3", "2 tests: 2 passed, 0 failed, 0 aborted",
                "Workflow finished successfully");

        Path failing = workflow("failing.yaml", """
                      - {name: emails_not_null, testDefinitionName: columnValuesToBeNotNull, columnName: email}
                      - {name: three_rows, testDefinitionName: tableRowCountToEqual, parameterValues: [{name: value, value: 3}]}
                """);
        Cli.Result failed = cli.run("quality", "run", "--config", failing.toString());
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.out()).contains("emails_not_null", "Failed", "nullCount=1",
                "2 tests: 1 passed, 1 failed, 0 aborted");
        cli.run("quality", "run", "--config", failing.toString());

        Cli.Result json = cli.run("quality", "run", "--config", failing.toString(), "--format", "json");
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(1);
        JsonNode results = new ObjectMapper().readTree(json.out());
        assertThat(results.get(0).get("status").asText()).isEqualTo("Failed");
        assertThat(results.get(0).get("failedRows").asLong()).isEqualTo(1);
        assertThat(results.get(0).get("failedRowsSample").get("rows").get(0).get(0).asText()).isEqualTo("2");
        assertThat(json.err()).contains("Workflow Source Summary:");

        String fqn = "local_pg." + db.name() + ".sales.orders";
        Cli.Result stored = cli.run("quality", "results", fqn);
        assertThat(stored.exitCode()).as(stored.toString()).isZero();
        assertThat(stored.out()).contains("Data quality of " + fqn, "emails_not_null", "columnValuesToBeNotNull",
                "nullCount=1", "F F F", "Failing rows of emails_not_null");
        assertThat(stored.out().lines().filter(l -> l.contains("ids_not_null")).findFirst().orElseThrow())
                .contains("Success").endsWith("S");
        assertThat(cli.everythingWritten()).doesNotContain(SERVER.superuserPassword());
    }

    @Test
    void aWrongFileExits2WithTheNearestNames() throws Exception {
        Path bad = workflow("bad.yaml", """
                      - {name: a, testDefinitionName: columnValuesToBeNotNul, columnName: id}
                      - {name: b, testDefinitionName: tableRowCountToEqual, parameterValues: [{name: valu, value: 3}]}
                """);
        Cli.Result r = cli().run("quality", "run", "--config", bad.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("3 problems",
                "processor.config.testCases[0].testDefinitionName: 'columnValuesToBeNotNul' is not a test definition",
                "did you mean columnValuesToBeNotNull?", "testCases[1].parameterValues[0].name: 'valu' is not a "
                        + "parameter of tableRowCountToEqual", "did you mean value?", "has no value");

        Path metadata = Files.writeString(home.resolve("metadata.yaml"), """
                source:
                  type: postgres
                  serviceName: local_pg
                  serviceConnection: {config: {connection: warehouse}}
                  sourceConfig: {config: {type: DatabaseMetadata}}
                """);
        Cli.Result wrongKind = cli().run("quality", "run", "--config", metadata.toString());
        assertThat(wrongKind.exitCode()).as(wrongKind.toString()).isEqualTo(2);
        assertThat(wrongKind.err()).contains("not TestSuite", "pgbridge metadata run");
    }
}
