package dev.pgbridge.doctor;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static dev.pgbridge.doctor.TestTargets.SPECIAL_PASSWORD;
import static dev.pgbridge.doctor.TestTargets.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(120)
class ConnectionTesterIT {
    private static final List<String> ALL_STEPS = List.of(TestStep.DNS, TestStep.TCP, TestStep.TLS,
            TestStep.AUTHENTICATION, TestStep.DATABASE, TestStep.SERVER_VERSION);

    private final TestingPostgres server = TestingPostgres.get();
    private final ConnectionTester tester = new ConnectionTester();

    private static TestRole role(TestingPostgres server) {
        return server.createRole(TestingPostgres.uniqueName("pgb_ct"), SPECIAL_PASSWORD);
    }

    private static void assertFailsAt(TestReport report, String step, ErrorCode code) {
        assertThat(report.ok()).as("report ok").isFalse();
        TestStep failure = report.failure().orElseThrow();
        assertThat(failure.name()).as("failed step of %s", report).isEqualTo(step);
        assertThat(failure.errorCode()).as("error code of %s", failure).isEqualTo(code);
        int at = ALL_STEPS.indexOf(step);
        for (String later : ALL_STEPS.subList(at + 1, ALL_STEPS.size())) {
            assertThat(report.step(later).orElseThrow().status()).as(later).isEqualTo(TestStep.Status.SKIPPED);
        }
        for (TestStep s : report.steps()) {
            assertThat(s.detail()).doesNotContain(SPECIAL_PASSWORD);
        }
    }

    @Test
    void goodConnectionPassesEveryStep() {
        try (TestRole role = role(server)) {
            TestReport report = tester.test(config(role.name(), SPECIAL_PASSWORD, "postgres"));
            assertThat(report.steps()).extracting(TestStep::name).containsExactlyElementsOf(ALL_STEPS);
            assertThat(report.steps()).allSatisfy(s -> assertThat(s.status()).as(s.toString()).isEqualTo(TestStep.Status.OK));
            assertThat(report.ok()).isTrue();
            assertThat(report.step(TestStep.DNS).orElseThrow().detail()).contains(server.host());
            assertThat(report.step(TestStep.AUTHENTICATION).orElseThrow().detail()).contains(role.name());
            assertThat(report.step(TestStep.SERVER_VERSION).orElseThrow().detail())
                    .startsWith("PostgreSQL " + server.majorVersion()).contains("supported");
        }
    }

    @Test
    void wrongPasswordFailsWithPostgresOwnWordsAndNeverEchoesThePassword() {
        try (TestRole role = role(server)) {
            String wrong = SPECIAL_PASSWORD + "-not";
            TestReport report = tester.test(config(role.name(), wrong, "postgres"));
            assertFailsAt(report, TestStep.AUTHENTICATION, ErrorCode.AUTHENTICATION_FAILED);
            TestStep step = report.failure().orElseThrow();
            assertThat(step.detail()).contains("password authentication failed for user \"" + role.name() + "\"")
                    .contains(server.host() + ":" + server.port()).doesNotContain(wrong);
            assertThat(step.hint()).contains("check the password saved for login \"" + role.name() + "\"")
                    .doesNotContain(wrong);
        }
    }

    @Test
    void unknownHostFailsAtDns() {
        String host = TestingPostgres.uniqueName("nosuch") + ".invalid";
        ConnectionConfig c = config("someone", "pw", "postgres").toBuilder().host(host).build();
        TestReport report = tester.test(c);
        assertFailsAt(report, TestStep.DNS, ErrorCode.UNKNOWN_HOST);
        assertThat(report.failure().orElseThrow().detail()).startsWith("unknown host \"" + host + "\"");
        assertThat(report.failure().orElseThrow().hint()).contains("check the spelling of the host");
    }

    @Test
    void refusedPortFailsAtTcp() {
        int port = TestTargets.freePort();
        ConnectionConfig c = config("someone", "pw", "postgres").toBuilder().host("127.0.0.1").port(port).build();
        TestReport report = tester.test(c);
        assertFailsAt(report, TestStep.TCP, ErrorCode.CONNECTION_REFUSED);
        assertThat(report.failure().orElseThrow().detail()).startsWith("connection to 127.0.0.1:" + port + " refused");
        assertThat(report.failure().orElseThrow().hint()).contains("check host and port");
    }

    @Test
    @Timeout(10)
    void silentServerTimesOutWithinTheConnectTimeout() throws Exception {
        try (TestTargets.SilentServer silent = new TestTargets.SilentServer()) {
            ConnectionConfig c = config("someone", "pw", "postgres", "connect_timeout", 2).toBuilder()
                    .host("127.0.0.1").port(silent.port()).build();
            long start = System.nanoTime();
            TestReport report = tester.test(c);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertFailsAt(report, TestStep.TLS, ErrorCode.TIMEOUT);
            assertThat(report.failure().orElseThrow().detail()).startsWith("no answer from 127.0.0.1:" + silent.port()
                    + " in time (connect_timeout 2 s");
            assertThat(report.failure().orElseThrow().hint()).contains("raise connect_timeout");
            assertThat(took).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void missingDatabaseFailsAfterAuthentication() {
        try (TestRole role = role(server)) {
            String db = TestingPostgres.uniqueName("nodb");
            TestReport report = tester.test(config(role.name(), SPECIAL_PASSWORD, db));
            assertFailsAt(report, TestStep.DATABASE, ErrorCode.DATABASE_NOT_FOUND);
            assertThat(report.step(TestStep.AUTHENTICATION).orElseThrow().status()).isEqualTo(TestStep.Status.OK);
            assertThat(report.failure().orElseThrow().detail()).contains("database \"" + db + "\" does not exist");
            assertThat(report.failure().orElseThrow().hint()).contains("SELECT datname FROM pg_database");
        }
    }

    @Test
    void tlsRequiredByServerWhenSslmodeIsDisable() {
        assumeTrue(server.tls(), "the test server has TLS");
        try (TestRole role = role(server).memberOf(TestingPostgres.TLS_ONLY)) {
            TestReport report = tester.test(config(role.name(), SPECIAL_PASSWORD, "postgres", "sslmode", "disable"));
            assertFailsAt(report, TestStep.TLS, ErrorCode.TLS_REQUIRED_BY_SERVER);
            assertThat(report.failure().orElseThrow().detail()).contains("rejected login \"" + role.name() + "\"")
                    .contains("without TLS").contains("pg_hba.conf");
            assertThat(report.failure().orElseThrow().hint()).contains("sslmode=require");
            // the same role gets in with TLS
            assertThat(tester.test(config(role.name(), SPECIAL_PASSWORD, "postgres", "sslmode", "require")).ok()).isTrue();
        }
    }

    @Test
    void tlsNotSupportedByServerWhenSslmodeRequiresIt() {
        assumeTrue(server.tls(), "the test server has TLS");
        try (TestRole role = role(server)) {
            server.setTls(false); // ALTER SYSTEM SET ssl = off + pg_reload_conf()
            try {
                TestReport report = tester.test(config(role.name(), SPECIAL_PASSWORD, "postgres", "sslmode", "require"));
                assertFailsAt(report, TestStep.TLS, ErrorCode.TLS_NOT_SUPPORTED_BY_SERVER);
                assertThat(report.failure().orElseThrow().detail()).isEqualTo("the server at " + server.host() + ":"
                        + server.port() + " does not support TLS, but sslmode=require requires it (database \"postgres\", "
                        + "login \"" + role.name() + "\")");
                assertThat(report.failure().orElseThrow().hint()).contains("ssl = on");
                // prefer falls back to an unencrypted session
                assertThat(tester.test(config(role.name(), SPECIAL_PASSWORD, "postgres")).ok()).isTrue();
            }
            finally {
                server.setTls(true);
            }
        }
    }

    @Test
    void verifyFullSucceedsWithTheServersCaAsRoot() {
        assumeTrue(server.tls() && server.certificate() != null, "the test server has its own certificate");
        try (TestRole role = role(server)) {
            TestReport report = tester.test(config(role.name(), SPECIAL_PASSWORD, "postgres", "sslmode", "verify-full",
                    "sslrootcert", server.certificate().toString()));
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.step(TestStep.TLS).orElseThrow().detail()).contains("verified").contains("TLSv1");
        }
    }

    @Test
    void verifyFullFailsWithAnUnrelatedRootCertificate() throws Exception {
        assumeTrue(server.tls(), "the test server has TLS");
        try (TestRole role = role(server)) {
            TestReport report = tester.test(config(role.name(), SPECIAL_PASSWORD, "postgres", "sslmode", "verify-full",
                    "sslrootcert", TestTargets.unrelatedRootCertificate().toString()));
            assertFailsAt(report, TestStep.TLS, ErrorCode.TLS_VERIFY_FAILED);
            assertThat(report.failure().orElseThrow().detail())
                    .startsWith("the TLS certificate of " + server.host() + ":" + server.port()
                            + " could not be verified with sslmode=verify-full against sslrootcert \""
                            + TestTargets.unrelatedRootCertificate().getParent());
            assertThat(report.failure().orElseThrow().hint()).contains("set sslrootcert to the CA certificate");
        }
    }

    @Test
    void unixSocketHostIsSkippedAtDnsAndFailsAtTcp() {
        ConnectionConfig c = config("someone", "pw", "postgres").toBuilder().host("/var/run/postgresql").build();
        TestReport report = tester.test(c);
        assertThat(report.step(TestStep.DNS).orElseThrow().status()).isEqualTo(TestStep.Status.SKIPPED);
        assertFailsAt(report, TestStep.TCP, ErrorCode.INVALID_CONFIG);
        assertThat(report.failure().orElseThrow().hint()).contains("host=localhost");
    }
}
