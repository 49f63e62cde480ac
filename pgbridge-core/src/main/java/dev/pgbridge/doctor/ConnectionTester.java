package dev.pgbridge.doctor;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ExtraOption;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.JdbcTarget.Endpoint;
import dev.pgbridge.connection.TlsPolicy;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * {@code conn test}: checks a connection step by step — DNS, TCP, TLS (per sslmode), authentication, database,
 * server version — and reports each with status, detail and duration. It stops at the first failure (later steps
 * are SKIPPED). Every step has a timeout taken from the connection (connect_timeout, login_timeout), so it never
 * hangs.
 */
public final class ConnectionTester {
    /** The PostgreSQL major versions pgbridge supports. */
    public static final int OLDEST_SUPPORTED = 12;
    public static final int NEWEST_SUPPORTED = 18;
    /** PostgreSQL's SSLRequest: length 8, code 80877103. */
    private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};
    private static final Set<ErrorCode> TLS_ERRORS =
            Set.of(ErrorCode.TLS_NOT_SUPPORTED_BY_SERVER, ErrorCode.TLS_VERIFY_FAILED, ErrorCode.TLS_REQUIRED_BY_SERVER);

    /** The first address that accepted a TCP connection, and the endpoint it belongs to. */
    private record Reachable(Endpoint endpoint, InetSocketAddress address) {
    }

    private final Map<String, String> env;

    /** A tester that finds libpq's default files (the root certificate) through this process's HOME. */
    public ConnectionTester() {
        this(System.getenv());
    }

    /** A tester that finds libpq's default files through the HOME in {@code env}. */
    public ConnectionTester(Map<String, String> env) {
        this.env = Map.copyOf(requireNonNull(env, "env is null"));
    }

    /** Runs the test; a connection whose extra is invalid fails with {@link ErrorCode#INVALID_CONFIG} instead. */
    public TestReport test(ConnectionConfig c) {
        return new Run(c, env).run();
    }

    /** The state of one test run. */
    private static final class Run {
        private final ConnectionConfig config;
        private final List<TestStep> steps = new ArrayList<>();
        private final List<Endpoint> endpoints;
        private final JdbcTarget target;
        private final PgBridgeException targetProblem;
        private final Duration connectTimeout;
        private final String sslMode;
        private String tlsVerdict;
        private boolean serverOffersTls;

        Run(ConnectionConfig config, Map<String, String> env) {
            this.config = config;
            this.endpoints = JdbcTarget.endpoints(config);
            JdbcTarget t = null;
            PgBridgeException problem = null;
            try {
                t = JdbcTarget.of(config, env);
            }
            catch (PgBridgeException e) {
                if (endpoints.stream().noneMatch(Endpoint::unixSocket)) {
                    throw e;
                }
                problem = e; // reported by the steps: a Unix-socket host cannot be used
            }
            this.target = t;
            this.targetProblem = problem;
            this.connectTimeout = t != null ? t.connectTimeout()
                    : Duration.ofSeconds(Long.parseLong(ExtraOption.CONNECT_TIMEOUT.defaultValue()));
            String mode = config.extraValue(ExtraOption.SSLMODE.key());
            this.sslMode = t != null ? t.sslMode() : mode == null ? ExtraOption.SSLMODE.defaultValue() : mode;
        }

        TestReport run() {
            Map<Endpoint, List<InetAddress>> resolved = dns();
            if (failed()) {
                return finish();
            }
            Reachable reachable = tcp(resolved);
            if (failed()) {
                return finish();
            }
            tlsAndLogin(reachable);
            return finish();
        }

        private boolean failed() {
            return steps.stream().anyMatch(s -> s.status() == TestStep.Status.FAIL);
        }

        private TestReport finish() {
            List<String> all = List.of(TestStep.DNS, TestStep.TCP, TestStep.TLS, TestStep.AUTHENTICATION,
                    TestStep.DATABASE, TestStep.SERVER_VERSION);
            Set<String> done = steps.stream().map(TestStep::name).collect(Collectors.toSet());
            String failedStep = steps.stream().filter(s -> s.status() == TestStep.Status.FAIL)
                    .map(TestStep::name).findFirst().orElse("an earlier step");
            for (String name : all) {
                if (!done.contains(name)) {
                    steps.add(TestStep.skipped(name, "not run: " + failedStep + " failed"));
                }
            }
            return new TestReport(steps, failed() ? null : tlsVerdict);
        }

        private Map<Endpoint, List<InetAddress>> dns() {
            long start = System.nanoTime();
            Map<Endpoint, List<InetAddress>> resolved = new LinkedHashMap<>();
            List<String> found = new ArrayList<>();
            PgBridgeException firstError = null;
            boolean anyTcp = false;
            for (Endpoint e : endpoints) {
                if (e.unixSocket()) {
                    found.add((e.host().isEmpty() ? "default Unix socket" : e.host()) + ": Unix socket, no lookup");
                    continue;
                }
                anyTcp = true;
                try {
                    List<InetAddress> addresses = lookUp(e.host());
                    resolved.put(e, addresses);
                    found.add(e.host() + " → " + addresses.stream().map(InetAddress::getHostAddress)
                            .collect(Collectors.joining(", ")));
                }
                catch (PgBridgeException error) {
                    found.add(e.host() + ": " + error.getMessage());
                    firstError = firstError == null ? error : firstError;
                }
                catch (UnknownHostException error) {
                    PgBridgeException translated = SqlErrors.translate(error, config, e);
                    found.add(e.host() + ": does not resolve");
                    firstError = firstError == null ? translated : firstError;
                }
            }
            Duration took = since(start);
            if (!anyTcp) {
                steps.add(TestStep.skipped(TestStep.DNS, String.join("; ", found)));
            }
            else if (resolved.isEmpty()) {
                steps.add(TestStep.fail(TestStep.DNS, firstError, took));
            }
            else {
                steps.add(TestStep.ok(TestStep.DNS, String.join("; ", found), took));
            }
            return resolved;
        }

        /** InetAddress has no timeout of its own: the lookup runs in a daemon thread that is abandoned when late. */
        private List<InetAddress> lookUp(String host) throws UnknownHostException {
            FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> InetAddress.getAllByName(host));
            Thread.ofPlatform().daemon().name("pgbridge-dns-" + host).start(lookup);
            try {
                return Arrays.asList(lookup.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS));
            }
            catch (TimeoutException e) {
                lookup.cancel(true);
                throw new PgBridgeException(ErrorCode.TIMEOUT,
                        "the DNS lookup of \"" + host + "\" did not finish within " + connectTimeout.toSeconds() + " s",
                        "check the DNS resolver of this machine (/etc/resolv.conf), or use the server's IP address",
                        e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PgBridgeException(ErrorCode.INTERNAL, "interrupted while looking up " + host, null, e);
            }
            catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownHostException unknown) {
                    throw unknown;
                }
                throw new PgBridgeException(ErrorCode.UNKNOWN_HOST, "cannot look up \"" + host + "\": "
                        + e.getCause(), "check the host name", e.getCause());
            }
        }

        /** Connects to every endpoint's addresses until one answers; returns the first reachable address. */
        private Reachable tcp(Map<Endpoint, List<InetAddress>> resolved) {
            long start = System.nanoTime();
            List<String> found = new ArrayList<>();
            Reachable first = null;
            PgBridgeException firstError = null;
            for (Map.Entry<Endpoint, List<InetAddress>> entry : resolved.entrySet()) {
                Endpoint endpoint = entry.getKey();
                for (InetAddress address : entry.getValue()) {
                    InetSocketAddress socketAddress = new InetSocketAddress(address, endpoint.port());
                    long attempt = System.nanoTime();
                    try (Socket socket = new Socket()) {
                        socket.connect(socketAddress, (int) connectTimeout.toMillis());
                        found.add(endpoint.address() + " (" + address.getHostAddress() + ") open in "
                                + since(attempt).toMillis() + " ms");
                        first = first == null ? new Reachable(endpoint, socketAddress) : first;
                        break;
                    }
                    catch (IOException e) {
                        PgBridgeException translated = SqlErrors.translate(e, config, endpoint);
                        found.add(endpoint.address() + " (" + address.getHostAddress() + "): " + translated.code());
                        firstError = firstError == null ? translated : firstError;
                    }
                }
            }
            if (targetProblem != null) {
                firstError = firstError == null ? targetProblem : firstError;
                found.add("Unix-socket hosts cannot be used over JDBC");
            }
            Duration took = since(start);
            if (first == null) {
                steps.add(TestStep.fail(TestStep.TCP, firstError, took));
            }
            else {
                steps.add(TestStep.ok(TestStep.TCP, String.join("; ", found), took));
            }
            return first;
        }

        private void tlsAndLogin(Reachable reachable) {
            long start = System.nanoTime();
            TestStep tls = probeTls(reachable.address(), reachable.endpoint(), start);
            if (tls.status() == TestStep.Status.FAIL) {
                steps.add(tls);
                return;
            }
            if (targetProblem != null) {
                steps.add(tls);
                steps.add(TestStep.fail(TestStep.AUTHENTICATION, targetProblem, Duration.ZERO));
                return;
            }

            long loginStart = System.nanoTime();
            try (Connection connection = target.connect()) {
                Duration took = since(loginStart);
                connection.setNetworkTimeout(Runnable::run, (int) target.loginTimeout().toMillis());
                String encryption = encryption(connection);
                steps.add(TestStep.ok(TestStep.TLS, tls.detail() + "; " + session(encryption), tls.duration()));
                steps.add(TestStep.ok(TestStep.AUTHENTICATION, "logged in as \"" + target.user() + "\" ("
                        + encryption + ")", took));
                steps.add(TestStep.ok(TestStep.DATABASE, "connected to database \"" + target.database() + "\"",
                        Duration.ZERO));
                serverVersion(connection);
            }
            catch (SQLException e) {
                PgBridgeException error = SqlErrors.translate(e, config);
                Duration took = since(loginStart);
                if (TLS_ERRORS.contains(error.code())) {
                    steps.add(TestStep.fail(TestStep.TLS, error, tls.duration().plus(took)));
                }
                else if (error.code() == ErrorCode.DATABASE_NOT_FOUND || error.code() == ErrorCode.PRIVILEGE_MISSING) {
                    // PostgreSQL authenticates before it looks the database up
                    steps.add(tlsBeforeLogin(tls));
                    steps.add(TestStep.ok(TestStep.AUTHENTICATION, "the server accepted the login \""
                            + target.user() + "\"", took));
                    steps.add(TestStep.fail(TestStep.DATABASE, error, Duration.ZERO));
                }
                else {
                    steps.add(tlsBeforeLogin(tls));
                    steps.add(TestStep.fail(TestStep.AUTHENTICATION, error, took));
                }
            }
        }

        /** The TLS step when the login failed after it: what this sslmode checks, not what a session showed. */
        private TestStep tlsBeforeLogin(TestStep probe) {
            if (!serverOffersTls || "disable".equals(sslMode)) {
                return probe;
            }
            return TestStep.ok(TestStep.TLS, probe.detail() + "; with TLS, " + target.tls().describe(),
                    probe.duration());
        }

        /**
         * What the session that logged in shows about TLS, in words that are true for it: encrypted or not, and what
         * was verified of the certificate against which file (decided as libpq decides; see TlsPolicy).
         */
        private String session(String encryption) {
            boolean encrypted = encryption.startsWith("TLS") && !"TLS unknown".equals(encryption);
            if (!encrypted) {
                tlsVerdict = "not encrypted";
                if ("disable".equals(sslMode) || !serverOffersTls) {
                    return "the session is not encrypted";
                }
                return "the session is not encrypted: sslmode=" + sslMode + " connected without TLS, as libpq does"
                        + ("prefer".equals(sslMode) && target.tls().verification() != TlsPolicy.Verification.NONE
                                ? " when the certificate does not verify against "
                                        + target.tls().rootCertificate().map(Object::toString).orElse("the root file")
                                : " when the server accepts that");
            }
            tlsVerdict = encryption + ", " + switch (target.tls().verification()) {
                case NONE -> "the certificate is not verified";
                case CHAIN -> "the certificate is verified against "
                        + target.tls().rootCertificate().map(Object::toString).orElse("") + " (CA chain only)";
                case CHAIN_AND_HOST -> "the certificate is verified against "
                        + target.tls().rootCertificate().map(Object::toString).orElse("") + " (CA chain and host name)";
            };
            return "the session uses " + encryption + "; " + target.tls().describe();
        }

        /**
         * Sends PostgreSQL's SSLRequest on a raw socket and reads the one-byte answer: 'S' the server speaks TLS,
         * 'N' it does not. Whether that is acceptable depends on sslmode; certificates are checked at login.
         */
        private TestStep probeTls(InetSocketAddress address, Endpoint endpoint, long start) {
            int answer;
            try (Socket socket = new Socket()) {
                socket.connect(address, (int) connectTimeout.toMillis());
                socket.setSoTimeout((int) connectTimeout.toMillis());
                OutputStream out = socket.getOutputStream();
                out.write(SSL_REQUEST);
                out.flush();
                InputStream in = socket.getInputStream();
                answer = in.read();
            }
            catch (IOException e) {
                return TestStep.fail(TestStep.TLS, SqlErrors.translate(e, config, endpoint), since(start));
            }
            Duration took = since(start);
            String at = endpoint == null ? address.toString() : endpoint.address();
            if (answer == 'S') {
                serverOffersTls = true;
                return TestStep.ok(TestStep.TLS, "the server at " + at + " supports TLS"
                        + ("disable".equals(sslMode) ? ", but sslmode=disable does not use it" : ""), took);
            }
            if (answer == 'N' || answer == 'E') {
                if (JdbcTarget.requiresTls(sslMode)) {
                    return TestStep.fail(TestStep.TLS, SqlErrors.tlsNotSupported(config, endpoint), took);
                }
                return TestStep.ok(TestStep.TLS, "the server at " + at + " does not support TLS; sslmode=" + sslMode
                        + " connects unencrypted", took);
            }
            return TestStep.fail(TestStep.TLS, new PgBridgeException(ErrorCode.CONNECTION_FAILED,
                    "the server at " + at + " did not answer PostgreSQL's TLS request"
                            + (answer < 0 ? " (it closed the connection)" : " (it sent byte " + answer + ")"),
                    "check that host and port point at PostgreSQL, not at another service or a proxy"), took);
        }

        private void serverVersion(Connection connection) {
            long start = System.nanoTime();
            try (Statement s = connection.createStatement()) {
                s.setQueryTimeout((int) Math.max(1, target.loginTimeout().toSeconds()));
                try (ResultSet rs = s.executeQuery(
                        "SELECT current_setting('server_version'), current_setting('server_version_num')::int")) {
                    rs.next();
                    String version = rs.getString(1);
                    int major = rs.getInt(2) / 10000;
                    Duration took = since(start);
                    if (major < OLDEST_SUPPORTED) {
                        steps.add(TestStep.fail(TestStep.SERVER_VERSION, new PgBridgeException(
                                ErrorCode.UNSUPPORTED_SERVER,
                                "PostgreSQL " + version + " is older than the oldest supported version "
                                        + OLDEST_SUPPORTED,
                                "upgrade the server to PostgreSQL " + OLDEST_SUPPORTED + "–" + NEWEST_SUPPORTED), took));
                    }
                    else if (major > NEWEST_SUPPORTED) {
                        steps.add(TestStep.ok(TestStep.SERVER_VERSION, "PostgreSQL " + version
                                + ": newer than the tested " + OLDEST_SUPPORTED + "–" + NEWEST_SUPPORTED
                                + "; it is expected to work", took));
                    }
                    else {
                        steps.add(TestStep.ok(TestStep.SERVER_VERSION, "PostgreSQL " + version + " (supported: "
                                + OLDEST_SUPPORTED + "–" + NEWEST_SUPPORTED + ")", took));
                    }
                }
            }
            catch (SQLException e) {
                steps.add(TestStep.fail(TestStep.SERVER_VERSION, SqlErrors.translate(e, config), since(start)));
            }
        }

        /** "TLSv1.3" or "no TLS", from pg_stat_ssl (best effort: a failure here is not the test's failure). */
        private static String encryption(Connection connection) {
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                if (rs.next()) {
                    return rs.getBoolean(1) ? rs.getString(2) : "no TLS";
                }
                return "TLS unknown";
            }
            catch (SQLException e) {
                return "TLS unknown";
            }
        }

        private static Duration since(long startNanos) {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }
    }
}
