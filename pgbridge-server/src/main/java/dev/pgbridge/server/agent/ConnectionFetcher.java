package dev.pgbridge.server.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.connection.AirflowJson;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.auth.ServerCertificates;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The task runner's side of the agent channel ({@code pgbridge run --server}): fetches connections with their
 * secrets from a pgbridge server over verified TLS — trusting exactly the CA file given ({@code --cacert}), else the
 * system's trust store, with host name verification on — and keeps them in memory only.
 *
 * <p>Every way it can fail is its own error with a hint, as the troubleshooting tables of orchestrators list them:
 * a connection not in the token's tenant, an insecure channel, an expired or unknown token, a token of another role, an
 * unreachable server (refused, unknown host, timeout), a certificate that does not verify (wrong CA) and one that
 * does not name the host.
 */
public final class ConnectionFetcher {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final Secret token;
    private final Path caFile;
    private final RecordingTrustManager trust;
    private final HttpClient client;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    private ConnectionFetcher(URI server, Secret token, Path caFile, RecordingTrustManager trust, HttpClient client,
                              Duration connectTimeout, Duration requestTimeout) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.server = server;
        this.token = token;
        this.caFile = caFile;
        this.trust = trust;
        this.client = client;
    }

    /**
     * A fetcher for the server at {@code serverUrl} ({@code https://host:port}, optionally ending in {@code /api/v1});
     * {@code caFile} (PEM, one or more certificates) is the only trust anchor when given, else the system's.
     * Plain {@code http://} is refused (INSECURE_CHANNEL) unless the host is a loopback address, where the server
     * itself decides (it sends secrets there only in its {@code --allow-insecure-secrets} local mode).
     */
    public static ConnectionFetcher create(String serverUrl, Secret token, Path caFile) {
        return create(serverUrl, token, caFile, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    /** With other timeouts (tests). */
    static ConnectionFetcher create(String serverUrl, Secret token, Path caFile, Duration connectTimeout,
                                    Duration requestTimeout) {
        requireNonNull(token, "token is null");
        URI server = serverUri(serverUrl);
        if (server.getScheme().equals("http") && !loopback(server.getHost())) {
            throw new PgBridgeException(ErrorCode.INSECURE_CHANNEL,
                    "insecure channel: connection secrets are fetched over https:// only, not from " + server,
                    "use the server's https:// URL (with --cacert PGBRIDGE_HOME/tls/ca.pem for its self-signed CA)");
        }
        RecordingTrustManager trust = RecordingTrustManager.of(caFile == null ? null : readCertificates(caFile));
        SSLContext ssl;
        try {
            ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
        }
        catch (GeneralSecurityException e) {
            throw new PgBridgeException(ErrorCode.INTERNAL, "cannot set up TLS: " + e.getMessage(),
                    "this Java runtime lacks TLS support; use a full JDK 21 or newer", e);
        }
        // HttpClient verifies the host name against the certificate for https:// (endpoint identification HTTPS)
        HttpClient client = HttpClient.newBuilder()
                .sslContext(ssl)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        return new ConnectionFetcher(server, token, caFile, trust, client, connectTimeout, requestTimeout);
    }

    /** The server's base URL (scheme, host and port). */
    public URI server() {
        return server;
    }

    /** The connection {@code connId} of the token's tenant, with its password, as the server holds it. */
    public ConnectionConfig fetch(String connId) {
        String id = ConnectionConfig.normalizeConnId(connId);
        URI uri = server.resolve("/api/v1/execution/connections/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token.reveal())
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response;
        trust.reset();
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            throw transportFailure(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgBridgeException(ErrorCode.CANCELED, "interrupted while fetching connection " + id + " from " + server,
                    "run the task again");
        }
        if (response.statusCode() == 200) {
            return parse(id, response.body());
        }
        throw refusal(id, response);
    }

    private ConnectionConfig parse(String id, String body) {
        ConnectionConfig config;
        try {
            config = AirflowJson.parse(body);
        }
        catch (PgBridgeException e) {
            // the body may hold the password: its parse error (which could quote it) is not passed on
            throw new PgBridgeException(ErrorCode.SERVER_UNREACHABLE, "the server at " + server
                    + " answered with something that is not a connection for '" + id + "'",
                    "check that --server names a pgbridge server (its /api/v1/health answers)");
        }
        return config.toBuilder().connId(id).build();
    }

    /** A non-200 answer: the server's {error, message, hint} kept as they are (its message names the tenant). */
    private PgBridgeException refusal(String id, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body = null;
        try {
            body = JSON.readTree(response.body());
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // not a pgbridge error body: handled below
        }
        if (body == null || !body.path("error").isTextual() || !body.path("message").isTextual()) {
            return new PgBridgeException(ErrorCode.SERVER_UNREACHABLE, server + " answered HTTP " + status
                    + " without a pgbridge error for connection '" + id + "'",
                    "check that --server names a pgbridge server with the agent channel (its /api/v1/health answers)");
        }
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(body.path("error").asText());
        }
        catch (IllegalArgumentException e) {
            code = ErrorCode.SERVER_UNREACHABLE;
        }
        String hint = body.path("hint").isTextual() ? body.path("hint").asText() : null;
        String message = body.path("message").asText();
        return switch (code) {
            case UNAUTHENTICATED -> new PgBridgeException(code, "the server " + server + " refused the token: " + message,
                    "give the whole token of tenant's agent (PGBRIDGE_TOKEN, --token-file or --token); an admin makes one "
                            + "with pgbridge server token create --role agent");
            default -> new PgBridgeException(code, message, hint);
        };
    }

    private PgBridgeException transportFailure(IOException e) {
        String where = server.getHost() + ":" + port(server);
        RecordingTrustManager.Failure failure = trust.failure();
        if (failure != null && !failure.chain().isEmpty()) {
            return certificateFailure(failure, e);
        }
        if (e instanceof HttpConnectTimeoutException) {
            return new PgBridgeException(ErrorCode.SERVER_UNREACHABLE, "server unreachable: no connection to " + where
                    + " within " + seconds(connectTimeout) + " s", "check the URL, that the server runs, and that no "
                    + "firewall drops the port", e);
        }
        if (e instanceof HttpTimeoutException) {
            return new PgBridgeException(ErrorCode.SERVER_UNREACHABLE, "server unreachable: " + where + " did not answer within "
                    + seconds(requestTimeout) + " s", "check the server's log and load, then run the task again", e);
        }
        if (has(e, UnresolvedAddressException.class) || has(e, UnknownHostException.class)) {
            return new PgBridgeException(ErrorCode.SERVER_UNREACHABLE, "server unreachable: unknown host '" + server.getHost()
                    + "'", "check the host name in --server (DNS); an IP address works too", e);
        }
        if (e instanceof ConnectException || has(e, ConnectException.class)) {
            return new PgBridgeException(ErrorCode.SERVER_UNREACHABLE, "server unreachable: connection to " + where
                    + " refused", "check that pgbridge server runs there and listens on that port (--bind, --port)", e);
        }
        if (e instanceof SSLException || has(e, SSLException.class)) {
            return new PgBridgeException(ErrorCode.SERVER_UNREACHABLE, "no TLS handshake with " + where + ": "
                    + e.getMessage(), server.getScheme().equals("https")
                    ? "is it a pgbridge server over HTTPS? a server started with --insecure-http speaks plain HTTP only"
                    : "check the URL", e);
        }
        return new PgBridgeException(ErrorCode.SERVER_UNREACHABLE, "server unreachable: " + where + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                "check the URL and that the server runs, then run the task again", e);
    }

    private PgBridgeException certificateFailure(RecordingTrustManager.Failure failure, IOException e) {
        X509Certificate leaf = failure.chain().get(0);
        X509Certificate top = failure.chain().get(failure.chain().size() - 1);
        String fingerprint = ServerCertificates.fingerprint(top);
        return switch (failure.kind()) {
            case UNTRUSTED -> new PgBridgeException(ErrorCode.TLS_VERIFY_FAILED,
                    "the certificate of " + server.getHost() + ":" + port(server) + " does not verify: it is not signed by "
                            + (caFile != null ? "the CA in " + caFile : "a CA the system trusts")
                            + " (the server's chain ends in " + top.getSubjectX500Principal().getName() + ", SHA-256 "
                            + fingerprint + ")",
                    caFile != null
                            ? "--cacert must be the CA of this server: PGBRIDGE_HOME/tls/ca.pem of the server at " + server
                            + "; check its SHA-256 fingerprint against the one the server printed at start"
                            : "pass the server's CA with --cacert PGBRIDGE_HOME/tls/ca.pem (copied from the server's machine) "
                            + "and check its SHA-256 fingerprint against the one the server printed at start", e);
            case HOSTNAME -> new PgBridgeException(ErrorCode.TLS_VERIFY_FAILED,
                    "the certificate of " + server.getHost() + ":" + port(server) + " is valid but not for the name '"
                            + server.getHost() + "': it names " + String.join(", ", names(leaf)),
                    "connect with one of the names the certificate lists, or give the server a certificate for '"
                            + server.getHost() + "' (pgbridge server --tls-cert FILE --tls-key FILE)", e);
        };
    }

    static URI serverUri(String serverUrl) {
        if (serverUrl == null || serverUrl.isBlank()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "no server URL given",
                    "give --server https://HOST:PORT (the URL pgbridge server printed at start)");
        }
        URI uri;
        try {
            uri = new URI(serverUrl.strip());
        }
        catch (URISyntaxException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "--server is not a URL: " + e.getMessage(),
                    "give --server https://HOST:PORT", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "--server must be an https:// URL with a host, not '"
                    + serverUrl + "'", "give --server https://HOST:PORT (the URL pgbridge server printed at start)");
        }
        if (uri.getUserInfo() != null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "--server must not carry credentials",
                    "give the token with PGBRIDGE_TOKEN or --token-file, and --server https://HOST:PORT");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/") && !path.equals("/api/v1") && !path.equals("/api/v1/")) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "--server is the server's base URL, not " + serverUrl,
                    "give --server " + scheme + "://" + uri.getRawAuthority());
        }
        return URI.create(scheme + "://" + uri.getRawAuthority());
    }

    /** A literal loopback name: no DNS lookup decides whether plain HTTP is allowed. */
    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || IPV4_LOOPBACK.matcher(h).matches();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    }

    private static List<X509Certificate> readCertificates(Path file) {
        try {
            List<X509Certificate> certificates = ServerCertificates.readChain(file);
            if (certificates.isEmpty()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "no certificate in --cacert " + file,
                        "give the server's CA file (PEM, -----BEGIN CERTIFICATE-----), e.g. PGBRIDGE_HOME/tls/ca.pem");
            }
            return certificates;
        }
        catch (NoSuchFileException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "--cacert " + file + " does not exist",
                    "copy PGBRIDGE_HOME/tls/ca.pem from the server's machine and give its path", e);
        }
        catch (IOException | GeneralSecurityException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot read --cacert " + file + ": " + e.getMessage(),
                    "give the server's CA file (PEM), e.g. PGBRIDGE_HOME/tls/ca.pem", e);
        }
    }

    private static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> entry : cert.getSubjectAlternativeNames()) {
                    names.add(String.valueOf(entry.get(1)));
                }
            }
        }
        catch (java.security.cert.CertificateParsingException e) {
            names.add("(unreadable names)");
        }
        if (names.isEmpty()) {
            names.add(cert.getSubjectX500Principal().getName());
        }
        return names;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return false;
    }
}
