package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.checkpoint.CheckpointStore;
import dev.pgbridge.cdc.engine.CaptureConfig;
import dev.pgbridge.cdc.engine.CaptureEngine;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A capture into a sink under test: its own role (REPLICATION, owner of a source and a target database), slot,
 * publication and checkpoint. Engines run on their own threads. {@link #close()} stops them, ends the walsender,
 * drops the slot, both databases and the role.
 */
final class SinkCaptureHarness implements AutoCloseable {
    static final String PASSWORD = "pw é🔑 :/@";
    static final CaptureEngine.Settings FAST = new CaptureEngine.Settings(Duration.ofMillis(100), 10_000,
            Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(2));

    final TestingPostgres server = TestingPostgres.get();
    final TestRole role;
    final TestDatabase db;
    final TestDatabase targetDb;
    final String slot = TestingPostgres.uniqueName("slot");
    final String publication = TestingPostgres.uniqueName("pub");
    final Path dir;
    private final List<Running> running = new ArrayList<>();

    record Running(CaptureEngine engine, Thread thread, AtomicReference<Throwable> failure) {
    }

    SinkCaptureHarness() throws IOException {
        role = server.createRole(TestingPostgres.uniqueName("pgb_sink"), PASSWORD, "REPLICATION");
        db = server.createDatabase(TestingPostgres.uniqueName("pgb_src"), role.name());
        targetDb = server.createDatabase(TestingPostgres.uniqueName("pgb_dst"), role.name());
        dir = Files.createTempDirectory("pgbridge-sink-it");
    }

    /** The target database as a saved connection would describe it. */
    ConnectionConfig targetConnection() {
        return ConnectionConfig.builder().host(server.host()).port(server.port()).database(targetDb.name())
                .login(role.name()).password(PASSWORD).extra(Map.of("sslmode", "disable")).build();
    }

    Connection connect() throws SQLException {
        return connect(db.name());
    }

    Connection connectTarget() throws SQLException {
        return connect(targetDb.name());
    }

    private Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", role.name());
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection(server.jdbcUrl(database), p);
    }

    /** Runs statements in the source as the capture role, each in autocommit. */
    void sql(String... statements) {
        run(db.name(), statements);
    }

    /** Runs statements in the target as the capture role, each in autocommit. */
    void targetSql(String... statements) {
        run(targetDb.name(), statements);
    }

    private void run(String database, String... statements) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Every row of a query in the source, each row's columns joined by {@code |} ({@code ∅} for NULL). */
    List<String> rows(String sql) {
        return rows(db.name(), sql);
    }

    List<String> targetRows(String sql) {
        return rows(targetDb.name(), sql);
    }

    private List<String> rows(String database, String sql) {
        try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    sb.append(i == 1 ? "" : "|").append(v == null ? "∅" : v);
                }
                rows.add(sb.toString());
            }
            return rows;
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** One value from the source as the superuser. */
    String query(String sql) {
        try (Connection c = server.connect(db.name()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Ends the target sessions of the sink (its application_name), as a crash of the capture process would, and
     * waits until they are gone (so nothing the client sends afterwards can still commit).
     */
    void killTargetSessions() {
        try (Connection c = server.connect(targetDb.name());
             PreparedStatement kill = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM "
                     + "pg_stat_activity WHERE datname = ? AND application_name = 'pgbridge-sink'")) {
            kill.setString(1, targetDb.name());
            for (int i = 0; i < 200; i++) {
                try (ResultSet rs = kill.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(25);
            }
            throw new IllegalStateException("the sink's target sessions did not end within 5 s");
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    String yaml(String sink, String... tables) {
        StringBuilder y = new StringBuilder()
                .append("name: it_capture\n")
                .append("address: \"").append(server.host()).append(':').append(server.port()).append("\"\n")
                .append("database: ").append(db.name()).append('\n')
                .append("user: ").append(role.name()).append('\n')
                .append("password: \"").append(PASSWORD).append("\"\n")
                .append("advanced:\n  slotName: ").append(slot).append("\n  publicationName: ").append(publication)
                .append("\n  sslmode: disable\n  heartbeat_interval: 0\n");
        if (tables.length > 0) {
            y.append("bindings:\n");
            for (String t : tables) {
                y.append("  - {namespace: public, stream: \"").append(t).append("\"}\n");
            }
        }
        return y.append("sink: ").append(sink).append('\n').toString();
    }

    /** A postgres sink into schema {@code schema} of the target database, as the config names it by URL. */
    String postgresSinkYaml(String schema) {
        return "{type: postgres, url: \"postgresql://" + role.name() + "@" + server.host() + ":" + server.port() + "/"
                + targetDb.name() + "?sslmode=disable\", schema: \"" + schema + "\"}";
    }

    CaptureConfig config(String sink, String... tables) {
        return CaptureConfig.parse(yaml(sink, tables));
    }

    /** Starts an engine writing into {@code sink} on its own thread; waits until its slot streams and its backfill is done. */
    Running start(CaptureConfig config, ChangeSink sink) {
        CaptureEngine engine = new CaptureEngine(config, config.sourceConnection().orElseThrow(), sink,
                new CheckpointStore(dir.resolve("checkpoint.json")), dir, FAST);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                engine.run();
            }
            catch (Throwable e) {
                failure.set(e);
            }
        }, "capture-" + slot);
        t.start();
        Running r = new Running(engine, t, failure);
        running.add(r);
        // held by a walsender, not by the session still creating it (see CaptureHarness.WALSENDER_ACTIVE)
        await("slot " + slot + " active", Duration.ofSeconds(60), () -> r.failure.get() != null
                || "t".equals(query("SELECT s.active AND a.backend_type = 'walsender' FROM "
                + "pg_catalog.pg_replication_slots s JOIN pg_catalog.pg_stat_activity a ON a.pid = s.active_pid "
                + "WHERE s.slot_name = '" + slot + "'")));
        if (r.failure.get() != null) {
            throw new IllegalStateException("engine failed to start: " + r.failure.get(), r.failure.get());
        }
        // as in CaptureHarness: writes after this point are streamed, never also read by a backfill chunk
        await("backfill done", Duration.ofSeconds(120), () -> r.failure.get() != null
                || r.engine.status().backfillDone());
        if (r.failure.get() != null) {
            throw new IllegalStateException("engine failed: " + r.failure.get(), r.failure.get());
        }
        return r;
    }

    void stop(Running r) throws InterruptedException {
        r.engine.stop();
        r.thread.join(30_000);
        if (r.thread.isAlive()) {
            throw new IllegalStateException("engine did not stop within 30 s");
        }
        running.remove(r);
    }

    /** Waits for an engine that is expected to end by itself (its sink failed). */
    Throwable awaitFailure(Running r, Duration timeout) throws InterruptedException {
        r.thread.join(timeout.toMillis());
        if (r.thread.isAlive()) {
            throw new AssertionError("the engine still runs after " + timeout.toSeconds() + " s");
        }
        running.remove(r);
        return r.failure.get();
    }

    /** The slot's confirmed_flush_lsn compared with an LSN: negative, 0 or positive. */
    int confirmedComparedTo(String lsn) {
        return Integer.parseInt(query("SELECT CASE WHEN confirmed_flush_lsn < '" + lsn + "'::pg_lsn THEN -1 WHEN "
                + "confirmed_flush_lsn = '" + lsn + "'::pg_lsn THEN 0 ELSE 1 END FROM pg_replication_slots "
                + "WHERE slot_name = '" + slot + "'"));
    }

    /** Runs statements in one source transaction and returns its transaction id (32-bit, as the WAL has it). */
    long transaction(String... statements) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                s.execute(sql);
            }
            long xid;
            try (ResultSet rs = s.executeQuery("SELECT txid_current() % 4294967296")) {
                rs.next();
                xid = rs.getLong(1);
            }
            c.commit();
            return xid;
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * How many pgoutput messages of transaction {@code xid} the (inactive) slot still holds, that is would send
     * again: more than 0 when its commit was not confirmed.
     */
    int unconfirmedMessages(long xid) {
        return Integer.parseInt(query("SELECT count(*) FROM pg_logical_slot_peek_binary_changes('" + slot + "', NULL, "
                + "NULL, 'proto_version', '1', 'publication_names', '" + publication + "') WHERE xid::text = '" + xid
                + "'"));
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    @Override
    public void close() throws IOException, SQLException {
        try {
            stopAllAndDropSlot();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while cleaning up", e);
        }
        finally {
            db.close();
            targetDb.close();
            role.close();
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void stopAllAndDropSlot() throws InterruptedException, SQLException {
        for (Running r : List.copyOf(running)) {
            r.engine.stop();
            r.thread.join(30_000);
        }
        running.clear();
        server.dropReplicationSlot(db.name(), slot);
    }

    /**
     * A sink in front of another that can die like a process: {@link #crashBeforeCommit()} makes the next call fail
     * with the target transaction left open (it is rolled back when the session is killed on close);
     * {@link #crashAfterCommit()} lets the next flush commit in the target and then fails before the engine can
     * checkpoint or confirm — the window that exactly-once is about.
     */
    static final class CrashingSink implements ChangeSink {
        private final ChangeSink delegate;
        private final Runnable killSessions;
        private volatile int mode;
        private volatile boolean crashed;

        CrashingSink(ChangeSink delegate, Runnable killSessions) {
            this.delegate = delegate;
            this.killSessions = killSessions;
        }

        void crashBeforeCommit() {
            mode = 1;
        }

        void crashAfterCommit() {
            mode = 2;
        }

        boolean crashed() {
            return crashed;
        }

        @Override
        public void accept(CommittedTransaction transaction) {
            if (crashed || mode == 1) {
                crashed = true;
                throw new SinkFailure(ErrorCode.SINK_FAILED, "simulated crash before the target committed", null);
            }
            delegate.accept(transaction);
        }

        @Override
        public void flush() {
            if (crashed || mode == 1) {
                crashed = true;
                throw new SinkFailure(ErrorCode.SINK_FAILED, "simulated crash before the target committed", null);
            }
            // "after the target committed" means after a flush that committed something: a flush with nothing to
            // commit (the backfill's last checkpoint) must not crash first, or the target would not be ahead
            Lsn before = delegate instanceof PostgresSink p ? p.appliedLsn() : null;
            delegate.flush();
            boolean committed = before == null || !((PostgresSink) delegate).appliedLsn().equals(before);
            if (mode == 2 && committed) {
                crashed = true;
                throw new SinkFailure(ErrorCode.SINK_FAILED, "simulated crash after the target committed", null);
            }
        }

        @Override
        public void close() {
            if (!crashed) {
                delegate.close();
                return;
            }
            killSessions.run();
            try {
                delegate.close();
            }
            catch (SinkFailure expected) {
                // its session is gone: nothing of the open transaction survives, which is the point
            }
        }
    }
}
