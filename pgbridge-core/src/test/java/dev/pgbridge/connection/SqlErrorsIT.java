package dev.pgbridge.connection;

import dev.pgbridge.doctor.TestTargets;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static dev.pgbridge.doctor.TestTargets.SPECIAL_PASSWORD;
import static dev.pgbridge.doctor.TestTargets.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The JDBC path: what pgjdbc throws for each failure class, translated. */
@Timeout(60)
class SqlErrorsIT {
    private final TestingPostgres server = TestingPostgres.get();

    private static PgBridgeException failure(ConnectionConfig c) {
        try (Connection connection = JdbcTarget.of(c).connect()) {
            throw new AssertionError("connected as " + connection.getMetaData().getUserName() + ", expected a failure");
        }
        catch (SQLException e) {
            PgBridgeException translated = SqlErrors.translate(e, c);
            assertThat(translated.getCause()).isSameAs(e);
            return translated;
        }
    }

    @Test
    void wrongPassword() {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_se"), SPECIAL_PASSWORD)) {
            PgBridgeException e = failure(config(role.name(), "wrong-" + SPECIAL_PASSWORD, "postgres"));
            assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
            assertThat(e.getMessage()).isEqualTo("cannot log in to " + server.host() + ":" + server.port()
                    + " (database \"postgres\", login \"" + role.name() + "\"): password authentication failed for user \""
                    + role.name() + "\"");
            assertThat(e.oneLine()).doesNotContain(SPECIAL_PASSWORD).doesNotContain("wrong-");
        }
    }

    @Test
    void unknownHost() {
        String host = TestingPostgres.uniqueName("nosuch") + ".invalid";
        PgBridgeException e = failure(config("x", "pw", "postgres").toBuilder().host(host).build());
        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_HOST);
        assertThat(e.getMessage()).startsWith("unknown host \"" + host + "\": the name does not resolve");
    }

    @Test
    void refusedPort() {
        int port = TestTargets.freePort();
        PgBridgeException e = failure(config("x", "pw", "postgres").toBuilder().host("127.0.0.1").port(port).build());
        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_REFUSED);
        assertThat(e.getMessage()).startsWith("connection to 127.0.0.1:" + port + " refused");
    }

    // pgjdbc gives up at loginTimeout with a cause-less 08001; JdbcTarget turns it into an SQLTimeoutException
    @Test
    @Timeout(10)
    void silentServerTimesOutAtTheLoginTimeout() throws Exception {
        try (TestTargets.SilentServer silent = new TestTargets.SilentServer()) {
            ConnectionConfig c = config("x", "pw", "postgres", "sslmode", "disable", "connect_timeout", 1,
                    "login_timeout", 3).toBuilder().host("127.0.0.1").port(silent.port()).build();
            long start = System.nanoTime();
            PgBridgeException e = failure(c);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.getMessage()).startsWith("no answer from 127.0.0.1:" + silent.port() + " in time");
        }
    }

    @Test
    @Timeout(10)
    void silentServerTimesOutWaitingForTheTlsAnswer() throws Exception {
        try (TestTargets.SilentServer silent = new TestTargets.SilentServer()) {
            // sslmode=prefer: pgjdbc waits connect_timeout for the TLS answer, may retry without TLS, and gives up
            // at login_timeout at the latest
            ConnectionConfig c = config("x", "pw", "postgres", "connect_timeout", 2, "login_timeout", 4).toBuilder()
                    .host("127.0.0.1").port(silent.port()).build();
            long start = System.nanoTime();
            PgBridgeException e = failure(c);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        }
    }

    @Test
    void missingDatabase() {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_se"), SPECIAL_PASSWORD)) {
            PgBridgeException e = failure(config(role.name(), SPECIAL_PASSWORD, "no_such_db_here"));
            assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_NOT_FOUND);
            assertThat(e.getMessage()).contains("database \"no_such_db_here\" does not exist");
        }
    }

    @Test
    void tlsOnlyRoleWithoutTls() {
        assumeTrue(server.tls(), "the test server has TLS");
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_se"), SPECIAL_PASSWORD)
                .memberOf(TestingPostgres.TLS_ONLY)) {
            PgBridgeException e = failure(config(role.name(), SPECIAL_PASSWORD, "postgres", "sslmode", "disable"));
            assertThat(e.code()).isEqualTo(ErrorCode.TLS_REQUIRED_BY_SERVER);
            assertThat(e.hint()).contains("sslmode=require");
        }
    }

    @Test
    void noTlsRoleOverTls() {
        assumeTrue(server.tls(), "the test server has TLS");
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_se"), SPECIAL_PASSWORD)
                .memberOf(TestingPostgres.NO_TLS_ONLY)) {
            PgBridgeException e = failure(config(role.name(), SPECIAL_PASSWORD, "postgres", "sslmode", "require"));
            assertThat(e.code()).isEqualTo(ErrorCode.NO_PG_HBA_ENTRY);
            assertThat(e.getMessage()).contains("over TLS").contains("pg_hba.conf rejects connection");
            assertThat(e.hint()).contains("hostssl postgres " + role.name());
        }
    }

    @Test
    void serverWithoutTlsAndSslmodeRequire() {
        assumeTrue(server.tls(), "the test server has TLS");
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_se"), SPECIAL_PASSWORD)) {
            server.setTls(false);
            try {
                PgBridgeException e = failure(config(role.name(), SPECIAL_PASSWORD, "postgres", "sslmode", "require"));
                assertThat(e.code()).isEqualTo(ErrorCode.TLS_NOT_SUPPORTED_BY_SERVER);
                assertThat(e.getMessage()).contains("does not support TLS, but sslmode=require requires it");
            }
            finally {
                server.setTls(true);
            }
        }
    }

    @Test
    void untrustedCertificate() throws Exception {
        assumeTrue(server.tls(), "the test server has TLS");
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_se"), SPECIAL_PASSWORD)) {
            PgBridgeException e = failure(config(role.name(), SPECIAL_PASSWORD, "postgres", "sslmode", "verify-ca",
                    "sslrootcert", TestTargets.unrelatedRootCertificate().toString()));
            assertThat(e.code()).isEqualTo(ErrorCode.TLS_VERIFY_FAILED);
            PgBridgeException missing = failure(config(role.name(), SPECIAL_PASSWORD, "postgres", "sslmode", "verify-full",
                    "sslrootcert", "/nonexistent/root.crt"));
            assertThat(missing.code()).isEqualTo(ErrorCode.TLS_VERIFY_FAILED);
            // libpq's refusal, before anything is sent: root certificate file "…" does not exist
            assertThat(missing.getMessage()).startsWith("root certificate file \"/nonexistent/root.crt\" does not exist");
            assertThat(missing.hint()).contains("/nonexistent/root.crt");
        }
    }

    @Test
    void privilegeMissingOnAStatement() throws SQLException {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_se"), SPECIAL_PASSWORD)) {
            ConnectionConfig c = config(role.name(), SPECIAL_PASSWORD, "postgres");
            try (Connection conn = JdbcTarget.of(c).connect(); Statement s = conn.createStatement()) {
                s.executeQuery("SELECT * FROM pg_authid");
                throw new AssertionError("read pg_authid without privilege");
            }
            catch (SQLException e) {
                PgBridgeException t = SqlErrors.translate(e, c);
                assertThat(t.code()).isEqualTo(ErrorCode.PRIVILEGE_MISSING);
                assertThat(t.getMessage()).contains("permission denied for table pg_authid");
                assertThat(t.hint()).contains("pgbridge doctor");
            }
        }
    }
}
