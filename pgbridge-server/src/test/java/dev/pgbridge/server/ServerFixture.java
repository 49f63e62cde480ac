package dev.pgbridge.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.secret.MasterKey;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.auth.ServerCertificates;
import dev.pgbridge.server.auth.ServerSchema;
import dev.pgbridge.store.PgBridgeHome;
import dev.pgbridge.store.SqlConnectionStore;
import dev.pgbridge.testing.TestingPostgres;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;

/**
 * One pgbridge server for a test class: a fresh PGBRIDGE_HOME (SQLite control store, its own master key and CA) in a
 * temporary directory, started on a free port over TLS (or plain HTTP), with an HTTP client that trusts its CA. The
 * one harness of the server's tests: API, UI, agent and browser tests all start servers through it.
 */
public final class ServerFixture implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final SqlConnectionStore store;
    private final PgBridgeServer server;
    private final HttpClient client;

    private ServerFixture(Path home, SqlConnectionStore store, PgBridgeServer server, HttpClient client) {
        this.home = home;
        this.store = store;
        this.server = server;
        this.client = client;
    }

    /** A TLS server with the self-signed CA made under a new home. */
    public static ServerFixture tls() {
        return start(ServerOptions.defaults().withPort(0));
    }

    /** A plain-HTTP server on 127.0.0.1; {@code allowSecrets} is {@code --allow-insecure-secrets}. */
    public static ServerFixture insecureHttp(boolean allowSecrets) {
        return start(ServerOptions.defaults().withPort(0).withInsecureHttp(true, allowSecrets));
    }

    public static ServerFixture start(ServerOptions options) {
        try {
            Path home = Files.createTempDirectory("pgbridge-server-test");
            return start(options, home);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server on an existing home (to restart one on the same store and certificate). */
    public static ServerFixture start(ServerOptions options, Path home) {
        PgBridgeHome pgHome = PgBridgeHome.of(home);
        SqlConnectionStore store = SqlConnectionStore.sqlite(pgHome.storeFile(), () -> fixedKey());
        store.database().migrate(ServerSchema.COMPONENT, ServerSchema.MIGRATIONS);
        PgBridgeServer server = PgBridgeServer.start(options, pgHome, store, store.database());
        HttpClient client = HttpClient.newBuilder()
                .sslContext(server.identity().map(i -> trusting(i.chain().get(i.chain().size() - 1))).orElseGet(ServerFixture::defaultContext))
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        return new ServerFixture(home, store, server, client);
    }

    public PgBridgeServer server() {
        return server;
    }

    public Path home() {
        return home;
    }

    public SqlConnectionStore store() {
        return store;
    }

    /** The CA file clients trust (self-signed mode). */
    public Path caFile() {
        return home.resolve("tls").resolve(ServerCertificates.CA_FILE);
    }

    public String url() {
        return server.url();
    }

    public HttpClient client() {
        return client;
    }

    /** Adds a user to a tenant; returns its password. */
    public Secret user(String tenant, String name, Role role) {
        Secret password = Secret.of("pw-" + name + "-correct-horse");
        server.services().users().put(tenant, name, role, password);
        return password;
    }

    /** A new never-expiring token's text. */
    public String token(String tenant, Role role) {
        return server.services().tokens().create(tenant, role, null, "test").text().reveal();
    }

    /** Saves a connection to the test PostgreSQL (its superuser) in a tenant. */
    public ConnectionConfig saveTestPostgres(String tenant, String connId) {
        TestingPostgres pg = TestingPostgres.get();
        ConnectionConfig config = ConnectionConfig.builder().connId(connId).connType(ConnectionConfig.POSTGRES)
                .host(pg.host()).port(String.valueOf(pg.port())).database("postgres").login(pg.superuser())
                .password(Secret.of(pg.superuserPassword())).extra("{\"sslmode\": \"disable\"}").tenant(tenant).build();
        store.add(config);
        return config;
    }

    /** A request to {@code path} (e.g. {@code /api/v1/connections}) with a Bearer token (null for none). */
    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    /** A JSON request with a body (POST, PATCH, PUT) or without (DELETE with null body). */
    public HttpResponse<String> json(String method, String path, String token, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body));
            return send(request(path, token).header("Content-Type", "application/json").method(method, publisher).build());
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static JsonNode parse(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("not JSON (status " + response.statusCode() + "): " + response.body(), e);
        }
    }

    public static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Override
    public void close() {
        server.close();
        store.close();
    }

    /** An SSL context that trusts exactly {@code anchor}. */
    public static SSLContext trusting(X509Certificate anchor) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", anchor);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        }
        catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store", e);
        }
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final MasterKey KEY = MasterKey.generate();

    private static MasterKey fixedKey() {
        return KEY;
    }
}
