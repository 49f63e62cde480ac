package dev.pgbridge.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code pgbridge server} and its user and token commands, run as a user runs them. */
@Timeout(300)
class ServerCommandIT {
    @TempDir
    Path home;

    @Test
    void usersAndTokensAreManagedFromTheCommandLine() {
        Cli cli = new Cli(home);
        Cli.Result added = cli.runWithInput("a long passphrase\n", "server", "user", "add", "alice", "--tenant", "team_a",
                "--role", "editor", "--password-stdin");
        assertThat(added.exitCode()).as(added.toString()).isZero();
        assertThat(added.out()).contains("alice").contains("team_a").contains("editor").doesNotContain("passphrase");

        Cli.Result tooShort = cli.runWithInput("tiny12", "server", "user", "add", "bob", "--role", "viewer", "--password-stdin");
        assertThat(tooShort.exitCode()).isEqualTo(1);
        assertThat(tooShort.err()).contains("too short").contains("hint:");

        Cli.Result agentUser = cli.runWithInput("a long passphrase", "server", "user", "add", "bot", "--role", "agent", "--password-stdin");
        assertThat(agentUser.exitCode()).isEqualTo(2);
        assertThat(agentUser.err()).contains("agent");

        Cli.Result token = cli.run("server", "token", "create", "--tenant", "team_a", "--role", "agent", "--expires", "30d");
        assertThat(token.exitCode()).as(token.toString()).isZero();
        String text = token.out().strip();
        assertThat(text).matches("pgb_[0-9a-f]{12}_[A-Za-z0-9_-]{43}");
        assertThat(token.err()).contains("shown only now").contains("expires");

        Cli.Result list = cli.run("server", "token", "list", "--tenant", "team_a");
        String id = text.substring(4, 16);
        assertThat(list.out()).contains(id).contains("agent").doesNotContain(text.substring(17));
        assertThat(cli.run("server", "token", "list", "--tenant", "team_b").out()).doesNotContain(id);

        Cli.Result adminToken = cli.run("server", "token", "create", "--role", "admin");
        assertThat(adminToken.exitCode()).isEqualTo(1);
        assertThat(adminToken.err()).contains("admin");

        assertThat(cli.run("server", "token", "revoke", id, "--tenant", "team_a").exitCode()).isZero();
        assertThat(cli.run("server", "token", "list", "--tenant", "team_a").out()).doesNotContain(id);
        assertThat(cli.everythingWritten()).doesNotContain("a long passphrase");
    }

    @Test
    void serverStartsOverTlsWithItsOwnCaAndPrintsTheFingerprint() throws Exception {
        Cli cli = new Cli(home);
        Path out = Files.createTempFile(home, "server", ".out");
        Path err = Files.createTempFile(home, "server", ".err");
        Process server = cli.start(out, err, "server", "--port", "0");
        try {
            String printed = awaitLine(out, err, server, "CA SHA-256 fingerprint");
            Matcher url = Pattern.compile("listening on (https://127\\.0\\.0\\.1:\\d+)").matcher(printed);
            assertThat(url.find()).as(printed).isTrue();
            Path ca = home.resolve("tls").resolve("ca.pem");
            assertThat(printed).contains(ca.toString());
            X509Certificate caCert;
            try (InputStream in = Files.newInputStream(ca)) {
                caCert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            String fingerprint = HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(caCert.getEncoded()));
            assertThat(printed).contains(fingerprint);
            Cli.Result caPath = cli.run("server", "ca");
            assertThat(caPath.out().strip()).isEqualTo(ca.toString());
            assertThat(cli.run("server", "ca", "--fingerprint").out().strip()).isEqualTo(fingerprint);

            HttpResponse<String> health = client(caCert).send(HttpRequest.newBuilder(URI.create(url.group(1) + "/api/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"tls\":true");

            // a client that does not trust the CA is refused by its own TLS check
            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(url.group(1) + "/api/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
        }
        finally {
            server.destroy();
            server.waitFor();
        }
    }

    @Test
    void theCaCommandSaysWhenThereIsNoCaYet() {
        Cli.Result r = new Cli(home).run("server", "ca");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no CA yet").contains("hint: start the server once");
    }

    @Test
    void plainHttpIsRefusedOffLoopback() {
        Cli.Result r = new Cli(home).run("server", "--insecure-http", "--bind", "0.0.0.0", "--port", "0");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("loopback").contains("hint:");
        Cli.Result secretsWithoutHttp = new Cli(home).run("server", "--allow-insecure-secrets", "--port", "0");
        assertThat(secretsWithoutHttp.exitCode()).isEqualTo(2);
        assertThat(secretsWithoutHttp.err()).contains("--insecure-http");
    }

    private static HttpClient client(X509Certificate ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static String awaitLine(Path out, Path err, Process process, String marker) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(out);
            if (text.contains(marker)) {
                return text;
            }
            if (!process.isAlive()) {
                throw new AssertionError("server exited " + process.exitValue() + ": " + text + Files.readString(err));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + marker + "' within 120 s: " + Files.readString(out) + Files.readString(err));
    }
}
