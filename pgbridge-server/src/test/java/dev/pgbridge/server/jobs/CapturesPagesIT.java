package dev.pgbridge.server.jobs;

import dev.pgbridge.cdc.engine.CaptureFixture;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.auth.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
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

    /** A logged-in browser: its session cookie and the CSRF token its forms carry. */
    private record Session(String cookie, String csrf) {}

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
        Session erin = login("ui_team", "erin");

        HttpResponse<String> empty = page("/captures", erin);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).contains("No capture in tenant ui_team yet", "Register a capture",
                "aria-current=\"page\">Captures");

        String config = capture.yaml(CaptureFixture.byConnection("src"), "  heartbeat_interval: 0\n", capture.jsonlSink(),
                "events");
        assertThat(post("/captures", erin.cookie(), form("name", "ui_cdc", "config", config, "start", "on")).statusCode())
                .as("no CSRF token").isEqualTo(403);
        HttpResponse<String> registered = post("/captures", erin.cookie(), form("_csrf", erin.csrf(), "name", "ui_cdc",
                "config", config, "start", "on"));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(303);
        assertThat(registered.headers().firstValue("Location")).hasValue("/captures/ui_cdc");

        HttpResponse<String> detail = page("/captures/ui_cdc", erin);
        assertThat(detail.body()).contains("hx-get=\"/captures/ui_cdc/status\"", "hx-trigger=\"every 2s\"",
                "Capture ui_cdc");
        CaptureFixture.await("the page to show the capture running with its 3 backfilled rows", Duration.ofSeconds(60),
                () -> {
                    String fragment = page("/captures/ui_cdc/status", erin).body();
                    return fragment.contains("data-field=\"state\">running<") && fragment.contains("data-field=\"events\">3<");
                });
        CaptureFixture.await("the slot to stream", Duration.ofSeconds(60), capture::slotStreaming);
        capture.sql("INSERT INTO events VALUES (4)");
        CaptureFixture.await("the page to count the insert", Duration.ofSeconds(60),
                () -> page("/captures/ui_cdc/status", erin).body().contains("data-field=\"events\">4<"));
        String fragment = page("/captures/ui_cdc/status", erin).body();
        assertThat(fragment).doesNotContain("<html").contains("public.events", "done", "1/1 tables");

        String list = page("/captures", erin).body();
        assertThat(list).contains("data-capture=\"ui_cdc\"", "aria-label=\"Stop ui_cdc\"");
        assertThat(post("/captures/ui_cdc/stop", erin.cookie(), form("from", "detail")).statusCode()).isEqualTo(403);
        HttpResponse<String> stopped = post("/captures/ui_cdc/stop", erin.cookie(), form("_csrf", erin.csrf(),
                "from", "detail"));
        assertThat(stopped.statusCode()).isEqualTo(303);
        assertThat(stopped.headers().firstValue("Location")).hasValue("/captures/ui_cdc");
        assertThat(page("/captures/ui_cdc/status", erin).body()).contains("data-field=\"state\">stopped<");
        assertThat(page("/captures", erin).body()).contains("aria-label=\"Start ui_cdc\"");

        // a viewer of the tenant watches but has no buttons and no form; another tenant does not see the capture
        server.user("ui_team", "vera", Role.VIEWER);
        Session vera = login("ui_team", "vera");
        String viewed = page("/captures", vera).body();
        assertThat(viewed).contains("data-capture=\"ui_cdc\"").doesNotContain("Start ui_cdc", "Register a capture");
        assertThat(post("/captures/ui_cdc/start", vera.cookie(), form("_csrf", vera.csrf())).statusCode()).isEqualTo(403);
        server.user("other_team", "otto", Role.EDITOR);
        Session otto = login("other_team", "otto");
        assertThat(page("/captures", otto).body()).doesNotContain("ui_cdc");
        assertThat(page("/captures/ui_cdc", otto).statusCode()).isEqualTo(404);
        assertThat(post("/captures/ui_cdc/delete", otto.cookie(), form("_csrf", otto.csrf())).statusCode()).isEqualTo(404);

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
        HttpResponse<String> added = post("/workflows", erin.cookie(), form("_csrf", erin.csrf(), "name", "ui_meta",
                "schedule", "*/5 * * * *", "config", workflow));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(303);
        String withWorkflow = page("/captures", erin).body();
        assertThat(withWorkflow).contains("data-workflow=\"ui_meta\"", "*/5 * * * *", "DatabaseMetadata",
                "aria-label=\"Run ui_meta now\"");
        assertThat(post("/workflows/ui_meta/run", erin.cookie(), form()).statusCode()).isEqualTo(403);
        assertThat(post("/workflows/ui_meta/run", erin.cookie(), form("_csrf", erin.csrf())).statusCode()).isEqualTo(303);
        CaptureFixture.await("the workflow's run to show as ok", Duration.ofSeconds(60),
                () -> page("/captures", erin).body().contains("state-ok\">ok<"));
        assertThat(page("/captures", otto).body()).doesNotContain("ui_meta");

        HttpResponse<String> deleted = post("/captures/ui_cdc/delete", erin.cookie(), form("_csrf", erin.csrf()));
        assertThat(deleted.statusCode()).isEqualTo(303);
        assertThat(page(deleted.headers().firstValue("Location").orElseThrow(), erin).body())
                .contains("capture ui_cdc deleted").doesNotContain("data-capture=");
    }

    private Session login(String tenant, String user) {
        HttpResponse<String> form = server.get("/login", null);
        HttpResponse<String> ok = post("/login", cookie(form, "pgbridge_login_csrf"), form("_csrf", hidden(form.body()),
                "tenant", tenant, "username", user, "password", "pw-" + user + "-correct-horse"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(302);
        String session = cookie(ok, "pgbridge_session");
        return new Session(session, hidden(page("/captures", new Session(session, null)).body()));
    }

    private HttpResponse<String> page(String path, Session session) {
        return server.send(server.request(path, null).header("Cookie", session.cookie()).GET().build());
    }

    private static Map<String, String> form(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private HttpResponse<String> post(String path, String cookie, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return server.send(b.build());
    }

    private static String hidden(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("the page has a form with a CSRF field").isTrue();
        return m.group(1);
    }

    private static String cookie(HttpResponse<String> response, String name) {
        String header = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .findFirst().orElseThrow();
        return header.substring(0, header.indexOf(';'));
    }
}
