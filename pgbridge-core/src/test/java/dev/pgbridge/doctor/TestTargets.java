package dev.pgbridge.doctor;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.testing.TestingPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Connections to the test server and stand-ins for broken ones (shared by the tests of this module). */
public final class TestTargets {
    /** The password the issue asks every hop to survive. */
    public static final String SPECIAL_PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";

    private TestTargets() {
    }

    /** A connection to the test server as {@code login}, with extra entries given as key, value pairs. */
    public static ConnectionConfig config(String login, String password, String database, Object... extra) {
        TestingPostgres server = TestingPostgres.get();
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < extra.length; i += 2) {
            map.put((String) extra[i], extra[i + 1]);
        }
        return ConnectionConfig.builder()
                .connId("test_conn")
                .host(server.host())
                .port(server.port())
                .database(database)
                .login(login)
                .password(password)
                .extra(map.isEmpty() ? null : map)
                .build();
    }

    /** A local port nothing listens on (it was free a moment ago). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PEM file with a CA certificate that did not sign the test server's certificate: the test server's unrelated CA,
     * or for an external server the first CA of the JDK's trust store.
     */
    public static Path unrelatedRootCertificate() throws Exception {
        Path unrelated = TestingPostgres.get().unrelatedCertificate();
        if (unrelated != null) {
            return unrelated;
        }
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        KeyStore store = KeyStore.getInstance(cacerts.toFile(), "changeit".toCharArray());
        X509Certificate cert = (X509Certificate) store.getCertificate(Collections.list(store.aliases()).getFirst());
        Path file = Files.createTempFile("pgbridge-wrong-root", ".crt");
        file.toFile().deleteOnExit();
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        return file;
    }

    /** A local server that accepts TCP connections and never says a word: every read on it times out. */
    public static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
        private final Thread acceptor;

        public SilentServer() throws IOException {
            socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            acceptor = Thread.ofPlatform().daemon().name("silent-server").start(() -> {
                while (!socket.isClosed()) {
                    try {
                        accepted.add(socket.accept());
                    }
                    catch (IOException e) {
                        return; // closed
                    }
                }
            });
        }

        public int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
            try {
                acceptor.join(2000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
