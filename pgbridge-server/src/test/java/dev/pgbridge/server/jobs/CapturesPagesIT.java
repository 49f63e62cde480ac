package dev.pgbridge.server.jobs;

import dev.pgbridge.cdc.engine.CaptureFixture;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.WebSession;
import dev.pgbridge.server.auth.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The captures pages as a logged-in user uses them over HTTP: register a capture with the form, watch it on its page
 * (the fragment htmx polls every 2 s), stop it with the button; CSRF on every action; what a viewer sees.
 */
@Timeout(180)
class CapturesPagesIT {
    private CaptureFixture capture;
    private ServerFixture server;


    @BeforeEach
    void start() throws IOException {
        capture = new CaptureFixture();
        server = ServerFixture.tls();
        server.store().add(ConnectionConfig.builder().connId("src").connType(ConnectionConfig.POSTGRES)
                .host(capture.server.host()).port(String.valueOf(capture.server.port())).database(capture.db.name())
                .login(capture.role.name()).password(Secret.of(CaptureFixture.PASSWORD))
                .extra("{\"sslmode\": \"disable\"}").tenant("ui_team").build());
    }

    @AfterEach
    void stop() throws IOException {
        try {
            server.close();
        }
        finally {
            capture.close();
        }
    }

    @Test
    void registerWatchAndStopACaptureFromThePages() {
        capture.sql("CREATE TABLE events (id int PRIMARY KEY)", "INSERT INTO events SELECT generate_series(1, 3)");
        server.user("ui_team", "erin", Role.EDITOR);
        WebSession erin = WebSession.login(server, "ui_team", "erin", "pw-erin-correct-horse");

        HttpResponse<String> empty = erin.get("/captures");
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).contains("No capture in tenant ui_team yet", "Register a capture",
                "aria-current=\"page\">Captures");

        String config = capture.yaml(CaptureFixture.byConnection("src"), "  heartbeat_interval: 0\n", capture.jsonlSink(),
                "events");
        assertThat(erin.postWithoutCsrf("/captures", form("name", "ui_cdc", "config", config, "start", "on")).statusCode())
                .as("no CSRF token").isEqualTo(403);
        HttpResponse<String> registered = erin.post("/captures", form("name", "ui_cdc",
                "config", config, "start", "on"));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(303);
        assertThat(registered.headers().firstValue("Location")).hasValue("/captures/ui_cdc");

        HttpResponse<String> detail = erin.get("/captures/ui_cdc");
        assertThat(detail.body()).contains("hx-get=\"/captures/ui_cdc/status\"", "hx-trigger=\"every 2s\"",
                "Capture ui_cdc");
        CaptureFixture.await("the page to show the capture running with its 3 backfilled rows", Duration.ofSeconds(60),
                () -> {
                    String fragment = erin.get("/captures/ui_cdc/status").body();
                    return fragment.contains("data-field=\"state\">running<") && fragment.contains("data-field=\"events\">3<");
                });
        CaptureFixture.await("the slot to stream", Duration.ofSeconds(60), capture::slotStreaming);
        capture.sql("INSERT INTO events VALUES (4)");
        CaptureFixture.await("the page to count the insert", Duration.ofSeconds(60),
                () -> erin.get("/captures/ui_cdc/status").body().contains("data-field=\"events\">4<"));
        String fragment = erin.get("/captures/ui_cdc/status").body();
        assertThat(fragment).doesNotContain("<html").contains("public.events", "done", "1/1 tables");

        String list = erin.get("/captures").body();
        assertThat(list).contains("data-capture=\"ui_cdc\"", "aria-label=\"Stop ui_cdc\"");
        assertThat(erin.postWithoutCsrf("/captures/ui_cdc/stop", form("from", "detail")).statusCode()).isEqualTo(403);
        HttpResponse<String> stopped = erin.post("/captures/ui_cdc/stop", form("from", "detail"));
        assertThat(stopped.statusCode()).isEqualTo(303);
        assertThat(stopped.headers().firstValue("Location")).hasValue("/captures/ui_cdc");
        assertThat(erin.get("/captures/ui_cdc/status").body()).contains("data-field=\"state\">stopped<");
        assertThat(erin.get("/captures").body()).contains("aria-label=\"Start ui_cdc\"");

        // a viewer of the tenant watches but has no buttons and no form; another tenant does not see the capture
        server.user("ui_team", "vera", Role.VIEWER);
        WebSession vera = WebSession.login(server, "ui_team", "vera", "pw-vera-correct-horse");
        String viewed = vera.get("/captures").body();
        assertThat(viewed).contains("data-capture=\"ui_cdc\"").doesNotContain("Start ui_cdc", "Register a capture");
        assertThat(vera.post("/captures/ui_cdc/start", form()).statusCode()).isEqualTo(403);
        server.user("other_team", "otto", Role.EDITOR);
        WebSession otto = WebSession.login(server, "other_team", "otto", "pw-otto-correct-horse");
        assertThat(otto.get("/captures").body()).doesNotContain("ui_cdc");
        assertThat(otto.get("/captures/ui_cdc").statusCode()).isEqualTo(404);
        assertThat(otto.post("/captures/ui_cdc/delete", form()).statusCode()).isEqualTo(404);

        // a workflow registered with the form, listed with its schedule, run with the Run-now button
        String workflow = """
                source:
                  type: postgres
                  serviceName: ui_pg
                  serviceConnection:
                    config: {type: Postgres, connection: src}
                  sourceConfig:
                    config: {type: DatabaseMetadata, schemaFilterPattern: {includes: ['^public$']}}
                """;
        HttpResponse<String> added = erin.post("/workflows", form("name", "ui_meta",
                "schedule", "*/5 * * * *", "config", workflow));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(303);
        String withWorkflow = erin.get("/captures").body();
        assertThat(withWorkflow).contains("data-workflow=\"ui_meta\"", "*/5 * * * *", "DatabaseMetadata",
                "aria-label=\"Run ui_meta now\"");
        assertThat(erin.postWithoutCsrf("/workflows/ui_meta/run", form()).statusCode()).isEqualTo(403);
        assertThat(erin.post("/workflows/ui_meta/run", form()).statusCode()).isEqualTo(303);
        CaptureFixture.await("the workflow's run to show as ok", Duration.ofSeconds(60),
                () -> erin.get("/captures").body().contains("state-ok\">ok<"));
        assertThat(otto.get("/captures").body()).doesNotContain("ui_meta");

        HttpResponse<String> deleted = erin.post("/captures/ui_cdc/delete", form());
        assertThat(deleted.statusCode()).isEqualTo(303);
        assertThat(erin.get(deleted.headers().firstValue("Location").orElseThrow()).body())
                .contains("capture ui_cdc deleted").doesNotContain("data-capture=");
    }

    private static Map<String, String> form(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
