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

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgbridge metadata run --config FILE} as a user runs it: the built launcher against a real server. */
@Timeout(300)
class MetadataCommandIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static TestDatabase db;

    @TempDir
    Path home;

    @BeforeAll
    static void createFixture() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_cli_meta"), null);
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA sales;
                CREATE TABLE sales.orders (id bigint PRIMARY KEY, note varchar(20));
                CREATE VIEW sales.big_orders AS SELECT id FROM sales.orders WHERE id > 10;
                """);
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void runsAWorkflowIntoAFileAndPrintsTheSummary() throws Exception {
        Path out = home.resolve("requests.jsonl");
        Path config = home.resolve("workflow.yaml");
        Files.writeString(config, """
                source:
                  type: postgres
                  serviceName: local_pg
                  serviceConnection:
                    config:
                      type: Postgres
                      connection: warehouse
                  sourceConfig:
                    config:
                      type: DatabaseMetadata
                      schemaFilterPattern: {includes: ['^sales$']}
                sink:
                  type: file
                  config:
                    filename: ${OUT_FILE}
                """);
        String airflow = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name() + "?sslmode=disable";
        Cli cli = new Cli(home).env("AIRFLOW_CONN_WAREHOUSE", airflow).env("OUT_FILE", out.toString());
        Cli.Result r = cli.run("metadata", "run", "--config", config.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Workflow Source Summary:", "Processed records: 5", "Workflow finished successfully");
        assertThat(r.err()).as("no progress line in a pipe").doesNotContain("ingesting");
        assertThat(Files.readAllLines(out)).hasSize(6); // the table's profile after it
        assertThat(Files.readString(out)).contains("\"path\":\"/v1/tables\"").doesNotContain(SERVER.superuserPassword());

        // on a terminal the progress line is drawn on stderr, then taken away before the summary
        Cli.Result onTerminal = cli.exec(java.util.List.of("script", "-qec",
                Cli.LAUNCHER + " metadata run --config " + config, "/dev/null"), null);
        assertThat(onTerminal.exitCode()).as(onTerminal.toString()).isZero();
        String screen = onTerminal.out();
        String line = "ingesting " + db.name() + ": schemas 1/1 · tables 0 · ";
        assertThat(screen).as(onTerminal.toString()).contains("\r" + line);
        int drawn = screen.lastIndexOf("\ringesting ");
        int taken = screen.indexOf('\r', drawn + 1);
        assertThat(screen.substring(taken)).startsWith("\r" + " ".repeat(taken - drawn - 1) + "\r");
        assertThat(screen.indexOf("Workflow Source Summary:")).isGreaterThan(taken);
        assertThat(cli.everythingWritten()).doesNotContain(SERVER.superuserPassword());
    }

    @Test
    void aWrongFileIsEveryProblemWithItsHintAndExitCode2() throws Exception {
        Path config = home.resolve("bad.yaml");
        Files.writeString(config, """
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {hostPrt: 'h:5432', username: u}}
                  sourceConfig: {config: {type: DatabaseMetadata, includeView: true}}
                sink: {type: file, config: {filename: x.jsonl}}
                """);
        Cli.Result r = new Cli(home).run("metadata", "run", "--config", config.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly(
                "error: " + config + ": 2 problems",
                "error: " + config + ": source.serviceConnection.config.hostPrt: unknown key",
                "hint: did you mean hostPort? valid keys: type, connection, scheme, username, authType, password, "
                        + "hostPort, database, ingestAllDatabases, sslMode, sslConfig, classificationName, "
                        + "connectionOptions, connectionArguments, supportsMetadataExtraction, "
                        + "supportsUsageExtraction, supportsLineageExtraction, supportsDBTExtraction, supportsProfiler, "
                        + "supportsDatabase, supportsQueryComment",
                "error: " + config + ": source.sourceConfig.config.includeView: unknown key",
                "hint: did you mean includeViews? valid keys: type, markDeletedTables, allowEmptyingSchema, "
                        + "markDeletedStoredProcedures, "
                        + "includeTables, includeViews, includeTags, includeOwners, includeStoredProcedures, "
                        + "includeDDL, queryLogDuration, queryParsingTimeoutLimit, useFqnForFiltering, "
                        + "databaseFilterPattern, schemaFilterPattern, tableFilterPattern, threads, incremental");
    }
}
