package dev.pgbridge.metadata.openmetadata;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.secret.Secret;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code verifySSL} against an HTTPS OpenMetadata stand-in with a self-signed certificate (made by the JDK's keytool
 * for 127.0.0.1): {@code no-ssl} refuses it with what to do, {@code validate} with the certificate as
 * {@code sslConfig.caCertificate} and {@code ignore} accept it.
 */
@Timeout(120)
class RestSinkTlsTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.tls-bot.c2ln";
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();
    private static final RestSink.Timing FAST = new RestSink.Timing(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofMillis(10), Duration.ofSeconds(1));

    @TempDir
    static Path dir;
    private static Path caPem;
    private static OpenMetadataTestServer server;

    @BeforeAll
    static void startHttpsServer() throws Exception {
        Path keystore = dir.resolve("om.p12");
        caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "om", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", new String(STORE_PASSWORD));
        keytool("-exportcert", "-rfc", "-alias", "om", "-keystore", keystore.toString(), "-storepass",
                new String(STORE_PASSWORD), "-file", caPem.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, STORE_PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, STORE_PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = OpenMetadataTestServer.start(TOKEN, tls);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static RestSink connect(String verifySSL, Path ca) {
        ServerConfig config = new ServerConfig(URI.create(server.hostPort()), "openmetadata", Secret.of(TOKEN),
                verifySSL, ca);
        return RestSink.connect(config, new RestSink.Report(w -> { }, e -> { }), FAST);
    }

    @Test
    void aSelfSignedServerIsRefusedByDefaultWithWhatToDo() {
        assertThat(server.hostPort()).startsWith("https://");
        assertThatThrownBy(() -> connect("no-ssl", null)).isInstanceOfSatisfying(SinkFailure.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.TLS_VERIFY_FAILED);
            assertThat(e.getMessage()).startsWith("TLS handshake with OpenMetadata at " + server.hostPort()
                    + " failed: ");
            assertThat(e.hint()).isEqualTo("trust the server's CA with verifySSL: validate and "
                    + "sslConfig.caCertificate (a PEM file), or verifySSL: ignore to trust any certificate "
                    + "(workflowConfig.openMetadataServerConfig)");
        });
    }

    @Test
    void validateTrustsTheGivenCertificate() {
        try (RestSink sink = connect("validate", caPem)) {
            assertThat(sink.serverVersion()).isEqualTo("1.4.0");
            sink.send(Requests.Request.put(new Requests.CreateDatabaseService("svc_tls", "Postgres", null)));
        }
        assertThat(server.entity("databaseService", "svc_tls")).isPresent();
    }

    @Test
    void ignoreTrustsAnyCertificate() {
        try (RestSink sink = connect("ignore", null)) {
            assertThat(sink.serverVersion()).isEqualTo("1.4.0");
        }
    }

    @Test
    void aCaFileWithoutACertificateIsAClearError() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> connect("validate", empty)).isInstanceOfSatisfying(SinkFailure.class, e ->
                assertThat(e.getMessage()).isEqualTo("workflowConfig.openMetadataServerConfig.sslConfig.caCertificate "
                        + empty + " holds no certificate"));
    }
}
