package dev.pgbridge.server.agent;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.server.ServerOptions;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.auth.ServerCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The task runner's client over real TLS: it verifies the server against exactly the CA it is given (or the system's),
 * checks the host name, and tells each failure apart with its own message and hint.
 */
@Timeout(120)
class ConnectionFetcherIT {
    private static ServerFixture fixture;
    private static String agentA;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        fixture = ServerFixture.tls();
        AgentApiIT.save(fixture, "team_a", "pg_a");
        agentA = fixture.token("team_a", Role.AGENT);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static ConnectionFetcher fetcher(String url, String token, Path ca) {
        return ConnectionFetcher.create(url, Secret.of(token), ca);
    }

    private static PgBridgeException failure(ConnectionFetcher fetcher, String connId) {
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> fetcher.fetch(connId));
        assertThat(e).as("fetching " + connId + " must fail").isNotNull();
        assertThat(e.getMessage()).doesNotContain("p@ss");
        return e;
    }

    @Test
    void theServersCaVerifiesAndThePasswordArrivesIntact() {
        ConnectionConfig c = fetcher(fixture.url(), agentA, fixture.caFile()).fetch("pg_a");
        assertThat(c.connId()).isEqualTo("pg_a");
        assertThat(c.password().reveal()).isEqualTo(AgentApiIT.PASSWORD);
        assertThat(c.host()).isEqualTo("db.example");
        assertThat(c.singlePort()).isEqualTo(6543);
        assertThat(c.database()).isEqualTo("warehouse");
        assertThat(c.login()).isEqualTo("loader");
        assertThat(c.extraValue("sslmode")).isEqualTo("verify-full");
        // the base URL may be given with the API root too
        assertThat(fetcher(fixture.url() + "/api/v1", agentA, fixture.caFile()).fetch("PG_A").password().reveal())
                .isEqualTo(AgentApiIT.PASSWORD);
    }

    @Test
    void anotherCaDoesNotVerifyTheServer() {
        Path otherCa = ServerCertificates.selfSigned(dir.resolve("other"), "127.0.0.1").caFile();
        PgBridgeException e = failure(fetcher(fixture.url(), agentA, otherCa), "pg_a");
        assertThat(e.code()).isEqualTo(ErrorCode.TLS_VERIFY_FAILED);
        assertThat(e.getMessage()).contains("does not verify").contains("the CA in " + otherCa)
                .contains(fixture.server().identity().orElseThrow().fingerprint());
        assertThat(e.hint()).contains("--cacert").contains("fingerprint");
    }

    @Test
    void aSelfSignedServerWithoutCacertDoesNotVerify() {
        PgBridgeException e = failure(fetcher(fixture.url(), agentA, null), "pg_a");
        assertThat(e.code()).isEqualTo(ErrorCode.TLS_VERIFY_FAILED);
        assertThat(e.getMessage()).contains("a CA the system trusts");
        assertThat(e.hint()).contains("--cacert PGBRIDGE_HOME/tls/ca.pem").contains("the one the server printed");
    }

    @Test
    void aCertificateForAnotherNameIsRefused() {
        // bound to every address, reached as 127.0.0.2: a loopback address its certificate does not name
        try (ServerFixture wide = ServerFixture.start(new ServerOptions("0.0.0.0", 0, null, null, false, false,
                ServerOptions.defaults().version()))) {
            AgentApiIT.save(wide, "team_a", "pg_a");
            String url = "https://127.0.0.2:" + wide.server().port();
            PgBridgeException e = failure(fetcher(url, wide.token("team_a", Role.AGENT), wide.caFile()), "pg_a");
            assertThat(e.code()).isEqualTo(ErrorCode.TLS_VERIFY_FAILED);
            assertThat(e.getMessage()).contains("not for the name '127.0.0.2'").contains("localhost");
            assertThat(e.hint()).contains("--tls-cert");
            // the same server by a name it does carry verifies
            assertThat(fetcher("https://localhost:" + wide.server().port(), wide.token("team_a", Role.AGENT),
                    wide.caFile()).fetch("pg_a").password().reveal()).isEqualTo(AgentApiIT.PASSWORD);
        }
    }

    @Test
    void plainHttpIsRefusedForSecrets() {
        PgBridgeException client = catchThrowableOfType(PgBridgeException.class,
                () -> fetcher("http://db-server.example:8443", agentA, null));
        assertThat(client.code()).isEqualTo(ErrorCode.INSECURE_CHANNEL);
        assertThat(client.getMessage()).startsWith("insecure channel:");
        try (ServerFixture http = ServerFixture.insecureHttp(false)) {
            AgentApiIT.save(http, "team_a", "pg_a");
            PgBridgeException e = failure(fetcher(http.url(), http.token("team_a", Role.AGENT), null), "pg_a");
            assertThat(e.code()).isEqualTo(ErrorCode.INSECURE_CHANNEL);
            assertThat(e.getMessage()).startsWith("insecure channel: this server does not send connection secrets");
            assertThat(e.hint()).contains("TLS");
            // https:// to a plain-HTTP port: no handshake, told as such
            PgBridgeException tls = failure(fetcher(http.url().replace("http://", "https://"),
                    http.token("team_a", Role.AGENT), null), "pg_a");
            assertThat(tls.code()).isEqualTo(ErrorCode.SERVER_UNREACHABLE);
            assertThat(tls.getMessage()).startsWith("no TLS handshake with");
        }
    }

    @Test
    void tokenTenantAndRoleFailuresCarryTheServersReason() throws InterruptedException {
        PgBridgeException otherTenant = failure(fetcher(fixture.url(), fixture.token("team_b", Role.AGENT),
                fixture.caFile()), "pg_a");
        assertThat(otherTenant.code()).isEqualTo(ErrorCode.CONNECTION_NOT_FOUND);
        assertThat(otherTenant.getMessage()).isEqualTo("no connection 'pg_a' in tenant 'team_b' (the token's tenant)");

        String expired = fixture.server().services().tokens()
                .create("team_a", Role.AGENT, Duration.ofMillis(1), "short").text().reveal();
        Thread.sleep(20);
        PgBridgeException old = failure(fetcher(fixture.url(), expired, fixture.caFile()), "pg_a");
        assertThat(old.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
        assertThat(old.getMessage()).contains("expired");

        PgBridgeException unknown = failure(fetcher(fixture.url(), "pgb_000000000000_notatoken", fixture.caFile()), "pg_a");
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(unknown.getMessage()).contains("refused the token").contains("unknown or revoked");

        PgBridgeException viewer = failure(fetcher(fixture.url(), fixture.token("team_a", Role.VIEWER), fixture.caFile()), "pg_a");
        assertThat(viewer.code()).isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void anUnreachableServerIsToldApartFromARefusal() throws IOException {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        PgBridgeException refused = failure(fetcher("https://127.0.0.1:" + free, agentA, fixture.caFile()), "pg_a");
        assertThat(refused.code()).isEqualTo(ErrorCode.SERVER_UNREACHABLE);
        assertThat(refused.getMessage()).isEqualTo("server unreachable: connection to 127.0.0.1:" + free + " refused");

        PgBridgeException dns = failure(fetcher("https://no-such-host.invalid:8443", agentA, fixture.caFile()), "pg_a");
        assertThat(dns.code()).isEqualTo(ErrorCode.SERVER_UNREACHABLE);
        assertThat(dns.getMessage()).isEqualTo("server unreachable: unknown host 'no-such-host.invalid'");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        // the kernel completes the TCP handshake; nothing ever answers the TLS ClientHello
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            ConnectionFetcher fetcher = ConnectionFetcher.create("https://127.0.0.1:" + silent.getLocalPort(),
                    Secret.of(agentA), fixture.caFile(), Duration.ofSeconds(1), Duration.ofSeconds(2));
            PgBridgeException e = failure(fetcher, "pg_a");
            assertThat(e.code()).isEqualTo(ErrorCode.SERVER_UNREACHABLE);
            assertThat(e.getMessage()).startsWith("server unreachable: ").contains("127.0.0.1:" + silent.getLocalPort())
                    .contains("within");
        }
    }

    @Test
    void aMissingCaFileIsAConfigurationError() {
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class,
                () -> fetcher(fixture.url(), agentA, dir.resolve("nope.pem")));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(e.getMessage()).contains("does not exist");
    }
}
