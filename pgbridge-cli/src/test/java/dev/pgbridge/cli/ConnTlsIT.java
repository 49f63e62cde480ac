package dev.pgbridge.cli;

import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code conn test} and a task's psql agree on TLS, and the CLI says what it verified against which file. HOME is a
 * temporary directory, so {@code ~/.postgresql/root.crt} (libpq's default root certificate) is the test's.
 */
@Timeout(300)
class ConnTlsIT {
    private static final String PASSWORD = "tls-conn-test-pw";
    private final TestingPostgres server = TestingPostgres.get();

    @TempDir
    Path dir;

    private Path home;
    private Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(server.tls() && server.certificate() != null, "the embedded test server with its own CA");
        home = Files.createDirectories(dir.resolve("home"));
        cli = new Cli(Files.createDirectories(dir.resolve("pgbridge-home"))).env("HOME", home.toString());
    }

    private String url(TestRole role, String host, String query) {
        return "postgresql://" + role.name() + ":" + PASSWORD + "@" + host + ":" + server.port() + "/postgres?" + query;
    }

    /** The same URL given to psql (libpq), with this test's HOME: exit code 0 when it connects. */
    private Cli.Result psql(String url) {
        return cli.env("TASK_URL", url).exec(List.of("sh", "-c",
                "psql \"$TASK_URL\" --no-psqlrc -tA -c 'select 1'"), null);
    }

    // issue 8: conn test said "connection ok (the certificate is not verified)" for sslmode=require with a CA file
    // that does not match, while psql refused the connection
    @Test
    void requireWithAnUnrelatedRootCertificateIsRefusedAsPsqlRefusesIt() {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_ctls"), PASSWORD)) {
            String other = server.unrelatedCertificate().toString();
            String url = url(role, server.host(), "sslmode=require&sslrootcert=" + other);
            Cli.Result test = cli.env("TLS_URL", url).run("conn", "test", "--url-env", "TLS_URL");
            assertThat(test.exitCode()).as(test.toString()).isEqualTo(1);
            assertThat(test.err()).as(test.toString()).contains("error: tls failed: the TLS certificate of "
                    + server.host() + ":" + server.port() + " could not be verified with sslmode=require against "
                    + "sslrootcert \"" + other + "\"");
            assertThat(psql(url).exitCode()).as("psql with the same URL").isNotZero();

            String ca = server.certificate().toString();
            String good = url(role, server.host(), "sslmode=require&sslrootcert=" + ca);
            Cli.Result ok = cli.env("TLS_URL", good).run("conn", "test", "--url-env", "TLS_URL");
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(ok.out()).contains("the certificate is verified against " + ca)
                    .contains("connection ok (TLSv1.").contains("the certificate is verified against " + ca
                            + " (CA chain only))");
            assertThat(psql(good).exitCode()).as("psql with the same URL").isZero();
        }
    }

    // issue 8: the default root certificate is $HOME/.postgresql/root.crt as in libpq, not the passwd entry's home
    @Test
    void theRootCertificateUnderHomeIsUsedAsLibpqUsesIt() throws Exception {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_ctls"), PASSWORD)) {
            Path defaultRoot = home.resolve(".postgresql").resolve("root.crt");
            String verifyCa = url(role, server.host(), "sslmode=verify-ca");
            Cli.Result missing = cli.env("TLS_URL", verifyCa).run("conn", "test", "--url-env", "TLS_URL");
            assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
            assertThat(missing.err()).contains("root certificate file \"" + defaultRoot + "\" does not exist")
                    .contains("hint: provide the file \"" + defaultRoot + "\"");
            assertThat(psql(verifyCa).err()).contains("root certificate file \"" + defaultRoot + "\" does not exist");

            String require = url(role, server.host(), "sslmode=require");
            Cli.Result unverified = cli.env("TLS_URL", require).run("conn", "test", "--url-env", "TLS_URL");
            assertThat(unverified.exitCode()).as(unverified.toString()).isZero();
            assertThat(unverified.out()).contains("connection ok (TLSv1.").contains("the certificate is not verified");

            Files.createDirectories(defaultRoot.getParent());
            Files.copy(server.unrelatedCertificate(), defaultRoot);
            Cli.Result refused = cli.env("TLS_URL", require).run("conn", "test", "--url-env", "TLS_URL");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).contains("against the default root certificate file \"" + defaultRoot + "\"");
            assertThat(psql(require).exitCode()).as("psql with the same URL and HOME").isNotZero();
        }
    }

    // issue 8: a failed verify-full printed pgjdbc's "SEVERE: Server name validation failed…" on stderr
    @Test
    void aHostNameMismatchPrintsOnlyPgbridgesError() {
        try (TestRole role = server.createRole(TestingPostgres.uniqueName("pgb_ctls"), PASSWORD)) {
            String url = url(role, TestingPostgres.HOST_NOT_IN_CERTIFICATE,
                    "sslmode=verify-full&sslrootcert=" + server.certificate());
            Cli.Result test = cli.env("TLS_URL", url).run("conn", "test", "--url-env", "TLS_URL");
            assertThat(test.exitCode()).as(test.toString()).isEqualTo(1);
            assertThat(test.err()).contains("does not name the host").contains("hint: ");
            assertThat(test.err().lines().toList()).as(test.toString()).allSatisfy(line -> assertThat(line)
                    .doesNotContain("SEVERE").doesNotContain("org.postgresql")
                    .doesNotContain("validation")
                    .satisfiesAnyOf(l -> assertThat(l).startsWith("error: "), l -> assertThat(l).startsWith("hint: ")));
            assertThat(psql(url).exitCode()).as("psql with the same URL").isNotZero();
        }
    }
}
