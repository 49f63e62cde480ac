package dev.pgbridge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.store.StoredConnection;
import dev.pgbridge.testing.SecretForms;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.pgbridge.server.ServerFixture.map;
import static dev.pgbridge.server.ServerFixture.parse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/connections} in Airflow's REST shape: every route, tenant isolation on each, the write-only password in
 * every response, PATCH's update_mask, validation errors and roles. Every response body of the class is kept and
 * scanned for every form of the special password.
 */
@Timeout(180)
class ConnectionsApiIT {
    private static final String PASSWORD = SecretForms.SPECIAL_PASSWORD;
    private static final String A = "team_a";
    private static final String B = "team_b";

    private static ServerFixture fixture;
    private static TestRole role;
    private static String editorA;
    private static String viewerA;
    private static String agentA;
    private static String editorB;
    private static final List<String> bodies = new ArrayList<>();

    @BeforeAll
    static void start() {
        fixture = ServerFixture.tls();
        editorA = fixture.token(A, Role.EDITOR);
        viewerA = fixture.token(A, Role.VIEWER);
        agentA = fixture.token(A, Role.AGENT);
        editorB = fixture.token(B, Role.EDITOR);
        role = TestingPostgres.get().createRole(TestingPostgres.uniqueName("apiconn"), PASSWORD);
    }

    @AfterAll
    static void stop() {
        try {
            role.close();
        }
        finally {
            fixture.close();
        }
    }

    @AfterEach
    void noResponseCarriedThePassword() {
        String all = String.join("\n", bodies);
        for (String form : SecretForms.of(PASSWORD)) {
            assertThat(all).as("a response contains a form of the password: " + form).doesNotContain(form);
        }
    }

    // ---- helpers: every call goes through here, so every body is scanned

    private static HttpResponse<String> call(String method, String path, String token, Object body) {
        HttpResponse<String> response = method.equals("GET") ? fixture.get("/api/v1" + path, token)
                : fixture.json(method, "/api/v1" + path, token, body);
        bodies.add(response.body());
        response.headers().map().forEach((k, v) -> bodies.add(k + ": " + v));
        return response;
    }

    private static HttpResponse<String> raw(String method, String path, String token, String contentType, String body) {
        HttpResponse<String> response = fixture.send(fixture.request("/api/v1" + path, token)
                .header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body)).build());
        bodies.add(response.body());
        return response;
    }

    private static Map<String, Object> pgConnection(String id, String password) {
        TestingPostgres pg = TestingPostgres.get();
        Map<String, Object> c = map("connection_id", id, "conn_type", "postgres", "host", pg.host(), "port", pg.port(),
                "schema", "postgres", "login", role.name(), "extra", "{\"sslmode\": \"disable\"}",
                "description", "the test server");
        if (password != null) {
            c.put("password", password);
        }
        return c;
    }

    private static StoredConnection saved(String tenant, String id) {
        return fixture.store().find(tenant, id).orElseThrow();
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = parse(response);
        assertThat(body.path("error").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.path("hint").asText()).isNotBlank();
    }

    // ---- create, read, list, delete

    @Test
    void createReadAndDeleteInAirflowShapeWithoutThePassword() {
        HttpResponse<String> created = call("POST", "/connections", editorA, pgConnection("crud_one", PASSWORD));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/connections/crud_one");
        JsonNode c = parse(created);
        assertThat(c.path("connection_id").asText()).isEqualTo("crud_one");
        assertThat(c.path("conn_type").asText()).isEqualTo("postgres");
        assertThat(c.path("port").isInt()).isTrue();
        assertThat(c.path("port").asInt()).isEqualTo(TestingPostgres.get().port());
        assertThat(c.path("schema").asText()).isEqualTo("postgres");
        assertThat(c.path("extra").isTextual()).isTrue();
        assertThat(c.path("extra").asText()).isEqualTo("{\"sslmode\": \"disable\"}");
        assertThat(c.has("password")).isFalse();
        assertThat(saved(A, "crud_one").config().password()).isEqualTo(Secret.of(PASSWORD));

        JsonNode read = parse(call("GET", "/connections/CRUD_ONE", viewerA, null));
        assertThat(read.path("connection_id").asText()).isEqualTo("crud_one");
        assertThat(read.path("description").asText()).isEqualTo("the test server");
        assertThat(read.has("password")).isFalse();

        HttpResponse<String> deleted = call("DELETE", "/connections/crud_one", editorA, null);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertError(call("GET", "/connections/crud_one", viewerA, null), 404, "CONNECTION_NOT_FOUND");
        assertError(call("DELETE", "/connections/crud_one", editorA, null), 404, "CONNECTION_NOT_FOUND");
    }

    @Test
    void extraMayBeAnObjectAndSensitiveExtraKeysAreWriteOnlyToo() {
        Map<String, Object> body = map("connection_id", "extra_obj", "host", "db.example", "port", "6432",
                "extra", map("sslmode", "verify-full", "sslpassword", PASSWORD, "connect_timeout", 5));
        HttpResponse<String> created = call("POST", "/connections", editorA, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode c = parse(created);
        assertThat(c.path("port").asInt()).isEqualTo(6432);
        assertThat(c.path("extra").asText()).contains("\"sslmode\": \"verify-full\"").contains("connect_timeout")
                .doesNotContain("sslpassword");
        // a PATCH of extra that leaves the never-shown sslpassword out keeps it
        HttpResponse<String> patched = call("PATCH", "/connections/extra_obj?update_mask=extra", editorA,
                map("extra", "{\"sslmode\": \"require\"}"));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(parse(patched).path("extra").asText()).contains("require").doesNotContain("sslpassword");
        assertThat(saved(A, "extra_obj").config().extraValue("sslpassword")).isEqualTo(PASSWORD);
        assertThat(saved(A, "extra_obj").config().extraValue("sslmode")).isEqualTo("require");
    }

    @Test
    void listPagesOrdersAndSearchesLikeAirflow() {
        String t = "team_list";
        String editor = fixture.token(t, Role.EDITOR);
        for (int i = 0; i < 105; i++) {
            fixture.store().add(ConnectionConfig.builder().connId(String.format("c%03d", i)).host("h" + (i % 7))
                    .port(String.valueOf(5000 + (i * 37) % 100)).database(i == 42 ? "needle_db" : "db").tenant(t)
                    .password(PASSWORD).build());
        }
        JsonNode first = parse(call("GET", "/connections", editor, null));
        assertThat(first.path("total_entries").asInt()).isEqualTo(105);
        assertThat(first.path("connections")).hasSize(100); // Airflow's default limit
        assertThat(first.path("connections").get(0).path("connection_id").asText()).isEqualTo("c000");
        for (JsonNode c : first.path("connections")) {
            assertThat(c.has("password")).isFalse();
        }

        JsonNode page = parse(call("GET", "/connections?limit=10&offset=100", editor, null));
        assertThat(page.path("total_entries").asInt()).isEqualTo(105);
        assertThat(ids(page)).containsExactly("c100", "c101", "c102", "c103", "c104");

        JsonNode desc = parse(call("GET", "/connections?limit=3&order_by=-connection_id", editor, null));
        assertThat(ids(desc)).containsExactly("c104", "c103", "c102");

        JsonNode byPort = parse(call("GET", "/connections?limit=105&order_by=port", editor, null));
        List<Integer> ports = new ArrayList<>();
        byPort.path("connections").forEach(c -> ports.add(c.path("port").asInt()));
        assertThat(ports).isSorted();

        JsonNode search = parse(call("GET", "/connections?search=NEEDLE", editor, null));
        assertThat(search.path("total_entries").asInt()).isEqualTo(1);
        assertThat(ids(search)).containsExactly("c042");
    }

    @Test
    void aListingIsNeverStaleAndAnswers304ToAClientThatHasIt() {
        String t = "team_fresh";
        String editor = fixture.token(t, Role.EDITOR);
        String otherTenant = fixture.token("team_fresh_other", Role.EDITOR);
        for (int i = 0; i < 3; i++) {
            fixture.store().add(ConnectionConfig.builder().connId("f" + i).host("h").tenant(t).password(PASSWORD).build());
        }
        HttpResponse<String> first = call("GET", "/connections", editor, null);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = fixture.send(fixture.request("/api/v1/connections", editor)
                .header("If-None-Match", etag).GET().build());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        // the same query in another tenant is another listing; an absent parameter is not the text "null"
        assertThat(parse(call("GET", "/connections", otherTenant, null)).path("total_entries").asInt()).isZero();
        assertThat(parse(call("GET", "/connections?search=null", editor, null)).path("total_entries").asInt()).isZero();
        assertThat(fixture.send(fixture.request("/api/v1/connections?search=null", editor)
                .header("If-None-Match", etag).GET().build()).statusCode()).isEqualTo(200);
        assertError(call("GET", "/connections?order_by=null", editor, null), 400, "INVALID_CONFIG");

        // edits in quick succession, each seen by the next listing (several land in the same millisecond)
        for (int n = 0; n < 20; n++) {
            String description = "edit " + n;
            HttpResponse<String> patched = call("PATCH", "/connections/f1?update_mask=description", editor,
                    map("description", description));
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
            JsonNode listed = parse(call("GET", "/connections", editor, null));
            assertThat(listed.path("connections").get(1).path("description").asText()).isEqualTo(description);
        }
        // a write by another process sharing the store (the CLI) is seen too
        fixture.store().delete(t, "f0");
        HttpResponse<String> after = fixture.send(fixture.request("/api/v1/connections", editor)
                .header("If-None-Match", etag).GET().build());
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(ids(parse(after))).containsExactly("f1", "f2");
        assertThat(after.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.path("connections").forEach(c -> ids.add(c.path("connection_id").asText()));
        return ids;
    }

    // ---- PATCH

    @Test
    void patchChangesExactlyTheFieldsOfTheUpdateMaskAndKeepsThePassword() {
        assertThat(call("POST", "/connections", editorA, pgConnection("patch_me", PASSWORD)).statusCode()).isEqualTo(201);
        long version = saved(A, "patch_me").credentialVersion();

        // the body carries host and port; the mask names only description: only it changes
        HttpResponse<String> masked = call("PATCH", "/connections/patch_me?update_mask=description", editorA,
                map("description", "changed", "host", "elsewhere.example", "port", 1));
        assertThat(masked.statusCode()).as(masked.body()).isEqualTo(200);
        JsonNode c = parse(masked);
        assertThat(c.path("description").asText()).isEqualTo("changed");
        assertThat(c.path("host").asText()).isEqualTo(TestingPostgres.get().host());
        assertThat(c.path("port").asInt()).isEqualTo(TestingPostgres.get().port());
        assertThat(saved(A, "patch_me").config().password()).isEqualTo(Secret.of(PASSWORD));
        assertThat(saved(A, "patch_me").credentialVersion()).isEqualTo(version);

        // two fields, repeated and comma forms; a named field missing from the body becomes null
        HttpResponse<String> two = call("PATCH", "/connections/patch_me?update_mask=login,description&update_mask=port",
                editorA, map("login", role.name(), "port", String.valueOf(TestingPostgres.get().port())));
        assertThat(two.statusCode()).as(two.body()).isEqualTo(200);
        assertThat(parse(two).path("description").isNull()).isTrue();

        // without a mask: the fields present change, the password (absent) stays
        HttpResponse<String> present = call("PATCH", "/connections/patch_me", editorA, map("description", "again"));
        assertThat(parse(present).path("description").asText()).isEqualTo("again");
        assertThat(parse(present).path("schema").asText()).isEqualTo("postgres");
        assertThat(saved(A, "patch_me").config().password()).isEqualTo(Secret.of(PASSWORD));

        // the mask names password but the body has none (or an empty one): the saved one stays
        call("PATCH", "/connections/patch_me?update_mask=password", editorA, map("password", ""));
        assertThat(saved(A, "patch_me").config().password()).isEqualTo(Secret.of(PASSWORD));

        // a new password is taken, and the credential version moves
        call("PATCH", "/connections/patch_me?update_mask=password", editorA, map("password", "other secret"));
        assertThat(saved(A, "patch_me").config().password()).isEqualTo(Secret.of("other secret"));
        assertThat(saved(A, "patch_me").credentialVersion()).isGreaterThan(version);
        call("PATCH", "/connections/patch_me", editorA, map("password", PASSWORD));
        assertThat(saved(A, "patch_me").config().password()).isEqualTo(Secret.of(PASSWORD));
    }

    @Test
    void patchRefusesAnotherIdAnUnknownFieldAndAnEmptyChange() {
        call("POST", "/connections", editorA, map("connection_id", "patch_bad", "host", "h"));
        assertError(call("PATCH", "/connections/patch_bad", editorA, map("connection_id", "renamed")), 400, "INVALID_CONFIG");
        assertError(call("PATCH", "/connections/patch_bad?update_mask=hostname", editorA, map("host", "x")), 400,
                "INVALID_CONFIG");
        assertError(call("PATCH", "/connections/patch_bad", editorA, map()), 400, "INVALID_CONFIG");
        assertError(call("PATCH", "/connections/patch_bad?update_mask=port", editorA, map("port", 70000)), 400,
                "INVALID_URI");
        assertThat(saved(A, "patch_bad").config().host()).isEqualTo("h");
    }

    // ---- validation

    @Test
    void validationErrorsAre400WithErrorMessageAndHint() {
        assertError(raw("POST", "/connections", editorA, "application/json", "{not json"), 400, "INVALID_URI");
        assertError(call("POST", "/connections", editorA, map("host", "h")), 400, "INVALID_CONFIG"); // no id
        assertError(call("POST", "/connections", editorA, map("connection_id", "bad id!")), 400, "INVALID_URI");
        assertError(call("POST", "/connections", editorA, map("connection_id", "x1", "pasword", PASSWORD)), 400,
                "INVALID_URI");
        assertError(call("POST", "/connections", editorA, map("connection_id", "x2", "port", "abc")), 400, "INVALID_URI");
        assertError(call("POST", "/connections", editorA, map("connection_id", "x3", "conn_type", "mysql")), 400,
                "INVALID_URI");
        assertError(call("POST", "/connections", editorA, map("connection_id", "x4", "extra", "[1, 2]")), 400,
                "INVALID_URI");
        assertError(call("GET", "/connections?limit=-1", viewerA, null), 400, "INVALID_CONFIG");
        assertError(call("GET", "/connections?limit=lots", viewerA, null), 400, "INVALID_CONFIG");
        assertError(call("GET", "/connections?order_by=password", viewerA, null), 400, "INVALID_CONFIG");
        assertError(call("GET", "/connections/bad%20id", viewerA, null), 400, "INVALID_CONN_ID");
        call("POST", "/connections", editorA, map("connection_id", "twice"));
        assertError(call("POST", "/connections", editorA, map("connection_id", "TWICE")), 409, "CONNECTION_EXISTS");
        for (String id : List.of("x1", "x2", "x3", "x4")) {
            assertThat(fixture.store().find(A, id)).isEmpty();
        }
    }

    // ---- roles

    @Test
    void aViewerReadsButCannotWriteOrTestAndAnAgentUsesItsOwnChannel() {
        call("POST", "/connections", editorA, map("connection_id", "roles_one", "host", "h"));
        assertThat(call("GET", "/connections", viewerA, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/connections/roles_one", viewerA, null).statusCode()).isEqualTo(200);
        assertError(call("POST", "/connections", viewerA, map("connection_id", "by_viewer")), 403, "FORBIDDEN");
        assertError(call("PATCH", "/connections/roles_one", viewerA, map("host", "x")), 403, "FORBIDDEN");
        assertError(call("DELETE", "/connections/roles_one", viewerA, null), 403, "FORBIDDEN");
        assertError(call("POST", "/connections/test", viewerA, map("host", "h")), 403, "FORBIDDEN");
        assertError(call("POST", "/connections/roles_one/test", viewerA, null), 403, "FORBIDDEN");
        assertError(call("POST", "/connections/import", viewerA, map()), 403, "FORBIDDEN");
        assertError(call("GET", "/connections", agentA, null), 403, "FORBIDDEN");
        assertError(call("GET", "/connections", null, null), 401, "UNAUTHENTICATED");
        assertThat(fixture.store().find(A, "by_viewer")).isEmpty();
        assertThat(saved(A, "roles_one").config().host()).isEqualTo("h");
    }

    // ---- tenant isolation

    @Test
    void anotherTenantsConnectionIsNotThereOnAnyRoute() {
        call("POST", "/connections", editorA, pgConnection("tenant_a_only", PASSWORD));
        StoredConnection before = saved(A, "tenant_a_only");

        assertError(call("GET", "/connections/tenant_a_only", editorB, null), 404, "CONNECTION_NOT_FOUND");
        assertThat(parse(call("GET", "/connections/tenant_a_only", editorB, null)).path("message").asText())
                .contains("team_b");
        assertThat(ids(parse(call("GET", "/connections?limit=10000", editorB, null)))).doesNotContain("tenant_a_only");
        assertThat(parse(call("GET", "/connections?search=tenant_a", editorB, null)).path("total_entries").asInt())
                .isZero();
        assertError(call("PATCH", "/connections/tenant_a_only", editorB, map("host", "evil.example")), 404,
                "CONNECTION_NOT_FOUND");
        assertError(call("DELETE", "/connections/tenant_a_only", editorB, null), 404, "CONNECTION_NOT_FOUND");
        assertError(call("POST", "/connections/tenant_a_only/test", editorB, null), 404, "CONNECTION_NOT_FOUND");
        // testing an unsaved connection with A's id, no password: A's saved password is not used for B
        JsonNode test = parse(call("POST", "/connections/test", editorB, pgConnection("tenant_a_only", null)));
        assertThat(test.path("status").asBoolean()).isFalse();
        assertThat(stepStatus(test, "authentication")).isEqualTo("fail");
        // an import into B with A's id lands in B, never in A
        HttpResponse<String> imported = raw("POST", "/connections/import?overwrite=true", editorB, "application/json",
                "{\"tenant_a_only\": {\"conn_type\": \"postgres\", \"host\": \"evil.example\"}}");
        assertThat(parse(imported).path("added")).hasSize(1);

        StoredConnection after = saved(A, "tenant_a_only");
        assertThat(after.config()).isEqualTo(before.config());
        assertThat(after.updatedAt()).isEqualTo(before.updatedAt());
        assertThat(saved(B, "tenant_a_only").config().host()).isEqualTo("evil.example");
        assertThat(saved(B, "tenant_a_only").config().password()).isNull();
    }

    // ---- test

    @Test
    void testAnswersAirflowsStatusAndMessageWithTheStepsAndUsesTheSavedPassword() {
        call("POST", "/connections", editorA, pgConnection("tested", PASSWORD));

        JsonNode saved = parse(call("POST", "/connections/tested/test", editorA, null));
        assertThat(saved.path("status").asBoolean()).as(saved.toString()).isTrue();
        assertThat(saved.path("message").asText()).isEqualTo("Connection successfully tested");
        assertThat(stepStatus(saved, "authentication")).isEqualTo("ok");
        assertThat(stepStatus(saved, "server_version")).isEqualTo("ok");

        // an edit tested before saving, without retyping the password
        JsonNode edit = parse(call("POST", "/connections/test", editorA, pgConnection("tested", null)));
        assertThat(edit.path("status").asBoolean()).as(edit.toString()).isTrue();

        // the typed password wins over the saved one
        JsonNode wrong = parse(call("POST", "/connections/test", editorA, pgConnection("tested", "not the password")));
        assertThat(wrong.path("status").asBoolean()).isFalse();
        assertThat(stepStatus(wrong, "authentication")).isEqualTo("fail");
        JsonNode failed = step(wrong, "authentication");
        assertThat(failed.path("error").asText()).isEqualTo("AUTHENTICATION_FAILED");
        assertThat(failed.path("hint").asText()).isNotBlank();
        assertThat(wrong.path("message").asText()).isEqualTo(failed.path("detail").asText());

        // a new connection with the special password, never saved
        JsonNode fresh = parse(call("POST", "/connections/test", editorA, pgConnection("never_saved", PASSWORD)));
        assertThat(fresh.path("status").asBoolean()).as(fresh.toString()).isTrue();
        assertThat(fixture.store().find(A, "never_saved")).isEmpty();
    }

    private static JsonNode step(JsonNode report, String name) {
        for (JsonNode s : report.path("steps")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + report);
    }

    private static String stepStatus(JsonNode report, String name) {
        return step(report, name).path("status").asText();
    }

    // ---- import

    @Test
    void importTakesAirflowExportFilesAndReportsEveryProblemAtOnce() {
        String export = """
                {
                  "imp_one": {"conn_type": "postgres", "description": null, "login": "u", "password": "%s",
                              "host": "db1", "port": 5432, "schema": "app", "extra": "{\\"sslmode\\": \\"require\\"}"},
                  "imp_two": "postgres://u2@db2:6543/other"
                }""".formatted(PASSWORD.replace("\\", "\\\\"));
        HttpResponse<String> first = raw("POST", "/connections/import", editorA, "application/json", export);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(parse(first).path("added").toString()).isEqualTo("[\"imp_one\",\"imp_two\"]");
        assertThat(saved(A, "imp_one").config().password()).isEqualTo(Secret.of(PASSWORD));
        assertThat(saved(A, "imp_two").config().port()).isEqualTo("6543");

        JsonNode again = parse(raw("POST", "/connections/import", editorA, "application/json", export));
        assertThat(again.path("skipped")).hasSize(2);
        JsonNode replaced = parse(raw("POST", "/connections/import?overwrite=true", editorA, "application/json",
                "[{\"connection_id\": \"imp_one\", \"host\": \"db9\"}]"));
        assertThat(replaced.path("replaced").toString()).isEqualTo("[\"imp_one\"]");
        assertThat(saved(A, "imp_one").config().host()).isEqualTo("db9");
        assertThat(saved(A, "imp_one").config().password()).isEqualTo(Secret.of(PASSWORD)); // kept

        JsonNode yaml = parse(raw("POST", "/connections/import?format=yaml", editorA, "application/yaml",
                "imp_yaml:\n  conn_type: postgres\n  host: db3\n"));
        assertThat(yaml.path("added").toString()).isEqualTo("[\"imp_yaml\"]");
        JsonNode env = parse(raw("POST", "/connections/import?format=env", editorA, "text/plain",
                "# a comment\nimp_env=postgresql://u@db4/x\n"));
        assertThat(env.path("added").toString()).isEqualTo("[\"imp_env\"]");

        HttpResponse<String> bad = raw("POST", "/connections/import", editorA, "application/json",
                "{\"imp_bad1\": {\"host\": \"h\", \"port\": \"x\"}, \"imp ok?\": \"postgres://h/db\", "
                        + "\"imp_bad3\": {\"conn_type\": \"mysql\"}}");
        assertError(bad, 400, "INVALID_URI");
        assertThat(parse(bad).path("message").asText()).contains("3 problem(s)").contains("imp_bad1").contains("imp_bad3");
        assertThat(fixture.store().find(A, "imp_bad1")).isEmpty();
        assertError(raw("POST", "/connections/import?format=xml", editorA, "application/xml", "<x/>"), 400,
                "INVALID_CONFIG");
    }
}
