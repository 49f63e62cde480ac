package dev.pgbridge.server.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.auth.AuditLog;
import dev.pgbridge.server.auth.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent channel's server side, in process: {@code GET /api/v1/execution/connections/{connection_id}} delivers a
 * connection with its password to an agent token of its tenant only, audited, uncached, and only over TLS.
 */
@Timeout(120)
class AgentApiIT {
    static final String PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";
    private static ServerFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServerFixture.tls();
        save(fixture, "team_a", "pg_a");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static void save(ServerFixture f, String tenant, String connId) {
        f.store().add(ConnectionConfig.builder().connId(connId).connType(ConnectionConfig.POSTGRES).host("db.example")
                .port(6543).database("warehouse").login("loader").password(Secret.of(PASSWORD))
                .extra("{\"sslmode\": \"verify-full\", \"application_name\": \"etl\"}").tenant(tenant).build());
    }

    static String path(String connId) {
        return "/api/v1/execution/connections/" + connId;
    }

    @Test
    void agentTokenReadsItsTenantsConnectionWithThePasswordAndTheReadIsAudited() {
        String token = fixture.token("team_a", Role.AGENT);
        HttpResponse<String> response = fixture.get(path("pg_a"), token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = ServerFixture.parse(response);
        // Airflow 3's ConnectionResponse, field for field
        assertThat(List.copyOf(body.properties()).stream().map(java.util.Map.Entry::getKey).toList())
                .containsExactly("conn_id", "conn_type", "host", "schema", "login", "password", "port", "extra");
        assertThat(body.path("conn_id").asText()).isEqualTo("pg_a");
        assertThat(body.path("conn_type").asText()).isEqualTo("postgres");
        assertThat(body.path("host").asText()).isEqualTo("db.example");
        assertThat(body.path("schema").asText()).isEqualTo("warehouse");
        assertThat(body.path("login").asText()).isEqualTo("loader");
        assertThat(body.path("password").asText()).isEqualTo(PASSWORD);
        assertThat(body.path("port").asInt()).isEqualTo(6543);
        assertThat(body.path("extra").isTextual()).isTrue();
        assertThat(body.path("extra").asText()).contains("verify-full").contains("etl");

        List<AuditLog.Entry> audit = fixture.server().services().audit().recent("team_a", 20);
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("secret.read");
            assertThat(e.connId()).isEqualTo("pg_a");
            assertThat(e.actor()).startsWith("token:");
            assertThat(e.remote()).isEqualTo("127.0.0.1");
            assertThat(e.at()).isNotNull();
        });
    }

    @Test
    void viewerAndEditorTokensAreRefusedOnTheAgentRoute() {
        // as in Airflow's execution API, only the task's token reads connections here; people use the connections API
        for (Role role : List.of(Role.VIEWER, Role.EDITOR)) {
            HttpResponse<String> response = fixture.get(path("pg_a"), fixture.token("team_a", role));
            assertThat(response.statusCode()).as(role + ": " + response.body()).isEqualTo(403);
            JsonNode error = ServerFixture.parse(response);
            assertThat(error.path("error").asText()).isEqualTo("FORBIDDEN");
            assertThat(error.path("message").asText()).contains("agent");
            assertThat(response.body()).doesNotContain("p@ss");
        }
    }

    @Test
    void anotherTenantsConnectionIsNotFoundForTheTokensTenant() {
        int before = fixture.server().services().audit().recent("team_a", 1000).size();
        HttpResponse<String> response = fixture.get(path("pg_a"), fixture.token("team_b", Role.AGENT));
        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = ServerFixture.parse(response);
        assertThat(error.path("error").asText()).isEqualTo("CONNECTION_NOT_FOUND");
        assertThat(error.path("message").asText())
                .isEqualTo("no connection 'pg_a' in tenant 'team_b' (the token's tenant)");
        assertThat(error.path("hint").asText()).contains("--tenant").contains("agent");
        assertThat(response.body()).doesNotContain("p@ss").doesNotContain("db.example").doesNotContain("team_a");
        assertThat(fixture.server().services().audit().recent("team_a", 1000)).hasSize(before);
    }

    @Test
    void tokensThatAreExpiredOrUnknownAreToldApart() throws InterruptedException {
        String expired = fixture.server().services().tokens()
                .create("team_a", Role.AGENT, Duration.ofMillis(1), "short").text().reveal();
        Thread.sleep(20);
        HttpResponse<String> old = fixture.get(path("pg_a"), expired);
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(ServerFixture.parse(old).path("error").asText()).isEqualTo("TOKEN_EXPIRED");

        HttpResponse<String> unknown = fixture.get(path("pg_a"), "pgb_000000000000_notatoken");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(ServerFixture.parse(unknown).path("error").asText()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void plainHttpServerRefusesToSendSecrets() {
        try (ServerFixture http = ServerFixture.insecureHttp(false)) {
            save(http, "team_a", "pg_a");
            HttpResponse<String> response = http.get(path("pg_a"), http.token("team_a", Role.AGENT));
            assertThat(response.statusCode()).isEqualTo(403);
            JsonNode error = ServerFixture.parse(response);
            assertThat(error.path("error").asText()).isEqualTo("INSECURE_CHANNEL");
            assertThat(error.path("message").asText()).startsWith("insecure channel:");
            assertThat(response.body()).doesNotContain("p@ss");
            assertThat(http.server().services().audit().recent("team_a", 10)).isEmpty();
        }
    }

    @Test
    void plainHttpWithAllowInsecureSecretsDelivers() {
        try (ServerFixture http = ServerFixture.insecureHttp(true)) {
            save(http, "team_a", "pg_a");
            HttpResponse<String> response = http.get(path("pg_a"), http.token("team_a", Role.AGENT));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(ServerFixture.parse(response).path("password").asText()).isEqualTo(PASSWORD);
            assertThat(http.server().services().audit().recent("team_a", 10)).hasSize(1);
        }
    }
}
