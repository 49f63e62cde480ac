package dev.pgbridge.server.data;

import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.ServerFixture;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logged-in web UI session for tests over HTTP (no browser): logs in through the login form, keeps the session
 * cookie, and sends the session's CSRF token with every form. (A minimal one; to be folded into the shared helper.)
 */
final class WebSession {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final ServerFixture fixture;
    private final String cookie;
    private final String csrf;

    private WebSession(ServerFixture fixture, String cookie, String csrf) {
        this.fixture = fixture;
        this.cookie = cookie;
        this.csrf = csrf;
    }

    static WebSession login(ServerFixture fixture, String tenant, String user, Secret password) {
        HttpResponse<String> form = fixture.get("/login", null);
        String loginCookie = cookie(form, "pgbridge_login_csrf");
        HttpResponse<String> ok = send(fixture, "/login", loginCookie, Map.of("_csrf", csrf(form.body()), "username", user,
                "password", password.reveal(), "tenant", tenant), false);
        if (ok.statusCode() != 302) {
            throw new AssertionError("login failed with " + ok.statusCode() + ": " + ok.body());
        }
        String session = cookie(ok, "pgbridge_session");
        HttpResponse<String> home = fixture.send(fixture.request("/", null).header("Cookie", session).GET().build());
        return new WebSession(fixture, session, csrf(home.body()));
    }

    HttpResponse<String> get(String path) {
        return fixture.send(fixture.request(path, null).header("Cookie", cookie).GET().build());
    }

    /** A GET as htmx sends it (the answer is a fragment where the page has one). */
    HttpResponse<String> htmxGet(String path) {
        return fixture.send(fixture.request(path, null).header("Cookie", cookie).header("HX-Request", "true").GET().build());
    }

    /** A form POST with the session's CSRF token. */
    HttpResponse<String> post(String path, Map<String, String> fields, boolean htmx) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("_csrf", csrf);
        return send(fixture, path, cookie, all, htmx);
    }

    /** A form POST without a CSRF token. */
    HttpResponse<String> postWithoutCsrf(String path, Map<String, String> fields) {
        return send(fixture, path, cookie, fields, false);
    }

    private static HttpResponse<String> send(ServerFixture fixture, String path, String cookie, Map<String, String> fields,
                                             boolean htmx) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fixture.url() + path))
                .timeout(java.time.Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (htmx) {
            b.header("HX-Request", "true");
        }
        return fixture.send(b.build());
    }

    static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no CSRF field in the page");
        }
        return m.group(1);
    }

    private static String cookie(HttpResponse<String> response, String name) {
        String header = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name));
        return header.substring(0, header.indexOf(';'));
    }
}
