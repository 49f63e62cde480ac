package dev.pgbridge.server;

import dev.pgbridge.secret.Secret;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logged-in web UI session for tests, as a browser keeps it: the session cookie and the session's CSRF token, read
 * once after logging in through the real login form (with its own cookie-bound token). Requests are plain page loads,
 * form posts (the CSRF field added unless asked not to), htmx requests (the token as the {@code X-CSRF-Token} header, as
 * the layout's {@code hx-headers} makes htmx send it) and multipart uploads. Redirects are not followed.
 */
public final class WebSession {
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final ServerFixture fixture;
    private final String cookie;
    private final String csrf;

    private WebSession(ServerFixture fixture, String cookie, String csrf) {
        this.fixture = fixture;
        this.cookie = cookie;
        this.csrf = csrf;
    }

    /** Adds the user to the tenant (as {@link ServerFixture#user}) and logs it in. */
    public static WebSession newUser(ServerFixture fixture, String tenant, String name, dev.pgbridge.server.auth.Role role) {
        Secret password = fixture.user(tenant, name, role);
        return login(fixture, tenant, name, password.reveal());
    }

    /** Logs in through the login form; fails the test unless the login is accepted. */
    public static WebSession login(ServerFixture fixture, String tenant, String user, String password) {
        HttpResponse<String> form = fixture.get("/login", null);
        String loginCookie = cookie(form, "pgbridge_login_csrf");
        String loginCsrf = csrfField(form.body());
        HttpResponse<String> ok = fixture.send(formRequest(fixture, "/login", loginCookie,
                Map.of("_csrf", loginCsrf, "tenant", tenant, "username", user, "password", password)));
        if (ok.statusCode() != 302) {
            throw new AssertionError("login of " + user + " in " + tenant + " failed with " + ok.statusCode() + ": " + ok.body());
        }
        String session = cookie(ok, "pgbridge_session");
        HttpResponse<String> home = fixture.send(fixture.request("/", null).header("Cookie", session).GET().build());
        return new WebSession(fixture, session, csrfField(home.body()));
    }

    public static WebSession login(ServerFixture fixture, String tenant, String user, Secret password) {
        return login(fixture, tenant, user, password.reveal());
    }

    /** A form post with the session's CSRF token, as htmx sends it when {@code htmx}, else as a plain form. */
    public HttpResponse<String> post(String path, Map<String, String> fields, boolean htmx) {
        return htmx ? htmxPost(path, fields) : post(path, fields);
    }

    /** The session cookie as a {@code Cookie} header value ({@code pgbridge_session=…}). */
    public String cookie() {
        return cookie;
    }

    public String csrf() {
        return csrf;
    }

    public HttpResponse<String> get(String path) {
        return fixture.send(fixture.request(path, null).header("Cookie", cookie).GET().build());
    }

    /** A GET as htmx sends it (HX-Request: true): the server answers a fragment. */
    public HttpResponse<String> htmxGet(String path) {
        return fixture.send(fixture.request(path, null).header("Cookie", cookie).header("HX-Request", "true")
                .header("X-CSRF-Token", csrf).GET().build());
    }

    /** A form post with the session's CSRF token. */
    public HttpResponse<String> post(String path, Map<String, String> fields) {
        Map<String, String> withToken = new java.util.LinkedHashMap<>(fields);
        withToken.put("_csrf", csrf);
        return fixture.send(formRequest(fixture, path, cookie, withToken));
    }

    /** A form post without any CSRF token (what a cross-site form would send). */
    public HttpResponse<String> postWithoutCsrf(String path, Map<String, String> fields) {
        return fixture.send(formRequest(fixture, path, cookie, fields));
    }

    /** A form post as htmx sends it: the token in the X-CSRF-Token header, HX-Request: true. */
    public HttpResponse<String> htmxPost(String path, Map<String, String> fields) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(fixture.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie).header("HX-Request", "true").header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields))).build();
        return fixture.send(request);
    }

    /** A multipart/form-data post with one file, as a browser uploads it; {@code withCsrf} adds the token field. */
    public HttpResponse<String> upload(String path, Map<String, String> fields, String fileField, String fileName,
                                       byte[] content, boolean withCsrf) {
        String boundary = "----pgbridge" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, String> all = new java.util.LinkedHashMap<>();
        if (withCsrf) {
            all.put("_csrf", csrf);
        }
        all.putAll(fields);
        all.forEach((k, v) -> body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k
                + "\"\r\n\r\n" + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\""
                + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(fixture.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return fixture.send(request);
    }

    static HttpRequest formRequest(ServerFixture fixture, String path, String cookie, Map<String, String> fields) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fixture.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields)));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return b.build();
    }

    static String encode(Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return body.toString();
    }

    /** The value of the first {@code _csrf} hidden field of a page. */
    public static String csrfField(String html) {
        Matcher m = CSRF_FIELD.matcher(html);
        if (!m.find()) {
            throw new AssertionError("the page has no CSRF field: " + html);
        }
        return m.group(1);
    }

    /** {@code name=value} of a Set-Cookie header of the response. */
    public static String cookie(HttpResponse<String> response, String name) {
        String header = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.headers()));
        return header.substring(0, header.indexOf(';'));
    }
}
