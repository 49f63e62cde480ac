package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.metadata.openmetadata.OpenMetadataTestServer;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
 * {@code pgbridge metadata run} with the {@code metadata-rest} sink, as a user runs it: the built launcher, a real
 * PostgreSQL, and the OpenMetadata stand-in the test starts (it checks every request against OpenMetadata 1.4.0's
 * schemas and the bot's token).
 */
@Timeout(300)
class MetadataRestCommandIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.cli-rest-bot.c2lnbmF0dXJl";
    private static TestDatabase db;

    private final OpenMetadataTestServer om = OpenMetadataTestServer.start(TOKEN);
    private Cli cli;

    @TempDir
    Path home;

    @BeforeAll
    static void createFixture() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_cli_rest"), null);
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

    @AfterEach
    void stopServer() {
        om.close();
    }

    private Cli.Result run(String token) throws Exception {
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
                  type: metadata-rest
                  config: {}
                workflowConfig:
                  openMetadataServerConfig:
                    hostPort: %s
                    authProvider: openmetadata
                    securityConfig:
                      jwtToken: ${OM_JWT_TOKEN}
                """.formatted(om.hostPort()));
        String airflow = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name() + "?sslmode=disable";
        cli = new Cli(home).env("AIRFLOW_CONN_WAREHOUSE", airflow).env("OM_JWT_TOKEN", token)
                .env("PGBRIDGE_LOG_LEVEL", "DEBUG");
        return cli.run("metadata", "run", "--config", config.toString());
    }

    @Test
    void sendsTheWorkflowToOpenMetadataAndPrintsTheSummary() throws Exception {
        Cli.Result r = run(TOKEN);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Workflow Source Summary:", "Processed records: 5", "Workflow Sink Summary:",
                "Errors: 0", "Workflow finished successfully");
        assertThat(om.transcript()).extracting(l -> l.get("path").asText().replaceAll("/[0-9a-f-]{36}/", "/{id}/"))
                .containsExactly("/v1/services/databaseServices", "/v1/databases", "/v1/databaseSchemas",
                        "/v1/tables", "/v1/tables", "/v1/tables/{id}/tableProfile"); // the view has no profile
        assertThat(om.calls()).allMatch(c -> c.status() < 300);
        JsonNode orders = om.entity("table", "local_pg." + db.name() + ".sales.orders").orElseThrow();
        assertThat(orders.get("columns").get(1).get("dataLength").asInt()).isEqualTo(20);
        assertThat(cli.everythingWritten()).contains("PUT /v1/tables").doesNotContain(TOKEN)
                .doesNotContain(SERVER.superuserPassword());
    }

    @Test
    void aRefusedTokenIsExitCode1WithTheErrorAndItsHint() throws Exception {
        String wrong = "eyJhbGciOiJSUzI1NiJ9.expired-cli-bot.ZXhwaXJlZA";
        Cli.Result r = run(wrong);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("Workflow Sink Summary:", "refused PUT /v1/services/databaseServices with 401",
                "the token is invalid or expired (hint: set workflowConfig.openMetadataServerConfig.securityConfig"
                        + ".jwtToken to a bot's token", "Workflow finished with failures");
        assertThat(cli.everythingWritten()).doesNotContain(wrong).doesNotContain(TOKEN);
    }
}
