package dev.pgbridge.connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** verify-full's host name check follows libpq (fe-secure-common.c, fe-secure-openssl.c), not pgjdbc. */
@Timeout(120)
class LibpqHostnameVerifierTest {
    @TempDir
    Path dir;

    /** A self-signed certificate made by openssl with this subject CN and subjectAltName (null: none). */
    private X509Certificate certificate(String commonName, String subjectAltName) throws Exception {
        Path out = dir.resolve("c" + System.nanoTime() + ".crt");
        List<String> command = new ArrayList<>(List.of("openssl", "req", "-new", "-x509", "-days", "1", "-nodes",
                "-newkey", "rsa:2048", "-subj", "/CN=" + commonName, "-keyout", dir.resolve("k.key").toString(),
                "-out", out.toString()));
        if (subjectAltName != null) {
            command.addAll(List.of("-addext", "subjectAltName=" + subjectAltName));
        }
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        }
        catch (java.io.IOException e) {
            assumeTrue(false, "openssl is not installed");
            throw e;
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        try (InputStream in = Files.newInputStream(out)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    // issue 8: verify-full must check IP subjectAltNames as libpq does (pgjdbc compares addresses as text)
    @Test
    void ipAddressesCompareAsAddresses() throws Exception {
        X509Certificate v4 = certificate("pgbridge test server", "IP:127.0.0.1");
        assertThat(LibpqHostnameVerifier.matches("127.0.0.1", v4)).isTrue();
        assertThat(LibpqHostnameVerifier.matches("127.1", v4)).as("inet_aton's short form").isTrue();
        assertThat(LibpqHostnameVerifier.matches("localhost", v4)).isFalse();
        assertThat(LibpqHostnameVerifier.matches("127.0.0.2", v4)).isFalse();

        X509Certificate v6 = certificate("pgbridge test server", "IP:::1");
        assertThat(LibpqHostnameVerifier.matches("::1", v6)).isTrue();
        assertThat(LibpqHostnameVerifier.matches("[::1]", v6)).isTrue();
        assertThat(LibpqHostnameVerifier.matches("0:0:0:0:0:0:0:1", v6)).isTrue();
        assertThat(LibpqHostnameVerifier.matches("127.0.0.1", v6)).isFalse();
    }

    @Test
    void namesAndWildcards() throws Exception {
        X509Certificate cert = certificate("db.other.com", "DNS:*.example.com,DNS:db.example.org");
        assertThat(LibpqHostnameVerifier.matches("db.example.com", cert)).isTrue();
        assertThat(LibpqHostnameVerifier.matches("DB.Example.COM", cert)).isTrue();
        assertThat(LibpqHostnameVerifier.matches("db.example.org", cert)).isTrue();
        assertThat(LibpqHostnameVerifier.matches("a.b.example.com", cert)).as("* is one label").isFalse();
        assertThat(LibpqHostnameVerifier.matches("example.com", cert)).isFalse();
        // a dNSName entry is present, so the common name of a DNS host is ignored
        assertThat(LibpqHostnameVerifier.matches("db.other.com", cert)).isFalse();
    }

    @Test
    void theCommonNameCountsOnlyWithoutAnEntryOfTheHostsKind() throws Exception {
        X509Certificate noSan = certificate("localhost", null);
        assertThat(LibpqHostnameVerifier.matches("localhost", noSan)).isTrue();
        assertThat(LibpqHostnameVerifier.matches("127.0.0.1", noSan)).isFalse();
        // an IP entry does not hide the CN from a DNS host…
        X509Certificate ipOnly = certificate("localhost", "IP:10.0.0.5");
        assertThat(LibpqHostnameVerifier.matches("localhost", ipOnly)).isTrue();
        // …and a DNS entry does not hide the CN from an IP host (libpq's documented departure from RFC 6125)
        X509Certificate dnsOnly = certificate("10.0.0.5", "DNS:db.example.com");
        assertThat(LibpqHostnameVerifier.matches("10.0.0.5", dnsOnly)).isTrue();
    }

    @Test
    void inetAtonForms() {
        assertThat(LibpqHostnameVerifier.inetAton("10.0.0.5")).hasValueSatisfying(b ->
                assertThat(b).containsExactly(10, 0, 0, 5));
        assertThat(LibpqHostnameVerifier.inetAton("0x7f.1")).hasValueSatisfying(b ->
                assertThat(b).containsExactly(127, 0, 0, 1));
        assertThat(LibpqHostnameVerifier.inetAton("2130706433")).hasValueSatisfying(b ->
                assertThat(b).containsExactly(127, 0, 0, 1));
        assertThat(LibpqHostnameVerifier.inetAton("256.0.0.1")).isEmpty();
        assertThat(LibpqHostnameVerifier.inetAton("db.example.com")).isEmpty();
        assertThat(LibpqHostnameVerifier.inetAton("1.2.3.4.5")).isEmpty();
    }
}
