package dev.pgbridge.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.server.api.Api;
import dev.pgbridge.server.api.ApiRoute;
import dev.pgbridge.server.auth.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The server's frame: TLS with the self-signed CA, Bearer tokens, the login session and its CSRF checks, OpenAPI. */
@Timeout(120)
class ServerFoundationIT {
    private static ServerFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServerFixture.tls();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void healthAnswersOverVerifiedTls() {
        HttpResponse<String> response = fixture.get("/api/v1/health", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ServerFixture.parse(response).path("tls").asBoolean()).isTrue();
        assertThat(response.headers().firstValue("Strict-Transport-Security")).isPresent();
    }

    @Test
    void apiRoutesNeedAValidBearerToken() {
        String path = firstProtectedGet();
        assertThat(fixture.get(path, null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = fixture.get(path, "pgb_000000000000_notatoken");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(ServerFixture.parse(wrong).path("error").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(ServerFixture.parse(wrong).path("hint").asText()).isNotBlank();
    }

    @Test
    void anExpiredTokenIsToldApart() {
        String token = fixture.server().services().tokens()
                .create("default", Role.VIEWER, java.time.Duration.ofMillis(1), "short").text().reveal();
        try {
            Thread.sleep(20);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        HttpResponse<String> response = fixture.get(firstProtectedGet(), token);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(ServerFixture.parse(response).path("error").asText()).isEqualTo("TOKEN_EXPIRED");
    }

    @Test
    void openApiDocumentDescribesExactlyTheServedApiRoutes() {
        JsonNode doc = ServerFixture.parse(fixture.get("/api/v1/openapi.json", null));
        List<String> documented = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + Api.ROOT + path.getKey());
            }
        }
        List<String> served = fixture.server().registeredRoutes().stream()
                .filter(r -> r.split(" ", 2)[1].startsWith(Api.ROOT + "/") && !r.endsWith("/openapi.json"))
                .toList();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
        // every path parameter of a path is declared
        Pattern param = Pattern.compile("\\{([^}]+)}");
        doc.path("paths").properties().forEach(e -> e.getValue().properties().forEach(op -> {
            Matcher m = param.matcher(e.getKey());
            while (m.find()) {
                String name = m.group(1);
                boolean declared = false;
                for (JsonNode p : op.getValue().path("parameters")) {
                    declared |= p.path("name").asText().equals(name) && p.path("in").asText().equals("path");
                }
                assertThat(declared).as(op.getKey() + " " + e.getKey() + " declares {" + name + "}").isTrue();
            }
        }));
    }

    @Test
    void loginNeedsTheFormsCsrfTokenAndStartsASecureSession() {
        fixture.user("default", "frank", Role.VIEWER);
        HttpResponse<String> form = fixture.get("/login", null);
        String csrf = hidden(form.body());
        String cookie = cookie(form, "pgbridge_login_csrf");

        HttpResponse<String> noToken = postForm("/login", cookie, Map.of("username", "frank", "password", "pw-frank-correct-horse"));
        assertThat(noToken.statusCode()).isEqualTo(403);

        HttpResponse<String> ok = postForm("/login", cookie, Map.of("_csrf", csrf, "username", "frank",
                "password", "pw-frank-correct-horse", "tenant", "default"));
        assertThat(ok.statusCode()).isEqualTo(302);
        String setCookie = ok.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("pgbridge_session=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("Secure").containsIgnoringCase("SameSite=Strict");
        String session = setCookie.substring(0, setCookie.indexOf(';'));
        HttpResponse<String> home = fixture.send(fixture.request("/", null).header("Cookie", session).GET().build());
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("frank");

        // a state-changing request of the session without its CSRF token is refused
        HttpResponse<String> logoutWithoutCsrf = postForm("/logout", session, Map.of());
        assertThat(logoutWithoutCsrf.statusCode()).isEqualTo(403);
    }

    @Test
    void failedLoginsAreRateLimited() {
        fixture.user("default", "grace", Role.VIEWER);
        int last = 0;
        for (int i = 0; i < 7; i++) {
            HttpResponse<String> form = fixture.get("/login", null);
            last = postForm("/login", cookie(form, "pgbridge_login_csrf"), Map.of("_csrf", hidden(form.body()),
                    "username", "grace", "password", "wrong-password-" + i)).statusCode();
        }
        assertThat(last).isEqualTo(429);
    }

    private static String firstProtectedGet() {
        for (ApiRoute route : fixture.server().api().routes()) {
            if (route.role() != null && route.method().name().equals("GET") && !route.path().contains("{")) {
                return Api.ROOT + route.path();
            }
        }
        return "/api/v1/connections";
    }

    private static HttpResponse<String> postForm(String path, String cookie, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fixture.url() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return fixture.send(b.build());
    }

    private static String hidden(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("the form has a CSRF field").isTrue();
        return m.group(1);
    }

    private static String cookie(HttpResponse<String> response, String name) {
        String header = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst().orElseThrow();
        return header.substring(0, header.indexOf(';'));
    }
}
