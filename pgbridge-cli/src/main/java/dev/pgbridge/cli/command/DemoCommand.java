package dev.pgbridge.cli.command;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.store.StoredConnection;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start an embedded PostgreSQL with sample data, saved as connection 'demo'.",
                "It keeps running until Ctrl-C; its data stays under PGBRIDGE_HOME/demo between runs."})
final class DemoCommand implements Callable<Integer> {
    static final String CONN_ID = "demo";
    static final String DATABASE = "demo";
    /** An empty database on the same server, saved as connection {@value}: a target for {@code copy} examples. */
    static final String WAREHOUSE = "warehouse";
    static final String ROLE = "demo_owner";
    /** In the demo's directory while it runs: the pid of the pgbridge process and the port. */
    static final String PID_FILE = "demo.pid";
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "54329",
            description = "Port to listen on (127.0.0.1 only); a free one is picked if it is taken. Default ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--reset", description = "Start over: delete the demo's data directory and its saved connection, "
            + "then set it up again (refused while the demo runs).")
    boolean reset;

    @Option(names = "--exit-when-ready", hidden = true, description = "Stop as soon as the demo is ready (for tests).")
    boolean exitWhenReady;

    DemoCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = environment.home().dir().resolve("demo");
        Path data = dir.resolve("pgdata");
        refuseWhileRunning(dir, data);
        if (reset) {
            reset(dir, out);
        }
        boolean fresh = !Files.exists(data.resolve("PG_VERSION"));
        Files.createDirectories(dir);
        int listenPort = freePort(port);
        out.println((fresh ? "Creating" : "Starting") + " the demo PostgreSQL in " + data + " on 127.0.0.1:" + listenPort + " …");
        out.flush();
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(listenPort)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .start();
        Path pidFile = dir.resolve(PID_FILE);
        Files.writeString(pidFile, ProcessHandle.current().pid() + " " + listenPort + "\n");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            }
            catch (IOException ignored) {
                // exiting anyway
            }
            try {
                Files.deleteIfExists(pidFile);
            }
            catch (IOException ignored) {
                // a stale file is recognized by its dead pid
            }
            stopped.countDown();
        }, "demo-stop"));

        Secret password = prepare(data, listenPort);
        save(CONN_ID, DATABASE, listenPort, password, "pgbridge demo database (embedded PostgreSQL)");
        save(WAREHOUSE, WAREHOUSE, listenPort, password, "pgbridge demo: an empty database to copy into");
        out.println("""
                The demo database is ready and saved as connection 'demo' ('warehouse': an empty database beside it).

                Try, in another terminal (bin/pgbridge from the checkout, or pgbridge on your PATH):
                  pgbridge conn list
                  pgbridge conn test demo
                  pgbridge tables demo --schema sales
                  pgbridge query demo -c "select status, count(*) from sales.orders group by 1"
                  pgbridge doctor demo --for read,write,cdc,usage
                  pgbridge run demo -- sh -c 'psql "$AIRFLOW_CONN_DEMO" -c "select count(*) from sales.orders"'

                Schemas: sales (customers, orders partitioned by year, order_lines, view open_orders),
                         inventory (products, stock, product_manuals with large text), analytics (materialized view),
                         "Sales" (a mixed-case "Orders"), staging (events, keyed by id).
                Press Ctrl-C to stop; the data stays under""" + " " + dir + ".");
        out.flush();
        if (exitWhenReady) {
            return 0;
        }
        stopped.await();
        return 0;
    }

    /** Saves (or updates: the port and password change between runs) one of the demo's connections. */
    private void save(String connId, String database, int listenPort, Secret password, String description) {
        ConnectionConfig config = ConnectionConfig.builder()
                .connId(connId).host("127.0.0.1").port(listenPort).database(database).login(ROLE).password(password)
                .description(description).build();
        Optional<StoredConnection> existing = environment.store().find(config.tenant(), connId);
        if (existing.isPresent()) {
            environment.store().update(config);
        }
        else {
            environment.store().add(config);
        }
    }

    /**
     * A second demo on the same PGBRIDGE_HOME would fight the first for its data directory: refuse it, saying where
     * the running one is and how to stop it. PostgreSQL's own {@code postmaster.pid} says which server runs (its pid
     * on line 1, its port on line 4); {@value #PID_FILE} says which pgbridge process started it.
     */
    private static void refuseWhileRunning(Path dir, Path data) throws IOException {
        Path postmaster = data.resolve("postmaster.pid");
        if (!Files.exists(postmaster)) {
            return;
        }
        List<String> lines = Files.readAllLines(postmaster);
        Optional<ProcessHandle> server = lines.isEmpty() ? Optional.empty() : process(lines.get(0));
        if (server.isEmpty()) {
            return; // left behind by a crash; PostgreSQL itself starts over it
        }
        String where = "127.0.0.1:" + (lines.size() > 3 ? lines.get(3).strip() : "?");
        Path pidFile = dir.resolve(PID_FILE);
        Optional<ProcessHandle> demo = Files.exists(pidFile)
                ? process(Files.readString(pidFile).strip().split("\\s+")[0]) : Optional.empty();
        if (demo.isPresent()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the demo is already running on " + where
                    + " (pgbridge pid " + demo.get().pid() + ", PostgreSQL pid " + server.get().pid() + ", data in "
                    + data + ")", "use it as it is (connection 'demo'); to stop it, press Ctrl-C where it runs or "
                    + "run 'kill " + demo.get().pid() + "'");
        }
        throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the demo's PostgreSQL still runs on " + where
                + " (pid " + server.get().pid() + ", data in " + data + ") without the pgbridge demo that started it",
                "stop it with 'kill " + server.get().pid() + "', then run 'pgbridge demo' again");
    }

    private static Optional<ProcessHandle> process(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid.strip())).filter(ProcessHandle::isAlive);
        }
        catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code --reset}: the demo's directory and its saved connection go; the run then sets everything up anew. */
    private void reset(Path dir, PrintWriter out) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            out.println("Deleted the demo's data directory " + dir);
        }
        for (String connId : List.of(CONN_ID, WAREHOUSE)) {
            if (environment.store().delete(ConnectionConfig.DEFAULT_TENANT, connId)) {
                out.println("Deleted connection '" + connId + "'");
            }
        }
        out.flush();
    }

    /** Makes the demo role and database on first run; returns the role's password (new on every run). */
    private Secret prepare(Path dataDirectory, int listenPort) throws SQLException, IOException {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        Secret password = Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        String superUrl = "jdbc:postgresql://127.0.0.1:" + listenPort + "/postgres?user=postgres&sslmode=disable";
        try (Connection c = DriverManager.getConnection(superUrl); Statement s = c.createStatement()) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", ROLE)) {
                s.execute("CREATE ROLE " + ROLE + " LOGIN REPLICATION CREATEDB");
                s.execute("GRANT pg_read_all_stats TO " + ROLE);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT format('ALTER ROLE %I PASSWORD %L', ?, ?)")) {
                ps.setString(1, ROLE);
                ps.setString(2, password.reveal());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    s.execute(rs.getString(1));
                }
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + ROLE);
                loadSample(listenPort);
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", WAREHOUSE)) {
                s.execute("CREATE DATABASE " + WAREHOUSE + " OWNER " + ROLE);
            }
        }
        // the superuser keeps trust on loopback (embedded PostgreSQL's own start-up check uses it); everyone else uses scram
        Path hba = dataDirectory.resolve("pg_hba.conf");
        String wanted = """
                # written by pgbridge demo
                local all all trust
                host  all postgres 127.0.0.1/32 trust
                host  all all 127.0.0.1/32 scram-sha-256
                host  replication all 127.0.0.1/32 scram-sha-256
                """;
        if (!Files.readString(hba).equals(wanted)) {
            Files.writeString(hba, wanted);
            try (Connection c = DriverManager.getConnection(superUrl); Statement s = c.createStatement()) {
                s.execute("SELECT pg_reload_conf()");
            }
        }
        return password;
    }

    private static void loadSample(int listenPort) throws SQLException, IOException {
        String sql;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/sample.sql")) {
            if (in == null) {
                throw new PgBridgeException(ErrorCode.INTERNAL, "the demo data script is missing from the jar", "rebuild pgbridge");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + listenPort + "/" + DATABASE + "?user=postgres&sslmode=disable";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("SET ROLE " + ROLE);
            s.execute(sql);
            s.execute("RESET ROLE");
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static int freePort(int preferred) throws IOException {
        try (ServerSocket socket = new ServerSocket(preferred, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
        catch (IOException busy) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }
    }
}
