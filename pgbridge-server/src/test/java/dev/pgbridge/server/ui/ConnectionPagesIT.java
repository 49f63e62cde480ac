package dev.pgbridge.server.ui;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.WebSession;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.store.StoredConnection;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Admin → Connections in-process over TLS: list, form, Test, delete, import, CSRF, roles and tenants. */
@Timeout(180)
class ConnectionPagesIT {
    static final String PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";
    private static final Pattern ROW_ID = Pattern.compile("<tr data-conn-id=\"([a-z0-9_]+)\"");

    private static ServerFixture fixture;
    private static TestRole role;

    @BeforeAll
    static void start() {
        fixture = ServerFixture.tls();
        role = TestingPostgres.get().createRole(TestingPostgres.uniqueName("pgb_ui"), PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (role != null) {
            role.close();
        }
        fixture.close();
    }

    @Test
    void listSearchesSortsAndPages() {
        for (int i = 0; i < 30; i++) {
            fixture.store().add(ConnectionConfig.builder().connId(String.format(Locale.ROOT, "lst_%02d", i))
                    .host(i % 2 == 0 ? "even.example.com" : "odd.example.com").port(String.valueOf(5400 + i))
                    .database("db" + (29 - i)).login("u").tenant("lists").build());
        }
        WebSession viewer = WebSession.newUser(fixture, "lists", "lister", Role.VIEWER);

        HttpResponse<String> first = viewer.get("/admin/connections");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("<table id=\"connections\"").contains("Showing 1–25 of 30")
                .contains("Conn Id").contains("Conn Type").contains("Host").contains("Database").contains("Login")
                .contains("Port").contains("Description");
        assertThat(rows(first.body())).hasSize(25).first().isEqualTo("lst_00");
        assertThat(first.body()).contains("href=\"/admin/connections?page=2\"");

        assertThat(rows(viewer.get("/admin/connections?page=2").body())).containsExactly("lst_25", "lst_26", "lst_27", "lst_28", "lst_29");
        // a page past the end shows the last one
        assertThat(rows(viewer.get("/admin/connections?page=9").body())).hasSize(5);

        // search: any of id, host, database, login, description; case-insensitive
        HttpResponse<String> odd = viewer.get("/admin/connections?q=ODD.example&size=100");
        assertThat(rows(odd.body())).hasSize(15).allMatch(id -> Integer.parseInt(id.substring(4)) % 2 == 1);
        assertThat(odd.body()).contains("value=\"ODD.example\"");

        // sort: the header links toggle ascending and descending, and keep the search
        assertThat(odd.body()).contains("href=\"/admin/connections?q=ODD.example&amp;order=schema&amp;size=100\"");
        List<String> byDatabase = rows(viewer.get("/admin/connections?q=ODD.example&order=schema&size=100").body());
        assertThat(byDatabase.get(0)).isEqualTo("lst_29"); // db0
        HttpResponse<String> ascending = viewer.get("/admin/connections?order=port");
        assertThat(ascending.body()).contains("aria-sort=\"ascending\"")
                .contains("href=\"/admin/connections?order=-port\"");
        List<String> descending = rows(viewer.get("/admin/connections?order=-connection_id").body());
        assertThat(descending.get(0)).isEqualTo("lst_29");

        // htmx gets the table fragment only, which the same links drive
        HttpResponse<String> fragment = viewer.htmxGet("/admin/connections?q=even&page=1");
        assertThat(fragment.statusCode()).isEqualTo(200);
        assertThat(fragment.body().strip()).startsWith("<div id=\"connections-results\">").doesNotContain("<html");
        assertThat(rows(fragment.body())).hasSize(15);

        // Back after a swap: htmx asks for the whole page when it has no snapshot of it
        HttpResponse<String> restore = fixture.send(fixture.request("/admin/connections?q=even", null)
                .header("Cookie", viewer.cookie()).header("HX-Request", "true").header("HX-History-Restore-Request", "true").GET().build());
        assertThat(restore.body()).contains("<html").contains("<table id=\"connections\"");

        HttpResponse<String> bad = viewer.get("/admin/connections?order=password");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("cannot order by 'password'").contains("Hint:");
    }

    @Test
    void addEditWithoutRetypingThePasswordKeepsItAndTestPasses() {
        WebSession editor = WebSession.newUser(fixture, "edits", "eddie", Role.EDITOR);
        TestingPostgres pg = TestingPostgres.get();
        HttpResponse<String> form = editor.get("/admin/connections/new");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("id=\"conn_id\"").contains("Database (Airflow: Schema)")
                .contains("autocomplete=\"new-password\"").contains("id=\"save\"").contains("id=\"test\"")
                .contains("<option value=\"verify-full\">verify-full</option>");

        Map<String, String> fields = fields("ui_pg", pg.host(), String.valueOf(pg.port()), "postgres", role.name());
        fields.put("password", PASSWORD);
        fields.put("sslmode", "disable");
        fields.put("extra", "{\"connect_timeout\": 5, \"application_name\": \"ui-test\"}");
        fields.put("description", "made in the UI");

        // Test before saving: the typed password is used
        HttpResponse<String> tested = editor.htmxPost("/admin/connections/test", withMode(fields, "new"));
        assertThat(tested.statusCode()).isEqualTo(200);
        assertThat(tested.body()).contains("Connection test passed").contains("data-step=\"authentication\" data-status=\"OK\"");

        HttpResponse<String> saved = editor.post("/admin/connections", withMode(fields, "new"));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
        assertThat(saved.headers().firstValue("Location")).hasValue("/admin/connections/ui_pg?saved=1");
        StoredConnection stored = fixture.store().find("edits", "ui_pg").orElseThrow();
        assertThat(stored.config().password().reveal()).isEqualTo(PASSWORD);
        assertThat(stored.config().extraMap()).containsEntry("sslmode", "disable").containsEntry("connect_timeout", 5);

        HttpResponse<String> detail = editor.get("/admin/connections/ui_pg?saved=1");
        assertThat(detail.body()).contains("Saved connection ui_pg").contains("AIRFLOW_CONN_UI_PG=postgresql://"
                + role.name() + ":***@" + pg.host() + ":" + pg.port() + "/postgres?connect_timeout=5&amp;application_name=ui-test&amp;sslmode=disable");

        // the edit form shows everything but the password, and says how it is kept
        HttpResponse<String> edit = editor.get("/admin/connections/ui_pg/edit");
        assertThat(edit.body()).contains("Leave empty to keep the saved password").contains("id=\"clear_password\"")
                .contains(">made in the UI</textarea>").contains("<option value=\"disable\" selected>");
        assertThat(edit.body()).doesNotContain("name=\"password\" value");

        // edit without retyping the password: it stays, and Test (empty password field) uses it
        Map<String, String> changed = new LinkedHashMap<>(fields);
        changed.put("password", "");
        changed.put("description", "edited");
        changed.put("extra", "{\"connect_timeout\": 7}");
        HttpResponse<String> updated = editor.post("/admin/connections/ui_pg", withMode(changed, "edit"));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(302);
        StoredConnection after = fixture.server().services().connectionService()
                .get(new dev.pgbridge.server.auth.Principal("edits", "eddie", Role.EDITOR), "ui_pg");
        assertThat(after.config().password().reveal()).isEqualTo(PASSWORD);
        assertThat(after.config().description()).isEqualTo("edited");
        assertThat(after.config().extraMap()).containsEntry("connect_timeout", 7).containsEntry("sslmode", "disable");

        HttpResponse<String> retest = editor.htmxPost("/admin/connections/test", withMode(changed, "edit"));
        assertThat(retest.body()).contains("Connection test passed");
        // without JavaScript the Test button posts the form and gets it back with the steps
        HttpResponse<String> plainTest = editor.post("/admin/connections/test", withMode(changed, "edit"));
        assertThat(plainTest.statusCode()).isEqualTo(200);
        assertThat(plainTest.body()).contains("<html").contains("Connection test passed").contains(">edited</textarea>");

        // a wrong new password is used by Test (and fails at authentication with the CLI's message and hint) …
        Map<String, String> wrong = new LinkedHashMap<>(changed);
        wrong.put("password", "not-the-password");
        HttpResponse<String> failed = editor.htmxPost("/admin/connections/test", withMode(wrong, "edit"));
        assertThat(failed.body()).contains("Connection test failed").contains("data-step=\"authentication\" data-status=\"FAIL\"")
                .contains("Hint:");
        // … and the saved one is still the old one
        assertThat(fixture.store().find("edits", "ui_pg").orElseThrow().config().password().reveal()).isEqualTo(PASSWORD);

        // clear the password
        Map<String, String> clear = new LinkedHashMap<>(changed);
        clear.put("clear_password", "1");
        assertThat(editor.post("/admin/connections/ui_pg", withMode(clear, "edit")).statusCode()).isEqualTo(302);
        assertThat(fixture.store().find("edits", "ui_pg").orElseThrow().config().password().isEmpty()).isTrue();
        assertThat(editor.get("/admin/connections/ui_pg").body()).contains("not set")
                .contains("AIRFLOW_CONN_UI_PG=postgresql://" + role.name() + "@");
    }

    @Test
    void badExtraJsonIsOneLineNextToTheFieldWithAHint() {
        WebSession editor = WebSession.newUser(fixture, "extras", "ed", Role.EDITOR);
        Map<String, String> fields = fields("bad_extra", "db.example.com", "5432", "app", "u");
        fields.put("extra", "{\"connect_timeout\": 5,, \"sslpassword\": \"hush-secret-1\"}");
        HttpResponse<String> response = editor.post("/admin/connections", withMode(fields, "new"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("id=\"extra-error\"").contains("Extra is not valid JSON (line 1, column")
                .contains("Hint: write a JSON object").contains("aria-describedby=\"extra-error\"");
        assertThat(fixture.store().find("extras", "bad_extra")).isEmpty();

        fields.put("extra", "[1, 2]");
        assertThat(editor.post("/admin/connections", withMode(fields, "new")).body()).contains("Extra must be a JSON object, not a list");
        fields.put("extra", "{\"sslmode\": \"sometimes\"}");
        assertThat(editor.post("/admin/connections", withMode(fields, "new")).body())
                .contains("extra sslmode is 'sometimes'; allowed: disable, allow, prefer, require, verify-ca, verify-full");
        fields.put("extra", "");
        fields.put("port", "99999");
        assertThat(editor.post("/admin/connections", withMode(fields, "new")).body()).contains("id=\"port-error\"");

        // a secret extra value is masked on every page and kept when sent back masked
        fields.put("port", "5432");
        fields.put("extra", "{\"sslpassword\": \"hush-secret-1\", \"application_name\": \"x\"}");
        assertThat(editor.post("/admin/connections", withMode(fields, "new")).statusCode()).isEqualTo(302);
        HttpResponse<String> edit = editor.get("/admin/connections/bad_extra/edit");
        assertThat(edit.body()).contains("\"sslpassword\" : \"***\"").doesNotContain("hush-secret-1");
        assertThat(editor.get("/admin/connections/bad_extra").body()).doesNotContain("hush-secret-1");
        fields.put("extra", "{\"sslpassword\": \"***\", \"application_name\": \"y\"}");
        assertThat(editor.post("/admin/connections/bad_extra", withMode(fields, "edit")).statusCode()).isEqualTo(302);
        assertThat(fixture.store().find("extras", "bad_extra").orElseThrow().config().extraMap())
                .containsEntry("sslpassword", "hush-secret-1").containsEntry("application_name", "y");

        // an existing id: the CLI's message and hint, the form kept
        HttpResponse<String> again = editor.post("/admin/connections", withMode(fields, "new"));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("class=\"error\"").contains("Hint:").contains("value=\"db.example.com\"");
    }

    @Test
    void savingAnUnchangedExtraKeepsItsTextAndTheCredentialVersion() {
        fixture.store().add(ConnectionConfig.builder().connId("steady").host("h.example.com").login("u")
                .extra("{\"connect_timeout\":   5,\"sslmode\":\"require\"}").tenant("steady").build());
        long before = fixture.store().find("steady", "steady").orElseThrow().credentialVersion();
        WebSession editor = WebSession.newUser(fixture, "steady", "stan", Role.EDITOR);
        HttpResponse<String> edit = editor.get("/admin/connections/steady/edit");
        assertThat(edit.body()).contains("<option value=\"require\" selected>").contains("&#34;connect_timeout&#34; : 5".replace("&#34;", "\""));
        Map<String, String> fields = fields("steady", "h.example.com", "", "", "u");
        fields.put("extra", "{\"connect_timeout\": 5}");
        fields.put("sslmode", "require");
        fields.put("description", "only the description changed");
        assertThat(editor.post("/admin/connections/steady", withMode(fields, "edit")).statusCode()).isEqualTo(302);
        StoredConnection after = fixture.store().find("steady", "steady").orElseThrow();
        assertThat(after.config().description()).isEqualTo("only the description changed");
        assertThat(after.config().extra()).isEqualTo("{\"connect_timeout\":   5,\"sslmode\":\"require\"}");
        assertThat(after.credentialVersion()).isEqualTo(before);
    }

    @Test
    void noPageEverContainsThePasswordInAnyForm() {
        WebSession editor = WebSession.newUser(fixture, "secrets", "sam", Role.EDITOR);
        TestingPostgres pg = TestingPostgres.get();
        Map<String, String> fields = fields("secret_pg", pg.host(), String.valueOf(pg.port()), "postgres", role.name());
        fields.put("password", PASSWORD);
        fields.put("sslmode", "disable");
        List<HttpResponse<String>> pages = new ArrayList<>();
        pages.add(editor.htmxPost("/admin/connections/test", withMode(fields, "new")));
        pages.add(editor.post("/admin/connections/test", withMode(fields, "new")));
        pages.add(editor.post("/admin/connections", withMode(fields, "new")));
        // a failing save renders the form again: without the typed password
        Map<String, String> badPort = new LinkedHashMap<>(fields);
        badPort.put("port", "0");
        pages.add(editor.post("/admin/connections", withMode(badPort, "new")));
        pages.add(editor.get("/admin/connections"));
        pages.add(editor.htmxGet("/admin/connections?q=secret"));
        pages.add(editor.get("/admin/connections/secret_pg"));
        pages.add(editor.get("/admin/connections/secret_pg?saved=1"));
        pages.add(editor.get("/admin/connections/secret_pg/edit"));
        pages.add(editor.get("/admin/connections/secret_pg/delete"));
        Map<String, String> keep = new LinkedHashMap<>(fields);
        keep.put("password", "");
        pages.add(editor.htmxPost("/admin/connections/test", withMode(keep, "edit")));
        pages.add(editor.post("/admin/connections/test", withMode(keep, "edit")));
        pages.add(editor.post("/admin/connections/secret_pg", withMode(badPort, "edit")));
        pages.add(editor.get("/admin/connections/import"));
        pages.add(editor.get("/"));
        assertThat(fixture.store().find("secrets", "secret_pg").orElseThrow().config().password().reveal()).isEqualTo(PASSWORD);
        assertThat(pages.get(0).body()).contains("Connection test passed");
        for (HttpResponse<String> page : pages) {
            for (String form : passwordForms(PASSWORD)) {
                assertThat(page.body()).as(page.request().method() + " " + page.request().uri() + " contains " + form)
                        .doesNotContain(form);
            }
        }
    }

    @Test
    void everyActionNeedsTheCsrfToken() {
        fixture.saveTestPostgres("csrf", "csrf_pg");
        WebSession editor = WebSession.newUser(fixture, "csrf", "cathy", Role.EDITOR);
        Map<String, String> fields = withMode(fields("csrf_new", "h", "5432", "d", "u"), "new");
        assertThat(editor.postWithoutCsrf("/admin/connections", fields).statusCode()).isEqualTo(403);
        assertThat(editor.postWithoutCsrf("/admin/connections/test", fields).statusCode()).isEqualTo(403);
        Map<String, String> edit = withMode(fields("csrf_pg", "elsewhere", "5432", "d", "u"), "edit");
        assertThat(editor.postWithoutCsrf("/admin/connections/csrf_pg", edit).statusCode()).isEqualTo(403);
        assertThat(editor.postWithoutCsrf("/admin/connections/csrf_pg/delete", Map.of()).statusCode()).isEqualTo(403);
        HttpResponse<String> upload = editor.upload("/admin/connections/import", Map.of(), "file", "c.json",
                "{\"csrf_import\": \"postgresql://u@h/d\"}".getBytes(StandardCharsets.UTF_8), false);
        assertThat(upload.statusCode()).isEqualTo(403);
        assertThat(upload.body()).contains("security token is missing or stale");
        // nothing changed
        assertThat(fixture.store().find("csrf", "csrf_new")).isEmpty();
        assertThat(fixture.store().find("csrf", "csrf_import")).isEmpty();
        assertThat(fixture.store().find("csrf", "csrf_pg").orElseThrow().config().host()).isEqualTo(TestingPostgres.get().host());
    }

    @Test
    void aViewerSeesNoEditButtonsAndIsRefusedEveryAction() {
        fixture.saveTestPostgres("viewing", "seen_pg");
        WebSession viewer = WebSession.newUser(fixture, "viewing", "vera", Role.VIEWER);
        HttpResponse<String> list = viewer.get("/admin/connections");
        assertThat(rows(list.body())).containsExactly("seen_pg");
        assertThat(list.body()).doesNotContain("id=\"add\"").doesNotContain("id=\"import\"").doesNotContain("/edit\"")
                .doesNotContain("/delete\"");
        HttpResponse<String> detail = viewer.get("/admin/connections/seen_pg");
        assertThat(detail.statusCode()).isEqualTo(200);
        assertThat(detail.body()).contains("AIRFLOW_CONN_SEEN_PG").doesNotContain("id=\"edit\"")
                .doesNotContain("id=\"delete\"").doesNotContain("id=\"test\"");
        for (String page : List.of("/admin/connections/new", "/admin/connections/seen_pg/edit", "/admin/connections/seen_pg/delete",
                "/admin/connections/import")) {
            assertThat(viewer.get(page).statusCode()).as(page).isEqualTo(403);
        }
        Map<String, String> fields = fields("seen_pg", "h", "5432", "d", "u");
        assertThat(viewer.post("/admin/connections", withMode(fields, "new")).statusCode()).isEqualTo(403);
        assertThat(viewer.post("/admin/connections/seen_pg", withMode(fields, "edit")).statusCode()).isEqualTo(403);
        HttpResponse<String> test = viewer.htmxPost("/admin/connections/test", withMode(fields, "edit"));
        assertThat(test.statusCode()).isEqualTo(403);
        assertThat(test.body()).contains("may not do this: it needs the editor role").contains("Hint:");
        assertThat(viewer.post("/admin/connections/seen_pg/delete", Map.of()).statusCode()).isEqualTo(403);
        assertThat(viewer.upload("/admin/connections/import", Map.of(), "file", "c.json",
                "{\"v_import\": \"postgresql://u@h/d\"}".getBytes(StandardCharsets.UTF_8), true).statusCode()).isEqualTo(403);
        assertThat(fixture.store().find("viewing", "seen_pg").orElseThrow().config().host()).isEqualTo(TestingPostgres.get().host());
        assertThat(fixture.store().find("viewing", "v_import")).isEmpty();
    }

    @Test
    void anotherTenantsConnectionsAreNotThere() {
        fixture.saveTestPostgres("tenant_a", "a_only");
        WebSession b = WebSession.newUser(fixture, "tenant_b", "bob", Role.ADMIN);
        HttpResponse<String> list = b.get("/admin/connections?q=a_only");
        assertThat(list.body()).doesNotContain("data-conn-id=\"a_only\"").doesNotContain("/admin/connections/a_only")
                .contains("No connection matches");
        assertThat(rows(b.get("/admin/connections").body())).doesNotContain("a_only");
        for (String page : List.of("/admin/connections/a_only", "/admin/connections/a_only/edit", "/admin/connections/a_only/delete")) {
            HttpResponse<String> response = b.get(page);
            assertThat(response.statusCode()).as(page).isEqualTo(404);
            assertThat(response.body()).contains("no connection 'a_only' in tenant 'tenant_b'");
        }
        assertThat(b.post("/admin/connections/a_only/delete", Map.of()).statusCode()).isEqualTo(404);
        assertThat(b.post("/admin/connections/a_only", withMode(fields("a_only", "evil", "5432", "d", "u"), "edit")).statusCode())
                .isEqualTo(404);
        // the Test of an edit cannot borrow tenant A's saved password
        HttpResponse<String> test = b.htmxPost("/admin/connections/test", withMode(fields("a_only", "h", "5432", "d", "u"), "edit"));
        assertThat(test.statusCode()).isEqualTo(404);
        // the same id in tenant B is a connection of its own
        Map<String, String> own = withMode(fields("a_only", "b.example.com", "5432", "d", "u"), "new");
        assertThat(b.post("/admin/connections", own).statusCode()).isEqualTo(302);
        assertThat(fixture.store().find("tenant_a", "a_only").orElseThrow().config().host()).isEqualTo(TestingPostgres.get().host());
        assertThat(fixture.store().find("tenant_b", "a_only").orElseThrow().config().host()).isEqualTo("b.example.com");
    }

    @Test
    void importsAnAirflowExportFileAndSaysWhatItAddedAndSkipped() {
        fixture.store().add(ConnectionConfig.builder().connId("imp_existing").host("old.example.com").tenant("imports").build());
        WebSession editor = WebSession.newUser(fixture, "imports", "ivan", Role.EDITOR);
        String export = """
                {
                  "imp_uri": "postgres://loader:%s@db.example.com:5433/warehouse?sslmode=require",
                  "imp_fields": {"conn_type": "postgres", "host": "h2.example.com", "login": "app", "password": "%s",
                                 "schema": "sales", "port": 5432, "extra": "{\\"connect_timeout\\": 3}", "description": "from airflow"},
                  "IMP_EXISTING": {"conn_type": "postgres", "host": "new.example.com"}
                }
                """.formatted(URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8).replace("+", "%20"), "json-" + "pw");
        HttpResponse<String> result = editor.upload("/admin/connections/import", Map.of(), "file", "connections.json",
                export.getBytes(StandardCharsets.UTF_8), true);
        assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
        assertThat(result.body()).contains("2 added, 0 replaced, 1 skipped").contains("imp_uri, imp_fields")
                .contains("id=\"import-skipped\">imp_existing<");
        assertThat(fixture.store().find("imports", "imp_uri").orElseThrow().config().password().reveal()).isEqualTo(PASSWORD);
        ConnectionConfig fieldsForm = fixture.store().find("imports", "imp_fields").orElseThrow().config();
        assertThat(fieldsForm.database()).isEqualTo("sales");
        assertThat(fieldsForm.description()).isEqualTo("from airflow");
        assertThat(fixture.store().find("imports", "imp_existing").orElseThrow().config().host()).isEqualTo("old.example.com");
        for (String form : passwordForms(PASSWORD)) {
            assertThat(result.body()).doesNotContain(form);
        }

        HttpResponse<String> overwrite = editor.upload("/admin/connections/import", Map.of("overwrite", "1"), "file",
                "connections.json", export.getBytes(StandardCharsets.UTF_8), true);
        assertThat(overwrite.body()).contains("0 added, 3 replaced, 0 skipped");
        assertThat(fixture.store().find("imports", "imp_existing").orElseThrow().config().host()).isEqualTo("new.example.com");

        HttpResponse<String> broken = editor.upload("/admin/connections/import", Map.of(), "file", "broken.json",
                "{\"x\": ".getBytes(StandardCharsets.UTF_8), true);
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).contains("cannot import broken.json: 1 problem(s): the file is not JSON").contains("Hint:");
        HttpResponse<String> wrongType = editor.upload("/admin/connections/import", Map.of(), "file", "c.csv",
                "a,b".getBytes(StandardCharsets.UTF_8), true);
        assertThat(wrongType.body()).contains("unsupported file format '.csv'");
        HttpResponse<String> env = editor.upload("/admin/connections/import", Map.of(), "file", "c.env",
                "# a comment\nimp_env=postgresql://u@envhost/d\n".getBytes(StandardCharsets.UTF_8), true);
        assertThat(env.body()).contains("1 added");
        assertThat(fixture.store().find("imports", "imp_env").orElseThrow().config().host()).isEqualTo("envhost");
    }

    @Test
    void deleteAsksFirstThenDeletes() {
        fixture.saveTestPostgres("deletes", "doomed");
        WebSession editor = WebSession.newUser(fixture, "deletes", "dora", Role.EDITOR);
        assertThat(editor.get("/admin/connections/doomed/edit").body()).contains("id=\"delete\" href=\"/admin/connections/doomed/delete\"");
        HttpResponse<String> confirm = editor.get("/admin/connections/doomed/delete");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Delete connection doomed?").contains("id=\"confirm-delete\"")
                .contains("action=\"/admin/connections/doomed/delete\"");
        assertThat(fixture.store().find("deletes", "doomed")).isPresent();
        HttpResponse<String> deleted = editor.post("/admin/connections/doomed/delete", Map.of());
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(deleted.headers().firstValue("Location")).hasValue("/admin/connections?deleted=doomed");
        assertThat(fixture.store().find("deletes", "doomed")).isEmpty();
        assertThat(editor.get("/admin/connections?deleted=doomed").body()).contains("Deleted connection doomed.");
        assertThat(editor.post("/admin/connections/doomed/delete", Map.of()).statusCode()).isEqualTo(404);
    }

    private static Map<String, String> fields(String connId, String host, String port, String database, String login) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("conn_id", connId);
        f.put("conn_type", "postgres");
        f.put("host", host);
        f.put("port", port);
        f.put("database", database);
        f.put("login", login);
        f.put("password", "");
        f.put("extra", "");
        f.put("sslmode", "");
        f.put("description", "");
        return f;
    }

    private static Map<String, String> withMode(Map<String, String> fields, String mode) {
        Map<String, String> f = new LinkedHashMap<>(fields);
        f.put("mode", mode);
        return f;
    }

    private static List<String> rows(String html) {
        List<String> ids = new ArrayList<>();
        Matcher m = ROW_ID.matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** The password as it could appear in a page: raw, percent-encoded, form-encoded, HTML-escaped, in parts. */
    static List<String> passwordForms(String password) {
        List<String> forms = new ArrayList<>();
        forms.add(password);
        forms.add(URLEncoder.encode(password, StandardCharsets.UTF_8));
        forms.add(URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20"));
        StringBuilder all = new StringBuilder();
        for (byte b : password.getBytes(StandardCharsets.UTF_8)) {
            all.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
        }
        forms.add(all.toString());
        forms.add(all.toString().toLowerCase(Locale.ROOT));
        forms.add(password.replace("&", "&amp;"));
        forms.add(password.replace("&", "&#38;"));
        forms.add("p@ss:w/rd");
        forms.add("p%40ss");
        forms.add("rd?#%");
        forms.add("é日本🔑");
        forms.add("&#233;");
        forms.add("\\u00e9\\u65e5");
        return forms;
    }
}
