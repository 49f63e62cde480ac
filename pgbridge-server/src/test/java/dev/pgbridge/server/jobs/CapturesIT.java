package dev.pgbridge.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.engine.CaptureFixture;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.ServerOptions;
import dev.pgbridge.server.auth.Role;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.pgbridge.server.ServerFixture.map;
import static dev.pgbridge.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Captures as managed jobs of the server, through the REST API, on a real PostgreSQL with wal_level=logical: register,
 * start, count events into a jsonl sink, stop; resume after a server restart from the checkpoint; tenant isolation;
 * configs that a server job must not hold.
 */
@Timeout(240)
class CapturesIT {
    private static final String TENANT = "team_a";
    private CaptureFixture capture;
    private ServerFixture server;

    @BeforeEach
    void start() throws IOException {
        capture = new CaptureFixture();
        server = ServerFixture.tls();
    }

    @AfterEach
    void stop() throws IOException {
        try {
            if (server != null) {
                server.close(); // stops the captures: the walsender ends before the fixture drops the slot
            }
        }
        finally {
            capture.close();
        }
    }

    /** The capture role's source database saved as connection {@code src} of {@code tenant}. */
    private void saveSource(String tenant) {
        server.store().add(ConnectionConfig.builder().connId("src").connType(ConnectionConfig.POSTGRES)
                .host(capture.server.host()).port(String.valueOf(capture.server.port())).database(capture.db.name())
                .login(capture.role.name()).password(Secret.of(CaptureFixture.PASSWORD))
                .extra("{\"sslmode\": \"disable\"}").tenant(tenant).build());
    }

    private String config(String table) {
        return capture.yaml(CaptureFixture.byConnection("src"), "  heartbeat_interval: 0\n", capture.jsonlSink(), table);
    }

    private JsonNode await(String what, String token, String name, java.util.function.Predicate<JsonNode> condition) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            CaptureFixture.await(what, Duration.ofSeconds(60), () -> {
                HttpResponse<String> r = server.get("/api/v1/captures/" + name, token);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                last.set(parse(r));
                return condition.test(last.get());
            });
        }
        catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last: " + last.get(), e);
        }
        return last.get();
    }

    @Test
    void aRegisteredCaptureStreamsCountsAndResumesAfterARestartWithoutLosingOrRepeatingAChange() throws Exception {
        capture.sql("CREATE TABLE items (id int PRIMARY KEY, note text)", "INSERT INTO items VALUES (1, 'a'), (2, 'b')");
        saveSource(TENANT);
        String editor = server.token(TENANT, Role.EDITOR);

        HttpResponse<String> created = server.json("POST", "/api/v1/captures", editor,
                map("name", "Items_CDC", "config", config("items")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(parse(created).get("name").asText()).isEqualTo("items_cdc");
        assertThat(parse(created).get("desired_state").asText()).isEqualTo("running");

        JsonNode backfilled = await("the backfill", editor, "items_cdc", c -> c.get("state").asText().equals("running")
                && c.get("backfill").asText().equals("1/1"));
        assertThat(backfilled.get("tables").get(0).get("table").asText()).isEqualTo("public.items");
        CaptureFixture.await("the slot to stream", Duration.ofSeconds(60), capture::slotStreaming);

        capture.sql("INSERT INTO items VALUES (3, 'c')", "UPDATE items SET note = 'bb' WHERE id = 2");
        assertThat(CaptureFixture.opsAndKeys(capture.awaitEvents("items", 4)))
                .containsExactly("r:{\"id\":1}", "r:{\"id\":2}", "c:{\"id\":3}", "u:{\"id\":2}");
        // slot lag and activity are sampled every 5 s: a sample taken before the walsender attached says inactive
        JsonNode running = await("4 events counted and a sample of the active slot", editor, "items_cdc",
                c -> c.get("events").asLong() == 4 && !c.get("slot_lag_bytes").isNull() && c.get("slot_active").asBoolean());
        assertThat(running.get("slot").asText()).isEqualTo(capture.slot);
        assertThat(running.get("slot_active").asBoolean()).isTrue();
        assertThat(running.get("tables").get(0).get("events").asLong()).isEqualTo(4);
        assertThat(running.get("tables").get(0).get("backfill").asText()).isEqualTo("done");
        assertThat(running.get("last_error").isNull()).isTrue();
        assertThat(running.has("events_per_second")).isTrue();
        String listed = server.get("/api/v1/captures", editor).body();
        assertThat(parse(server.get("/api/v1/captures", editor)).get("captures").get(0).get("events").asLong())
                .as(listed).isEqualTo(4);

        String metrics = scrape();
        assertThat(metrics).contains("pgbridge_capture_events_total{capture=\"items_cdc\",tenant=\"team_a\"} 4.0");
        assertThat(metrics).contains("pgbridge_capture_running{capture=\"items_cdc\",tenant=\"team_a\"} 1.0");

        // the server goes down (the capture stops cleanly, still desired running); a change is made meanwhile
        var home = server.home();
        server.close();
        server = null;
        capture.sql("INSERT INTO items VALUES (4, 'while the server was down')");
        server = ServerFixture.start(ServerOptions.defaults().withPort(0), home);

        List<JsonNode> events = capture.awaitEvents("items", 5);
        await("the resumed capture", editor, "items_cdc", c -> c.get("state").asText().equals("running"));
        capture.sql("INSERT INTO items VALUES (5, 'after the restart')");
        events = capture.awaitEvents("items", 6);
        assertThat(CaptureFixture.opsAndKeys(events)).containsExactly("r:{\"id\":1}", "r:{\"id\":2}", "c:{\"id\":3}",
                "u:{\"id\":2}", "c:{\"id\":4}", "c:{\"id\":5}");
        assertThat(await("6 events counted across the restart", editor, "items_cdc",
                c -> c.get("events").asLong() == 6).get("tables").get(0).get("events").asLong()).isEqualTo(6);

        // stopped: flushed and checkpointed when the call returns; not resumed by the next start
        HttpResponse<String> stopped = server.json("POST", "/api/v1/captures/items_cdc/stop", editor, null);
        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
        assertThat(parse(stopped).get("state").asText()).isEqualTo("stopped");
        assertThat(parse(stopped).get("desired_state").asText()).isEqualTo("stopped");
        assertThat(parse(stopped).get("checkpoint_lsn").isNull()).isFalse();
        server.close();
        server = null;
        server = ServerFixture.start(ServerOptions.defaults().withPort(0), home);
        JsonNode after = parse(server.get("/api/v1/captures/items_cdc", editor));
        assertThat(after.get("state").asText()).isEqualTo("stopped");
        assertThat(after.get("events").asLong()).isEqualTo(6);
        assertThat(capture.slotStreaming()).isFalse();

        HttpResponse<String> deleted = server.json("DELETE", "/api/v1/captures/items_cdc", editor, null);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(server.get("/api/v1/captures/items_cdc", editor).statusCode()).isEqualTo(404);
    }

    @Test
    void everyCaptureRouteWorksInTheCallersTenantOnly() {
        saveSource(TENANT);
        String editorA = server.token(TENANT, Role.EDITOR);
        String viewerA = server.token(TENANT, Role.VIEWER);
        String editorB = server.token("team_b", Role.EDITOR);
        HttpResponse<String> created = server.json("POST", "/api/v1/captures", editorA,
                map("name", "orders", "config", config("orders"), "start", false));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(parse(created).get("state").asText()).isEqualTo("stopped");

        assertThat(parse(server.get("/api/v1/captures", editorB)).get("captures")).isEmpty();
        HttpResponse<String> hidden = server.get("/api/v1/captures/orders", editorB);
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(parse(hidden).get("message").asText()).isEqualTo("no capture 'orders' in tenant 'team_b'");
        for (String action : List.of("start", "stop")) {
            assertThat(server.json("POST", "/api/v1/captures/orders/" + action, editorB, null).statusCode())
                    .as(action).isEqualTo(404);
        }
        assertThat(server.json("DELETE", "/api/v1/captures/orders", editorB, null).statusCode()).isEqualTo(404);
        assertThat(parse(server.get("/api/v1/captures/orders", viewerA)).get("name").asText()).isEqualTo("orders");

        // a viewer reads, an editor changes
        assertThat(server.json("POST", "/api/v1/captures/orders/start", viewerA, null).statusCode()).isEqualTo(403);
        assertThat(server.json("DELETE", "/api/v1/captures/orders", viewerA, null).statusCode()).isEqualTo(403);
        assertThat(server.json("POST", "/api/v1/captures", viewerA, map("config", config("orders"))).statusCode())
                .isEqualTo(403);
        assertThat(server.get("/api/v1/captures", null).statusCode()).isEqualTo(401);

        // the same name in another tenant is another capture; its connection 'src' resolves in team_b, where it is not
        HttpResponse<String> other = server.json("POST", "/api/v1/captures", editorB,
                map("name", "orders", "config", config("orders")));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(201);
        JsonNode failed = await("team_b's capture to fail", editorB, "orders",
                c -> c.get("state").asText().equals("failed"));
        assertThat(failed.get("last_error").asText()).contains("no connection 'src' in tenant 'team_b'");
        assertThat(parse(server.get("/api/v1/captures/orders", editorA)).get("state").asText()).isEqualTo("stopped");

        HttpResponse<String> twice = server.json("POST", "/api/v1/captures", editorA,
                map("name", "orders", "config", config("orders"), "start", false));
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(parse(twice).get("message").asText()).isEqualTo("tenant team_a already has a capture named orders");
    }

    @Test
    void aConfigWithAnInlinePasswordIsRefused() {
        String editor = server.token(TENANT, Role.EDITOR);
        HttpResponse<String> r = server.json("POST", "/api/v1/captures", editor,
                map("name", "inline", "config", capture.yaml(capture.byAddress(), "", capture.jsonlSink(), "t")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(parse(r).get("error").asText()).isEqualTo("INVALID_CONFIG");
        assertThat(parse(r).get("hint").asText()).contains("connection: <conn_id>");
        assertThat(r.body()).doesNotContain(CaptureFixture.PASSWORD);
        assertThat(parse(server.get("/api/v1/captures", editor)).get("captures")).isEmpty();

        HttpResponse<String> bad = server.json("POST", "/api/v1/captures", editor, map("config", "connection: src\n"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(parse(bad).get("message").asText()).contains("sink is missing");
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, server.server().services().metrics().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
