package dev.pgbridge.server.ui;

import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.WebSession;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.auth.TokenStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Admin → Users & tokens: admins only, inside their tenant; a token's text is shown once. */
@Timeout(120)
class AccessPagesIT {
    private static final Pattern NEW_TOKEN = Pattern.compile("id=\"new-token\" readonly value=\"([^\"]+)\"");
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
    void anAdminAddsUsersAndCreatesAndRevokesTokens() {
        WebSession admin = WebSession.newUser(fixture, "acc", "alice", Role.ADMIN);
        HttpResponse<String> page = admin.get("/admin/access");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<table id=\"users\"").contains("data-user=\"alice\"")
                .contains("href=\"/admin/access\" aria-current=\"page\"");

        String password = "a long passphrase ünïcode";
        HttpResponse<String> added = admin.post("/admin/access/users", Map.of("name", "newbie", "role", "editor", "password", password));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(302);
        HttpResponse<String> after = admin.get(added.headers().firstValue("Location").orElseThrow());
        assertThat(after.body()).contains("Added user newbie.").contains("data-user=\"newbie\"").doesNotContain(password);
        WebSession newbie = WebSession.login(fixture, "acc", "newbie", password);
        assertThat(newbie.get("/admin/connections").statusCode()).isEqualTo(200);

        HttpResponse<String> again = admin.post("/admin/access/users", Map.of("name", "newbie", "role", "viewer", "password", "another password"));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("user newbie already exists in tenant acc").contains("Hint:");
        HttpResponse<String> tooShort = admin.post("/admin/access/users", Map.of("name", "shorty", "role", "viewer", "password", "short"));
        assertThat(tooShort.body()).contains("too short").contains("Hint:");

        HttpResponse<String> created = admin.post("/admin/access/tokens", Map.of("role", "agent", "expires_days", "7", "description", "airflow workers"));
        assertThat(created.statusCode()).isEqualTo(200);
        Matcher m = NEW_TOKEN.matcher(created.body());
        assertThat(m.find()).as("the new token is shown").isTrue();
        String text = m.group(1);
        TokenStore.Token token = fixture.server().services().tokens().find(text).orElseThrow();
        assertThat(token.tenant()).isEqualTo("acc");
        assertThat(token.role()).isEqualTo(Role.AGENT);
        assertThat(token.expiresAt()).isNotNull();
        // shown once: the listing names the token by id, never its text
        HttpResponse<String> listing = admin.get("/admin/access");
        assertThat(listing.body()).contains("data-token=\"" + token.id() + "\"").contains("airflow workers").doesNotContain(text)
                .doesNotContain(text.substring(text.lastIndexOf('_') + 1));

        assertThat(admin.post("/admin/access/tokens", Map.of("role", "admin", "expires_days", "0")).body())
                .contains("tokens cannot have the admin role");

        HttpResponse<String> revoked = admin.post("/admin/access/tokens/" + token.id() + "/revoke", Map.of());
        assertThat(revoked.statusCode()).isEqualTo(302);
        assertThat(fixture.server().services().tokens().find(text)).isEmpty();

        // the confirm dialog's htmx request is told where to go next
        String second = fixture.token("acc", Role.VIEWER);
        String secondId = fixture.server().services().tokens().find(second).orElseThrow().id();
        HttpResponse<String> viaHtmx = admin.htmxPost("/admin/access/tokens/" + secondId + "/revoke", Map.of());
        assertThat(viaHtmx.statusCode()).isEqualTo(204);
        assertThat(viaHtmx.headers().firstValue("HX-Redirect")).hasValue("/admin/access?deleted=token");
        assertThat(fixture.server().services().tokens().find(second)).isEmpty();

        assertThat(admin.post("/admin/access/users/newbie/delete", Map.of()).statusCode()).isEqualTo(302);
        assertThat(fixture.server().services().users().list("acc")).extracting(u -> u.name()).containsExactly("alice");
        HttpResponse<String> self = admin.post("/admin/access/users/alice/delete", Map.of());
        assertThat(self.statusCode()).isEqualTo(403);
        assertThat(self.body()).contains("you cannot delete your own user");
    }

    @Test
    void onlyAdminsOfTheTenantGetThePage() {
        String aToken = fixture.token("acc_a", Role.AGENT);
        fixture.user("acc_a", "anna", Role.ADMIN);
        WebSession editor = WebSession.newUser(fixture, "acc_a", "ed", Role.EDITOR);
        assertThat(editor.get("/").body()).doesNotContain("/admin/access");
        assertThat(editor.get("/admin/access").statusCode()).isEqualTo(403);
        assertThat(editor.post("/admin/access/users", Map.of("name", "x", "role", "admin", "password", "password1234")).statusCode())
                .isEqualTo(403);
        assertThat(editor.post("/admin/access/tokens", Map.of("role", "editor", "expires_days", "1")).statusCode()).isEqualTo(403);
        assertThat(fixture.server().services().users().list("acc_a")).extracting(u -> u.name()).doesNotContain("x");

        WebSession other = WebSession.newUser(fixture, "acc_b", "boss", Role.ADMIN);
        HttpResponse<String> page = other.get("/admin/access");
        assertThat(page.body()).doesNotContain("anna").doesNotContain("data-user=\"ed\"");
        String id = fixture.server().services().tokens().find(aToken).orElseThrow().id();
        assertThat(page.body()).doesNotContain(id);
        assertThat(other.post("/admin/access/tokens/" + id + "/revoke", Map.of()).statusCode()).isEqualTo(404);
        assertThat(other.post("/admin/access/users/anna/delete", Map.of()).statusCode()).isEqualTo(404);
        assertThat(fixture.server().services().tokens().find(aToken)).isPresent();
        assertThat(fixture.server().services().users().list("acc_a")).extracting(u -> u.name()).contains("anna");

        // without the CSRF token nothing happens
        for (String path : List.of("/admin/access/users", "/admin/access/tokens", "/admin/access/tokens/" + id + "/revoke",
                "/admin/access/users/anna/delete")) {
            assertThat(other.postWithoutCsrf(path, Map.of("name", "y", "role", "viewer", "password", "password1234"))
                    .statusCode()).as(path).isEqualTo(403);
        }
        assertThat(fixture.server().services().users().list("acc_b")).extracting(u -> u.name()).containsExactly("boss");
    }
}
