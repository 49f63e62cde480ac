package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import org.postgresql.Driver;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A connection as pgjdbc takes it: a {@code jdbc:postgresql://h1:p1,h2:p2/db} URL with no parameters, plus driver
 * properties derived only from the {@link ExtraOption} allowlist (no user text ever becomes a raw driver property).
 * Timeouts always have a value, so no connection attempt can hang: connect 10 s, login connect + 5 s unless given;
 * socket (read) timeout only when {@code socket_timeout} is given. TLS is decided as libpq decides it ({@link TlsPolicy}):
 * {@code sslmode} and {@code sslrootcert} never reach pgjdbc as given, but as the attempts libpq would make.
 *
 * <p>{@link #toString()} shows the URL and the user, never the password.
 */
public final class JdbcTarget {
    /** Added to the connect timeout when {@code login_timeout} is not given. */
    private static final Duration LOGIN_MARGIN = Duration.ofSeconds(5);
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9._-]{0,252})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?");
    private static final Driver DRIVER = new Driver();

    private final ConnectionConfig config;
    private final List<Endpoint> endpoints;
    private final String database;
    private final String user;
    private final Secret password;
    private final String sslMode;
    private final TlsPolicy tls;
    private final Duration connectTimeout;
    private final Duration loginTimeout;
    private final Duration socketTimeout;
    /** Driver properties other than user and password, in a stable order. */
    private final Map<String, String> driverProperties;

    /** One host and port of a (possibly multi-host) connection. */
    public record Endpoint(String host, int port) {
        public Endpoint {
            requireNonNull(host, "host is null");
        }

        /** A Unix-socket directory (starts with {@code /}) or an empty host, which libpq takes as the default socket. */
        public boolean unixSocket() {
            return host.isEmpty() || host.startsWith("/");
        }

        /** {@code host:port}, with an IPv6 address in brackets. */
        public String address() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }

        @Override
        public String toString() {
            return address();
        }
    }

    /**
     * A kind of session a caller asks for on top of the connection's own settings (TLS, timeouts, the allowlisted
     * extras, which all stay): typed, so no caller passes raw driver properties.
     */
    public enum Session {
        /**
         * A logical replication session ({@code replication=database}): the walsender speaks only the simple query
         * protocol, and pgjdbc must not probe the server with queries a walsender refuses.
         */
        LOGICAL_REPLICATION(Map.of("replication", "database", "preferQueryMode", "simple",
                "assumeMinServerVersion", "10")),
        /** Every result value in PostgreSQL's text form, exactly as the server prints it (no binary transfer). */
        TEXT_RESULTS(Map.of("binaryTransfer", "false"));

        private final Map<String, String> driverProperties;

        Session(Map<String, String> driverProperties) {
            this.driverProperties = driverProperties;
        }
    }

    private JdbcTarget(ConnectionConfig config, List<Endpoint> endpoints, String database, String user,
                       Secret password, TlsPolicy tls, Duration connectTimeout, Duration loginTimeout,
                       Duration socketTimeout, Map<String, String> driverProperties) {
        this.config = config;
        this.endpoints = List.copyOf(endpoints);
        this.database = database;
        this.user = user;
        this.password = password;
        this.sslMode = tls.sslMode();
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.loginTimeout = loginTimeout;
        this.socketTimeout = socketTimeout;
        this.driverProperties = Collections.unmodifiableMap(new LinkedHashMap<>(driverProperties));
    }

    /**
     * The JDBC form of a connection. Fails with {@link ErrorCode#INVALID_CONFIG} naming every bad extra at once, a
     * malformed host or port, a missing login, or a Unix-socket host (pgjdbc cannot use Unix sockets). The default
     * root certificate file is found through this process's HOME, as libpq finds it.
     */
    public static JdbcTarget of(ConnectionConfig c) {
        return of(c, System.getenv());
    }

    /** The JDBC form of a connection, with libpq's default files found through the HOME in {@code env}. */
    public static JdbcTarget of(ConnectionConfig c, Map<String, String> env) {
        requireNonNull(c, "connection is null");
        requireNonNull(env, "env is null");
        List<Endpoint> endpoints = endpoints(c);
        for (Endpoint e : endpoints) {
            if (e.unixSocket()) {
                throw unixSocket(e);
            }
        }
        if (c.login() == null || c.login().isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "connection " + name(c) + " has no login",
                    "set the login (user name) PostgreSQL should authenticate");
        }

        Map<ExtraOption, String> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> entry : c.extraMap().entrySet()) {
            Optional<ExtraOption> option = ExtraOption.forKey(entry.getKey());
            if (option.isEmpty() || entry.getValue() == null) {
                continue; // unknown keys never reach the driver
            }
            String value = String.valueOf(entry.getValue());
            String problem = option.get().problem(value);
            if (problem != null) {
                problems.add(problem);
            }
            else {
                values.put(option.get(), value);
            }
        }
        if (!problems.isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "connection " + name(c) + " has invalid extra: " + String.join("; ", problems),
                    "fix the listed extra values (pgbridge conn edit)");
        }

        Duration connect = seconds(values, ExtraOption.CONNECT_TIMEOUT,
                Duration.ofSeconds(Long.parseLong(ExtraOption.CONNECT_TIMEOUT.defaultValue())));
        Duration login = seconds(values, ExtraOption.LOGIN_TIMEOUT, connect.plus(LOGIN_MARGIN));
        String socketValue = values.get(ExtraOption.SOCKET_TIMEOUT);
        Duration socket = socketValue == null ? null : Duration.ofSeconds(Long.parseLong(socketValue));
        String sslMode = values.getOrDefault(ExtraOption.SSLMODE, ExtraOption.SSLMODE.defaultValue());
        TlsPolicy tls = TlsPolicy.of(sslMode, values.get(ExtraOption.SSLROOTCERT), env);

        Map<String, String> props = new LinkedHashMap<>();
        props.put(ExtraOption.CONNECT_TIMEOUT.jdbcProperty(), Long.toString(connect.toSeconds()));
        // pgjdbc waits up to sslResponseTimeout (5 s) for the answer to its SSLRequest; tie it to connect_timeout
        props.put("sslResponseTimeout", Long.toString(connect.toMillis()));
        props.put(ExtraOption.LOGIN_TIMEOUT.jdbcProperty(), Long.toString(login.toSeconds()));
        if (socket != null) {
            props.put(ExtraOption.SOCKET_TIMEOUT.jdbcProperty(), Long.toString(socket.toSeconds()));
        }
        props.put(ExtraOption.APPLICATION_NAME.jdbcProperty(),
                values.getOrDefault(ExtraOption.APPLICATION_NAME, ExtraOption.APPLICATION_NAME.defaultValue()));
        for (Map.Entry<ExtraOption, String> entry : values.entrySet()) {
            ExtraOption option = entry.getKey();
            if (option.jdbcProperty() == null || props.containsKey(option.jdbcProperty())
                    || option == ExtraOption.SSLMODE || option == ExtraOption.SSLROOTCERT) {
                continue; // TLS: per attempt, from the TlsPolicy
            }
            props.put(option.jdbcProperty(), jdbcValue(option, entry.getValue()));
        }
        // server error details (DETAIL: Key (id)=(42) …) may carry row values; keep them out of exception messages
        props.put("logServerErrorDetail", "false");

        String database = c.database() == null || c.database().isEmpty() ? c.login() : c.database();
        return new JdbcTarget(c, endpoints, database, c.login(), c.password(), tls, connect, login, socket, props);
    }

    /** This target with the driver settings of {@code session} added; the connection's own settings stay. */
    public JdbcTarget with(Session session) {
        requireNonNull(session, "session is null");
        Map<String, String> props = new LinkedHashMap<>(driverProperties);
        props.putAll(session.driverProperties);
        return new JdbcTarget(config, endpoints, database, user, password, tls, connectTimeout, loginTimeout,
                socketTimeout, props);
    }

    /**
     * The hosts and ports of a connection, paired as libpq pairs them: one port for every host, one port for all,
     * or none (5432). A Unix-socket host is returned, not rejected, so diagnostics can report it.
     */
    public static List<Endpoint> endpoints(ConnectionConfig c) {
        String hostText = c.host() == null ? "" : c.host();
        String[] hosts = hostText.split(",", -1);
        String[] ports = c.port() == null ? new String[0] : c.port().split(",", -1);
        if (ports.length > 1 && ports.length != hosts.length) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "connection " + name(c) + " has " + hosts.length + " hosts but " + ports.length + " ports",
                    "give one port for every host, or a single port for all of them");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            String host = hosts[i].trim();
            String portText = ports.length == 0 ? "" : ports.length == 1 ? ports[0] : ports[i];
            int port = portText.isEmpty() ? ConnectionConfig.DEFAULT_PORT : Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                        "invalid port " + port + " in connection " + name(c), "give a port number from 1 to 65535");
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            boolean valid = host.isEmpty() || host.startsWith("/")
                    || (host.indexOf(':') >= 0 ? IPV6.matcher(host).matches() : HOST_NAME.matcher(host).matches());
            if (!valid) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                        "invalid host '" + host + "' in connection " + name(c),
                        "give a host name, an IPv4 address or an IPv6 address (several separated by commas)");
            }
            endpoints.add(new Endpoint(host, port));
        }
        return endpoints;
    }

    private static PgBridgeException unixSocket(Endpoint e) {
        String where = e.host().isEmpty() ? "the default Unix socket" : "Unix-socket directory " + e.host();
        return new PgBridgeException(ErrorCode.INVALID_CONFIG,
                "the connection points at " + where + ", but pgbridge connects through JDBC (pgjdbc), "
                        + "which cannot use Unix sockets",
                "set host=localhost (or the server's TCP address) and port " + e.port()
                        + ", and make sure PostgreSQL listens on TCP (listen_addresses)");
    }

    private static Duration seconds(Map<ExtraOption, String> values, ExtraOption option, Duration fallback) {
        String value = values.get(option);
        long seconds = value == null ? 0 : Long.parseLong(value);
        // libpq reads 0 as "wait forever"; pgbridge never waits forever, so 0 means the default
        return seconds == 0 ? fallback : Duration.ofSeconds(seconds);
    }

    private static String jdbcValue(ExtraOption option, String value) {
        return switch (option) {
            case TARGET_SESSION_ATTRS -> switch (value) {
                case "read-write", "primary" -> "primary";
                case "read-only", "standby" -> "secondary";
                case "prefer-standby" -> "preferSecondary";
                default -> "any";
            };
            case KEEPALIVES -> "1".equals(value) ? "true" : "false";
            default -> value;
        };
    }

    private static String name(ConnectionConfig c) {
        return c.connId() == null ? "(unnamed)" : c.connId();
    }

    /** {@code jdbc:postgresql://h1:p1,h2:p2/db}: no credentials, no parameters, the database percent-encoded. */
    public String url() {
        StringBuilder sb = new StringBuilder("jdbc:postgresql://");
        for (int i = 0; i < endpoints.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(endpoints.get(i).address());
        }
        return sb.append('/').append(percentEncode(database)).toString();
    }

    /**
     * A fresh copy of the driver properties of the first connection attempt, including user and password. To open a
     * connection use {@link #connect()}: only it make every attempt libpq would make
     * (sslmode=prefer with a root certificate tries again without TLS when the certificate does not verify).
     */
    public Properties properties() {
        return properties(tls.attempts().getFirst());
    }

    private Properties properties(TlsPolicy.Attempt attempt) {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password.reveal());
        }
        Map<String, String> tlsProperties = new LinkedHashMap<>();
        tls.apply(attempt, tlsProperties);
        tlsProperties.forEach(p::setProperty);
        driverProperties.forEach(p::setProperty);
        return p;
    }

    /**
     * Opens a connection with pgjdbc (not through {@code DriverManager}, so no other registered driver and no
     * process-wide login timeout takes part), making the attempts libpq would make for the sslmode (see
     * {@link TlsPolicy}). When pgjdbc gives up at the login timeout, its exception has no cause; it is rethrown as a
     * {@link SQLTimeoutException} so the timeout can be told apart from other failures. A certificate that does not
     * verify, or a root certificate file that verify-ca/verify-full lacks, fails as a {@link TlsVerificationException}.
     * Errors are not translated here: callers translate at their boundary with {@code SqlErrors}.
     */
    public Connection connect() throws SQLException {
        if (tls.needsRootCertificate() && !tls.rootCertificateExists()) {
            throw TlsVerificationException.rootCertificateMissing(tls, endpointsText());
        }
        List<TlsPolicy.Attempt> attempts = tls.attempts();
        SQLException reported = null;
        for (int i = 0; i < attempts.size(); i++) {
            TlsPolicy.Attempt attempt = attempts.get(i);
            try {
                return open(properties(attempt));
            }
            catch (SQLException e) {
                SQLException failure = TlsVerificationException.explain(attempt, tls, endpointsText(), e);
                if (reported == null || attempt.tls()) {
                    if (reported != null) {
                        failure.addSuppressed(reported);
                    }
                    reported = failure;
                }
                else {
                    reported.addSuppressed(failure);
                }
                if (i == attempts.size() - 1 || networkFailure(e)) {
                    throw reported;
                }
                // libpq: prefer tries again without TLS, allow with TLS, after any failure past the TCP connect
            }
        }
        throw new IllegalStateException("no connection attempt for sslmode " + sslMode);
    }

    private Connection open(Properties properties) throws SQLException {
        long start = System.nanoTime();
        try {
            Connection connection = DRIVER.connect(url(), properties);
            if (connection == null) {
                throw new SQLException("pgjdbc did not accept the URL " + url(), "08001");
            }
            return connection;
        }
        catch (SQLException e) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (e.getCause() == null && "08001".equals(e.getSQLState())
                    && elapsed.compareTo(loginTimeout.minusMillis(250)) >= 0) {
                throw new SQLTimeoutException("login to " + url() + " did not finish within "
                        + loginTimeout.toSeconds() + " s", "08001", e);
            }
            throw e;
        }
    }

    /** A failure before any TLS or login took place (no route, refused, timed out): no other attempt can help. */
    private static boolean networkFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException || t instanceof java.net.SocketTimeoutException
                    || t instanceof SQLTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private String endpointsText() {
        StringBuilder sb = new StringBuilder();
        for (Endpoint e : endpoints) {
            sb.append(sb.isEmpty() ? "" : ",").append(e.address());
        }
        return sb.toString();
    }

    public ConnectionConfig config() {
        return config;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The database to connect to (the login when the connection names none, as libpq does). */
    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public String sslMode() {
        return sslMode;
    }

    /** How this connection uses TLS, as libpq decides it. */
    public TlsPolicy tls() {
        return tls;
    }

    /** Whether the sslmode insists on TLS (require, verify-ca, verify-full). */
    public boolean requiresTls() {
        return requiresTls(sslMode);
    }

    public static boolean requiresTls(String sslMode) {
        return "require".equals(sslMode) || "verify-ca".equals(sslMode) || "verify-full".equals(sslMode);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration loginTimeout() {
        return loginTimeout;
    }

    /** The read timeout on an open connection; empty when {@code socket_timeout} is not given (no limit). */
    public Optional<Duration> socketTimeout() {
        return Optional.ofNullable(socketTimeout);
    }

    @Override
    public String toString() {
        return "JdbcTarget[url=" + url() + ", user=" + user + "]";
    }

    /** Every byte outside {@code A-Za-z0-9_.~-} as %XX (pgjdbc URL-decodes the database, reading + as space). */
    static String percentEncode(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '~' || c == '-') {
                sb.append((char) c);
            }
            else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return sb.toString();
    }
}
