package dev.pgbridge.connection;

import dev.pgbridge.connection.TlsPolicy.Attempt;
import dev.pgbridge.connection.TlsPolicy.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** libpq's sslmode and root certificate rules, and how they become pgjdbc properties (no server needed). */
class TlsPolicyTest {
    @TempDir
    Path home;

    private Map<String, String> env() {
        return Map.of("HOME", home.toString());
    }

    private Path defaultRoot() throws IOException {
        Path file = home.resolve(".postgresql").resolve("root.crt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "not read by this test");
        return file;
    }

    private static Map<String, String> pgjdbc(TlsPolicy tls, Attempt attempt) {
        Map<String, String> p = new HashMap<>();
        tls.apply(attempt, p);
        return p;
    }

    // issue 8: the default root certificate came from the passwd entry's home (user.home), not from $HOME as in libpq
    @Test
    void theDefaultRootCertificateIsUnderHome() {
        TlsPolicy tls = TlsPolicy.of("require", null, env());
        assertThat(tls.rootCertificate()).contains(home.resolve(".postgresql/root.crt"));
        assertThat(tls.rootCertificateGiven()).isFalse();
        // an empty sslrootcert means the default, as in libpq
        assertThat(TlsPolicy.of("require", "", env()).rootCertificate()).contains(home.resolve(".postgresql/root.crt"));
        // HOME unset or empty: the passwd entry's home directory, which the JVM reports as user.home
        Path passwdHome = Path.of(System.getProperty("user.home"));
        assertThat(TlsPolicy.of("require", null, Map.of()).rootCertificate())
                .contains(passwdHome.resolve(".postgresql/root.crt"));
        assertThat(TlsPolicy.of("require", null, Map.of("HOME", "")).rootCertificate())
                .contains(passwdHome.resolve(".postgresql/root.crt"));
        assertThat(TlsPolicy.of("require", "/etc/ca.pem", env()).rootCertificate()).contains(Path.of("/etc/ca.pem"));
    }

    // issue 8: sslmode=require with a root certificate connected without verifying it, while libpq verifies the chain
    @Test
    void requireVerifiesTheChainWhenTheRootCertificateExists() throws IOException {
        TlsPolicy without = TlsPolicy.of("require", null, env());
        assertThat(without.verification()).isEqualTo(Verification.NONE);
        assertThat(without.attempts()).containsExactly(Attempt.TLS);
        assertThat(pgjdbc(without, Attempt.TLS)).containsExactlyInAnyOrderEntriesOf(Map.of("sslmode", "require"));

        Path root = defaultRoot();
        TlsPolicy with = TlsPolicy.of("require", null, env());
        assertThat(with.verification()).isEqualTo(Verification.CHAIN);
        assertThat(with.attempts()).containsExactly(Attempt.TLS_CHAIN);
        assertThat(pgjdbc(with, Attempt.TLS_CHAIN)).containsExactlyInAnyOrderEntriesOf(
                Map.of("sslmode", "verify-ca", "sslrootcert", root.toString()));
        assertThat(with.describe()).isEqualTo("the certificate is verified against " + root
                + " (CA chain; the host name is not checked: sslmode=require with a root certificate, as libpq)");
    }

    @Test
    void everySslmodeMakesLibpqsAttempts() throws IOException {
        Map<String, List<Attempt>> withoutRoot = Map.of(
                "disable", List.of(Attempt.PLAIN),
                "allow", List.of(Attempt.PGJDBC_ALLOW),
                "prefer", List.of(Attempt.PGJDBC_PREFER),
                "require", List.of(Attempt.TLS),
                "verify-ca", List.of(Attempt.TLS_CHAIN),
                "verify-full", List.of(Attempt.TLS_CHAIN_AND_HOST));
        withoutRoot.forEach((mode, attempts) ->
                assertThat(TlsPolicy.of(mode, null, env()).attempts()).as(mode).isEqualTo(attempts));
        defaultRoot();
        Map<String, List<Attempt>> withRoot = Map.of(
                "disable", List.of(Attempt.PLAIN),
                // libpq verifies every TLS session when the root file exists; prefer then falls back to no TLS
                "allow", List.of(Attempt.PLAIN, Attempt.TLS_CHAIN),
                "prefer", List.of(Attempt.TLS_CHAIN, Attempt.PLAIN),
                "require", List.of(Attempt.TLS_CHAIN),
                "verify-ca", List.of(Attempt.TLS_CHAIN),
                "verify-full", List.of(Attempt.TLS_CHAIN_AND_HOST));
        withRoot.forEach((mode, attempts) ->
                assertThat(TlsPolicy.of(mode, null, env()).attempts()).as(mode).isEqualTo(attempts));
        assertThat(pgjdbc(TlsPolicy.of("verify-full", null, env()), Attempt.TLS_CHAIN_AND_HOST))
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslhostnameverifier", LibpqHostnameVerifier.class.getName());
        assertThat(TlsPolicy.of("disable", null, env()).verification()).isEqualTo(Verification.NONE);
        assertThat(TlsPolicy.of("prefer", null, env()).verification()).isEqualTo(Verification.CHAIN);
    }

    // libpq: 'root certificate file "…" does not exist' before anything is sent; require then does not verify
    @Test
    void verifyModesRefuseToConnectWithoutTheRootCertificate() {
        ConnectionConfig c = ConnectionConfig.builder().connId("c").host("db.invalid").port(5432).database("d")
                .login("u").password("pw").extra(Map.of("sslmode", "verify-full")).build();
        JdbcTarget target = JdbcTarget.of(c, env());
        assertThatThrownBy(target::connect).isInstanceOfSatisfying(TlsVerificationException.class, e -> {
            assertThat(e.reason()).isEqualTo(TlsVerificationException.Reason.ROOT_CERTIFICATE_MISSING);
            assertThat(e.getMessage()).isEqualTo("root certificate file \"" + home.resolve(".postgresql/root.crt")
                    + "\" does not exist");
            assertThat(e.rootCertificateGiven()).isFalse();
        });
        Properties p = JdbcTarget.of(c.toBuilder().extra(Map.of("sslmode", "require")).build(), env()).properties();
        assertThat(p.getProperty("sslmode")).isEqualTo("require");
        assertThat(p.getProperty("sslrootcert")).isNull();
    }

    @Test
    void aSessionKeepsTheConnectionsTls() throws IOException {
        Path ca = defaultRoot();
        ConnectionConfig c = ConnectionConfig.builder().connId("c").host("db.invalid").port(5432).database("d")
                .login("u").password("pw").extra(Map.of("sslmode", "require")).build();
        for (JdbcTarget.Session session : JdbcTarget.Session.values()) {
            Properties p = JdbcTarget.of(c, env()).with(session).properties();
            assertThat(p.getProperty("sslmode")).as(session.name()).isEqualTo("verify-ca");
            assertThat(p.getProperty("sslrootcert")).as(session.name()).isEqualTo(ca.toString());
        }
    }

    @Test
    void aRootCertificateThatAppearsLaterIsUsedFromThen() throws IOException {
        TlsPolicy tls = TlsPolicy.of("require", null, env());
        assertThat(tls.attempts()).containsExactly(Attempt.TLS);
        defaultRoot();
        assertThat(tls.attempts()).containsExactly(Attempt.TLS_CHAIN); // decided at each attempt, as libpq does
    }
}
