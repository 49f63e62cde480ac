package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcTargetTest {
    private static final String PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";

    private static ConnectionConfig.Builder base() {
        return ConnectionConfig.builder().connId("c1").host("db.example.com").port(5433).database("sales")
                .login("alice").password(PASSWORD);
    }

    @Test
    void urlHasHostsPortsAndDatabaseOnly() {
        JdbcTarget target = JdbcTarget.of(base().build());
        assertThat(target.url()).isEqualTo("jdbc:postgresql://db.example.com:5433/sales");
    }

    @Test
    void multiHostPairsPortsAndBracketsIpv6() {
        JdbcTarget target = JdbcTarget.of(base().host("h1,::1,[fe80::1%eth0]").port("5432,5433,5434").build());
        assertThat(target.url()).isEqualTo("jdbc:postgresql://h1:5432,[::1]:5433,[fe80::1%eth0]:5434/sales");
        JdbcTarget onePort = JdbcTarget.of(base().host("h1,h2").port("6000").build());
        assertThat(onePort.url()).isEqualTo("jdbc:postgresql://h1:6000,h2:6000/sales");
        JdbcTarget noPort = JdbcTarget.of(base().host("h1").port((String) null).build());
        assertThat(noPort.url()).isEqualTo("jdbc:postgresql://h1:5432/sales");
    }

    @Test
    void databaseIsPercentEncodedSoNoTextBecomesAParameter() {
        JdbcTarget target = JdbcTarget.of(base().database("a b+c?sslfactory=x&y/é").build());
        assertThat(target.url()).isEqualTo("jdbc:postgresql://db.example.com:5433/a%20b%2Bc%3Fsslfactory%3Dx%26y%2F%C3%A9");
        assertThat(org.postgresql.Driver.parseURL(target.url(), new Properties()).getProperty("PGDBNAME"))
                .isEqualTo("a b+c?sslfactory=x&y/é");
    }

    @Test
    void databaseDefaultsToLoginAsInLibpq() {
        assertThat(JdbcTarget.of(base().database(null).build()).url()).endsWith("/alice");
    }

    @Test
    void hostWithUrlSyntaxIsRejected() {
        assertThatThrownBy(() -> JdbcTarget.of(base().host("evil/db?sslfactory=x").build()))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.getMessage()).contains("invalid host 'evil/db?sslfactory=x'");
                });
        assertThatThrownBy(() -> JdbcTarget.of(base().host("h1,h2,h3").port("1,2").build()))
                .hasMessageContaining("3 hosts but 2 ports");
    }

    /** An environment whose HOME has no .postgresql directory. */
    private static final Map<String, String> NO_HOME_FILES = Map.of("HOME", "/nonexistent/pgbridge-home");

    @Test
    void defaultsLeaveNothingToHangOn() {
        Properties p = JdbcTarget.of(base().build(), NO_HOME_FILES).properties();
        assertThat(p.getProperty("user")).isEqualTo("alice");
        assertThat(p.getProperty("password")).isEqualTo(PASSWORD);
        assertThat(p.getProperty("sslmode")).isEqualTo("prefer");
        assertThat(p.getProperty("connectTimeout")).isEqualTo("10");
        assertThat(p.getProperty("loginTimeout")).isEqualTo("15");
        assertThat(p.getProperty("sslResponseTimeout")).isEqualTo("10000");
        assertThat(p.getProperty("ApplicationName")).isEqualTo("pgbridge");
        assertThat(p.getProperty("socketTimeout")).isNull();
    }

    @Test
    void extrasBecomeTheirDriverProperties() {
        JdbcTarget target = JdbcTarget.of(base().extra(Map.of(
                "sslmode", "verify-full", "sslrootcert", "/etc/ca.pem", "connect_timeout", 3, "socket_timeout", "60",
                "application_name", "etl", "target_session_attrs", "read-write", "keepalives", "1",
                "search_path", "sales,public", "options", "-c statement_timeout=5min")).build());
        Properties p = target.properties();
        assertThat(p.getProperty("sslmode")).isEqualTo("verify-full");
        assertThat(p.getProperty("sslrootcert")).isEqualTo("/etc/ca.pem");
        assertThat(p.getProperty("sslhostnameverifier")).isEqualTo(LibpqHostnameVerifier.class.getName());
        assertThat(p.getProperty("connectTimeout")).isEqualTo("3");
        assertThat(p.getProperty("loginTimeout")).isEqualTo("8");
        assertThat(p.getProperty("socketTimeout")).isEqualTo("60");
        assertThat(p.getProperty("ApplicationName")).isEqualTo("etl");
        assertThat(p.getProperty("targetServerType")).isEqualTo("primary");
        assertThat(p.getProperty("tcpKeepAlive")).isEqualTo("true");
        assertThat(p.getProperty("currentSchema")).isEqualTo("sales,public");
        assertThat(p.getProperty("options")).isEqualTo("-c statement_timeout=5min");
        assertThat(target.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(target.socketTimeout()).contains(Duration.ofSeconds(60));
        assertThat(target.requiresTls()).isTrue();
    }

    @Test
    void targetSessionAttrsMapToPgjdbcServerTypes() {
        Map<String, String> expected = Map.of("any", "any", "read-write", "primary", "primary", "primary",
                "read-only", "secondary", "standby", "secondary", "prefer-standby", "preferSecondary");
        expected.forEach((libpq, jdbc) -> assertThat(JdbcTarget.of(base().extra(Map.of("target_session_attrs", libpq))
                .build()).properties().getProperty("targetServerType")).as(libpq).isEqualTo(jdbc));
    }

    // pins the allowlist: class-loading and file-writing pgjdbc properties never come from user text (CVE-2022-21724)
    @Test
    void unknownExtrasNeverReachTheDriver() {
        Properties p = JdbcTarget.of(base().extra(Map.of("socketFactory", "evil.Factory", "sslfactory", "evil.F",
                "loggerFile", "/tmp/x", "authenticationPluginClassName", "evil.P", "sslhostnameverifier", "evil.V",
                "client_encoding", "LATIN1", "hostaddr", "10.0.0.1", "__extra__", "x")).build(), NO_HOME_FILES)
                .properties();
        assertThat(p.stringPropertyNames()).containsExactlyInAnyOrder("user", "password", "sslmode", "connectTimeout",
                "sslResponseTimeout", "loginTimeout", "ApplicationName", "logServerErrorDetail");
    }

    @Test
    void everyBadExtraIsReportedAtOnce() {
        assertThatThrownBy(() -> JdbcTarget.of(base().extra(Map.of("sslmode", "sometimes", "connect_timeout", "ten",
                "keepalives", "yes")).build()))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.getMessage())
                            .contains("extra sslmode is 'sometimes'; allowed: disable, allow, prefer, require, verify-ca, verify-full")
                            .contains("extra connect_timeout is 'ten'")
                            .contains("extra keepalives is 'yes'");
                });
    }

    @Test
    void zeroTimeoutMeansTheDefaultNotForever() {
        Properties p = JdbcTarget.of(base().extra(Map.of("connect_timeout", "0", "login_timeout", "0")).build())
                .properties();
        assertThat(p.getProperty("connectTimeout")).isEqualTo("10");
        assertThat(p.getProperty("loginTimeout")).isEqualTo("15");
    }

    @Test
    void unixSocketHostIsRejectedWithAHint() {
        assertThatThrownBy(() -> JdbcTarget.of(base().host("/var/run/postgresql").build()))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.getMessage()).contains("Unix-socket directory /var/run/postgresql")
                            .contains("cannot use Unix sockets");
                    assertThat(e.hint()).contains("host=localhost");
                });
        assertThatThrownBy(() -> JdbcTarget.of(base().host(null).build())).hasMessageContaining("default Unix socket");
    }

    @Test
    void missingLoginIsAnError() {
        assertThatThrownBy(() -> JdbcTarget.of(base().login(null).build())).hasMessageContaining("has no login");
    }

    @Test
    void toStringShowsUrlAndUserButNeverThePassword() {
        JdbcTarget target = JdbcTarget.of(base().build());
        assertThat(target.toString()).isEqualTo("JdbcTarget[url=jdbc:postgresql://db.example.com:5433/sales, user=alice]")
                .doesNotContain(PASSWORD).doesNotContain("p@ss");
    }

    @Test
    void propertiesAreAFreshCopyEachTime() {
        JdbcTarget target = JdbcTarget.of(base().build());
        target.properties().setProperty("socketFactory", "evil");
        assertThat(target.properties().getProperty("socketFactory")).isNull();
    }

    @Test
    void aReplicationSessionKeepsTheConnectionsTlsAndTimeouts() {
        JdbcTarget target = JdbcTarget.of(base().extra(Map.of("sslmode", "verify-full", "sslrootcert", "/etc/ca.pem",
                "connect_timeout", 3, "socket_timeout", "60")).build());
        Properties p = target.with(JdbcTarget.Session.LOGICAL_REPLICATION).properties();
        assertThat(p.getProperty("replication")).isEqualTo("database");
        assertThat(p.getProperty("preferQueryMode")).isEqualTo("simple");
        assertThat(p.getProperty("sslmode")).isEqualTo("verify-full");
        assertThat(p.getProperty("sslrootcert")).isEqualTo("/etc/ca.pem");
        assertThat(p.getProperty("connectTimeout")).isEqualTo("3");
        assertThat(p.getProperty("socketTimeout")).isEqualTo("60");
        assertThat(p.getProperty("password")).isEqualTo(PASSWORD);
        assertThat(target.properties().getProperty("replication")).as("the original is unchanged").isNull();
        assertThat(target.with(JdbcTarget.Session.TEXT_RESULTS).properties().getProperty("binaryTransfer"))
                .isEqualTo("false");
    }
}
