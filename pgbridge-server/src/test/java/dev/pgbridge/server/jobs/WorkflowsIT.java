package dev.pgbridge.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.engine.CaptureFixture;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import static dev.pgbridge.server.ServerFixture.map;
import static dev.pgbridge.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

/** Metadata workflows as managed jobs: registered with a cron schedule, run now into the tenant's local catalog. */
@Timeout(180)
class WorkflowsIT {
    private static final TestingPostgres PG = TestingPostgres.get();
    private static TestDatabase db;
    private static ServerFixture server;

    @BeforeAll
    static void start() {
        db = PG.createDatabase(TestingPostgres.uniqueName("pgb_srv_wf"), null);
        PG.executeIn(db.name(), """
                CREATE SCHEMA sales;
                CREATE TABLE sales.orders (id bigint PRIMARY KEY, note text);
                CREATE TABLE sales.customers (id int PRIMARY KEY, name text);
                """);
        server = ServerFixture.tls();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static final String WORKFLOW = """
            source:
              type: postgres
              serviceName: srv_pg
              serviceConnection:
                config:
                  type: Postgres
                  connection: warehouse
              sourceConfig:
                config:
                  type: DatabaseMetadata
                  schemaFilterPattern: {includes: ['^sales$']}
            """;

    @Test
    void runNowIngestsIntoTheTenantsLocalCatalog() {
        server.store().add(ConnectionConfig.builder().connId("warehouse").connType(ConnectionConfig.POSTGRES)
                .host(PG.host()).port(String.valueOf(PG.port())).database(db.name()).login(PG.superuser())
                .password(Secret.of(PG.superuserPassword())).extra("{\"sslmode\": \"disable\"}").tenant("wf_a").build());
        String editor = server.token("wf_a", Role.EDITOR);
        String other = server.token("wf_b", Role.EDITOR);

        HttpResponse<String> created = server.json("POST", "/api/v1/workflows", editor,
                map("name", "nightly", "config", WORKFLOW, "schedule", "0 2 * * *"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode workflow = parse(created);
        assertThat(workflow.get("pipeline_type").asText()).isEqualTo("DatabaseMetadata");
        assertThat(workflow.get("schedule").asText()).isEqualTo("0 2 * * *");
        assertThat(Instant.parse(workflow.get("next_run").asText()).toString()).endsWith("T02:00:00Z");
        assertThat(workflow.get("last_run_at").isNull()).isTrue();

        assertThat(server.json("POST", "/api/v1/workflows/nightly/run", other, null).statusCode()).isEqualTo(404);
        assertThat(parse(server.get("/api/v1/workflows", other)).get("workflows")).isEmpty();
        HttpResponse<String> run = server.json("POST", "/api/v1/workflows/nightly/run", editor, null);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(202);

        AtomicReference<JsonNode> last = new AtomicReference<>();
        CaptureFixture.await("the run to finish", Duration.ofSeconds(120), () -> {
            last.set(parse(server.get("/api/v1/workflows/nightly", editor)));
            return !last.get().get("running").asBoolean() && !"running".equals(last.get().get("last_result").asText());
        });
        assertThat(last.get().get("last_result").asText()).as(last.get().toString()).isEqualTo("ok");
        assertThat(last.get().get("processed").asLong()).isPositive();
        assertThat(last.get().get("last_run_at").isNull()).isFalse();

        var tables = CatalogStore.open(server.store().database(), "wf_a")
                .tables("srv_pg", "sales", CatalogStore.StateFilter.ACTIVE);
        assertThat(tables).extracting(CatalogStore.TableEntry::name).containsExactlyInAnyOrder("orders", "customers");
        assertThat(CatalogStore.open(server.store().database(), "wf_b")
                .tables("srv_pg", "sales", CatalogStore.StateFilter.ACTIVE)).isEmpty();

        assertThat(server.json("DELETE", "/api/v1/workflows/nightly", other, null).statusCode()).isEqualTo(404);
        assertThat(server.json("DELETE", "/api/v1/workflows/nightly", editor, null).statusCode()).isEqualTo(204);
        assertThat(server.get("/api/v1/workflows/nightly", editor).statusCode()).isEqualTo(404);
    }

    @Test
    void aBadScheduleOrAnInlinePasswordIsRefused() {
        String editor = server.token("wf_c", Role.EDITOR);
        HttpResponse<String> schedule = server.json("POST", "/api/v1/workflows", editor,
                map("name", "bad", "config", WORKFLOW, "schedule", "every minute"));
        assertThat(schedule.statusCode()).isEqualTo(400);
        assertThat(parse(schedule).get("message").asText()).contains("has 2 fields; a cron schedule has 5");
        HttpResponse<String> password = server.json("POST", "/api/v1/workflows", editor, map("name", "pw", "config",
                WORKFLOW.replace("connection: warehouse", "hostPort: localhost:5432\n      username: u\n"
                        + "      authType: {password: hunter2-secret}")));
        assertThat(password.statusCode()).as(password.body()).isEqualTo(400);
        assertThat(parse(password).get("message").asText()).contains("inline password");
        assertThat(password.body()).doesNotContain("hunter2-secret");
        assertThat(parse(server.get("/api/v1/workflows", editor)).get("workflows")).isEmpty();
    }
}
