package dev.pgbridge.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * One real PostgreSQL server per JVM, shared by every test.
 *
 * <p>By default an embedded server (binaries from Maven Central) is started on first use with
 * {@code wal_level=logical}, TLS on (a certificate signed by a test CA, both made with {@code openssl}), and
 * scram-sha-256 authentication for every TCP connection. {@code -Dpgbridge.test.jdbcUrl=} points the
 * suite at an external server instead (its URL must carry a superuser's credentials).
 *
 * <p>Members of the group role {@link #TLS_ONLY} may only connect over TLS; members of {@link #NO_TLS_ONLY}
 * only without it. That lets tests show both TLS failure classes on one server.
 */
public final class TestingPostgres {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Group role whose members must connect over TLS. */
    public static final String TLS_ONLY = "pgb_tls_only";
    /** Group role whose members must connect without TLS (as if the server had TLS off). */
    public static final String NO_TLS_ONLY = "pgb_notls_only";
    /** The one name in the embedded server's certificate (subjectAltName IP:127.0.0.1), also its listen address. */
    public static final String CERTIFICATE_HOST = "127.0.0.1";
    /** A name of the embedded server that its certificate does not list. */
    public static final String HOST_NOT_IN_CERTIFICATE = "localhost";
    private static TestingPostgres instance;

    private final EmbeddedPostgres embedded;
    private final String host;
    private final int port;
    private final String superuser;
    private final String superuserPassword;
    private final boolean tls;
    private final Path dataDirectory;

    private TestingPostgres(EmbeddedPostgres embedded, String host, int port, String superuser, String superuserPassword,
                            boolean tls, Path dataDirectory) {
        this.embedded = embedded;
        this.host = requireNonNull(host, "host is null");
        this.port = port;
        this.superuser = requireNonNull(superuser, "superuser is null");
        this.superuserPassword = requireNonNull(superuserPassword, "superuserPassword is null");
        this.tls = tls;
        this.dataDirectory = dataDirectory;
    }

    /** The server of this JVM, started on first call. */
    public static synchronized TestingPostgres get() {
        if (instance == null) {
            String external = System.getProperty("pgbridge.test.jdbcUrl", "");
            instance = external.isBlank() ? startEmbedded() : external(external);
        }
        return instance;
    }

    private static TestingPostgres external(String jdbcUrl) {
        java.net.URI uri = java.net.URI.create(jdbcUrl.substring("jdbc:".length()));
        Properties props = org.postgresql.Driver.parseURL(jdbcUrl, new Properties());
        String user = props.getProperty("user", "postgres");
        String password = props.getProperty("password", "");
        return new TestingPostgres(null, uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password, false, null);
    }

    private static TestingPostgres startEmbedded() {
        try {
            Path dir = Files.createTempDirectory("pgbridge-test-pg");
            Path data = dir.resolve("data");
            Path certDir = dir.resolve("tls");
            boolean tls = makeCertificate(certDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "40")
                    .setServerConfig("max_wal_senders", "40")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("listen_addresses", CERTIFICATE_HOST)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements");
            if (tls) {
                // ssl itself is set with ALTER SYSTEM below, not on the command line, so tests can switch it off
                builder.setServerConfig("ssl_cert_file", certDir.resolve("server.crt").toString())
                        .setServerConfig("ssl_key_file", certDir.resolve("server.key").toString());
            }
            EmbeddedPostgres embedded = builder.start();
            String password = randomToken();
            int port = embedded.getPort();
            try (Connection c = DriverManager.getConnection(
                    "jdbc:postgresql://" + CERTIFICATE_HOST + ":" + port + "/postgres?sslmode=disable", "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("ALTER ROLE postgres PASSWORD '" + password + "'");
                s.execute("CREATE ROLE " + TLS_ONLY + " NOLOGIN");
                s.execute("CREATE ROLE " + NO_TLS_ONLY + " NOLOGIN");
                if (tls) {
                    s.execute("ALTER SYSTEM SET ssl = on");
                }
            }
            Files.writeString(data.resolve("pg_hba.conf"), """
                    # written by pgbridge-testing
                    local   all          all                       trust
                    hostssl   all        +pgb_notls_only  all      reject
                    hostnossl all        +pgb_tls_only    all      reject
                    host    all          all            all        scram-sha-256
                    host    replication  all            all        scram-sha-256
                    """);
            TestingPostgres server = new TestingPostgres(embedded, CERTIFICATE_HOST, port, "postgres", password, tls, dir);
            server.execute("SELECT pg_reload_conf()");
            if (tls) {
                server.awaitSetting("ssl", "on");
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "testing-postgres-stop"));
            return server;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the embedded PostgreSQL for tests", e);
        }
    }

    /**
     * Certificates made with openssl in {@code dir}: a test CA ({@code ca.crt}), the server's certificate signed by it
     * ({@code server.crt}, {@code server.key}: subjectAltName {@code IP:127.0.0.1} only, and a common name that is no
     * host name, so {@code localhost} is a name the certificate lacks), and an unrelated CA ({@code other-ca.crt}) that
     * signed nothing here. False when openssl is not there (TLS off).
     */
    private static boolean makeCertificate(Path dir) throws IOException {
        Files.createDirectories(dir);
        String caExtensions = "basicConstraints=critical,CA:TRUE";
        Path serverExtensions = dir.resolve("server.ext");
        Files.writeString(serverExtensions, "subjectAltName=IP:" + CERTIFICATE_HOST + "\n"
                + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        boolean made = openssl(dir, "req", "-new", "-x509", "-days", "30", "-nodes", "-newkey", "rsa:2048",
                "-subj", "/CN=pgbridge test CA", "-addext", caExtensions,
                "-keyout", "ca.key", "-out", "ca.crt")
                && openssl(dir, "req", "-new", "-x509", "-days", "30", "-nodes", "-newkey", "rsa:2048",
                "-subj", "/CN=pgbridge unrelated test CA", "-addext", caExtensions,
                "-keyout", "other-ca.key", "-out", "other-ca.crt")
                && openssl(dir, "req", "-new", "-nodes", "-newkey", "rsa:2048", "-subj", "/CN=pgbridge test server",
                "-keyout", "server.key", "-out", "server.csr")
                && openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-set_serial", Long.toString(RANDOM.nextLong() & Long.MAX_VALUE), "-days", "30",
                "-extfile", serverExtensions.toString(), "-out", "server.crt");
        if (!made) {
            return false;
        }
        Files.setPosixFilePermissions(dir.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
        return true;
    }

    private static boolean openssl(Path dir, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        try {
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return false;
            }
            return true;
        }
        catch (IOException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized void stop() {
        if (embedded != null) {
            try {
                embedded.close();
                // the certificate, the restart log and what is left of the data directory
                try (Stream<Path> files = Files.walk(dataDirectory)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
            catch (IOException ignored) {
                // the JVM is exiting; the temp directory goes with the next clean
            }
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String superuser() {
        return superuser;
    }

    public String superuserPassword() {
        return superuserPassword;
    }

    /** Whether the server accepts TLS (the embedded one does when openssl could make a certificate). */
    public boolean tls() {
        return tls;
    }

    /**
     * Switches TLS on or off at run time ({@code ALTER SYSTEM SET ssl}, reload) and waits until new sessions see it.
     * A test that switches it off must switch it back on in {@code finally}.
     */
    public void setTls(boolean on) {
        execute("ALTER SYSTEM SET ssl = " + (on ? "on" : "off"));
        execute("SELECT pg_reload_conf()");
        awaitSetting("ssl", on ? "on" : "off");
    }

    /** Waits (up to 10 s) until a new session sees {@code name = value}, e.g. after {@code pg_reload_conf()}. */
    public void awaitSetting(String name, String value) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String seen = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting(" + quoteLiteral(name) + ")")) {
                rs.next();
                seen = rs.getString(1);
                if (value.equals(seen)) {
                    return;
                }
                Thread.sleep(50);
            }
            catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("setting " + name + " is still '" + seen + "', not '" + value + "'");
    }

    /** True when {@link #restart()} can restart this server (the embedded one). */
    public boolean restartable() {
        return embedded != null;
    }

    /**
     * Restarts the embedded server as an operator would ({@code pg_ctl restart -m fast}): every session is cut, the
     * server comes back on the same port with the same settings, and this returns once it accepts connections.
     */
    public synchronized void restart() {
        if (embedded == null) {
            throw new UnsupportedOperationException("only the embedded server can be restarted");
        }
        Path data = dataDirectory.resolve("data");
        try {
            long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().trim());
            String postgres = ProcessHandle.of(pid).flatMap(h -> h.info().command())
                    .orElseThrow(() -> new IllegalStateException("cannot find the postmaster (pid " + pid + ")"));
            List<String> command = new ArrayList<>();
            if (LinuxUtils.isUnshareAvailable()) {
                command.addAll(List.of("unshare", "-U")); // as the server was started: pg_ctl refuses to run as root
            }
            command.addAll(List.of(Path.of(postgres).resolveSibling("pg_ctl").toString(), "-D", data.toString(),
                    "-m", "fast", "-w", "-t", "60", "restart"));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dataDirectory.resolve("restart.log").toFile())
                    .start();
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("pg_ctl restart failed: "
                        + Files.readString(dataDirectory.resolve("restart.log")));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot restart the embedded PostgreSQL", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting PostgreSQL", e);
        }
    }

    /**
     * The CA certificate (PEM) that signed the server's certificate, for sslrootcert; null for an external server.
     * The server's certificate names {@link #CERTIFICATE_HOST} only.
     */
    public Path certificate() {
        return dataDirectory == null ? null : dataDirectory.resolve("tls").resolve("ca.crt");
    }

    /** A CA certificate (PEM) that signed nothing this server presents, for sslrootcert; null for an external server. */
    public Path unrelatedCertificate() {
        return dataDirectory == null ? null : dataDirectory.resolve("tls").resolve("other-ca.crt");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** A superuser connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", superuser);
        props.setProperty("password", superuserPassword);
        props.setProperty("sslmode", "disable");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    public Connection connect() throws SQLException {
        return connect("postgres");
    }

    /** The server's major version, e.g. 18. */
    public int majorVersion() {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10000;
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs SQL (no parameters, test code only) as the superuser in database postgres. */
    public void execute(String sql) {
        executeIn("postgres", sql);
    }

    public void executeIn(String database, String sql) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
        }
    }

    /**
     * Drops a replication slot if it exists, ending the walsender that holds it first (a just-ended walsender may
     * hold it a moment longer: tried for up to 10 s). Test teardown; an interrupt stops the attempts and is kept.
     */
    public void dropReplicationSlot(String database, String slot) {
        try (Connection c = connect(database)) {
            for (int i = 0; i < 100; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(active_pid) FROM "
                        + "pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL")) {
                    ps.setString(1, slot);
                    ps.execute();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM "
                        + "pg_replication_slots WHERE slot_name = ?")) {
                    ps.setString(1, slot);
                    ps.execute();
                    return;
                }
                catch (SQLException busy) {
                    Thread.sleep(100);
                }
            }
            throw new IllegalStateException("replication slot " + slot + " is still busy after 10 s");
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot drop replication slot " + slot + ": " + e.getMessage(), e);
        }
    }

    /** A name unique to this JVM run: {@code prefix_<random>}, lower case, a valid unquoted identifier. */
    public static String uniqueName(String prefix) {
        return prefix.toLowerCase(Locale.ROOT) + "_" + randomToken().substring(0, 10);
    }

    private static String randomToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Creates a login role with a password (any text; it is bound as a literal safely) and extra attributes. */
    public TestRole createRole(String name, String password, String... attributes) {
        StringBuilder sql = new StringBuilder("CREATE ROLE ").append(quoteIdentifier(name)).append(" LOGIN");
        for (String attribute : attributes) {
            sql.append(' ').append(attribute);
        }
        if (password != null) {
            sql.append(" PASSWORD ").append(quoteLiteral(password));
        }
        execute(sql.toString());
        return new TestRole(this, name, password);
    }

    /** Creates a database owned by {@code owner} (null: the superuser); it drops itself on close. */
    public TestDatabase createDatabase(String name, String owner) {
        execute("CREATE DATABASE " + quoteIdentifier(name) + (owner == null ? "" : " OWNER " + quoteIdentifier(owner)));
        return new TestDatabase(this, name);
    }

    static String quoteIdentifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains NUL");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static String quoteLiteral(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains NUL");
        }
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
