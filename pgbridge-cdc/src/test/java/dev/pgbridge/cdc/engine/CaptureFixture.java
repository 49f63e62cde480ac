package dev.pgbridge.cdc.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.backfill.Backfill;
import dev.pgbridge.cdc.checkpoint.CheckpointStore;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.cdc.sink.ChangeSink;
import dev.pgbridge.cdc.sink.JsonLinesSink;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The one fixture of capture tests, in-process (engine, sink) and through the CLI: its own role (REPLICATION, owner of
 * a source database and, when a test asks for it, a target database), slot, publication, watermarks table and work
 * directory (jsonl sink, checkpoint, spill). It writes capture configs, runs engines on threads, reads the jsonl
 * output, replays it per key against the table and watches the slot. {@link #close()} stops the engines, ends the
 * walsender, drops the slot, the databases and the role, and deletes the directory.
 */
public final class CaptureFixture implements AutoCloseable {
    /** Every character class a password must survive: space, non-ASCII, a 4-byte character, URI delimiters. */
    public static final String PASSWORD = "pw é🔑 :/@%";
    /** The one JSON configuration of events, for whatever a test reads. */
    public static final ObjectMapper JSON = EventJson.MAPPER;
    public static final CaptureEngine.Settings FAST = new CaptureEngine.Settings(Duration.ofMillis(100), 10_000,
            Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(2));

    /**
     * The slot is held by a walsender: streaming has begun. While {@code pg_create_logical_replication_slot} builds the
     * slot, it is active too, held by the creating session, and a plain {@code active} check passed before the engine
     * had made its backfill (which then looked done with no table).
     */
    private static final String WALSENDER_ACTIVE = "SELECT s.active AND a.backend_type = 'walsender' FROM "
            + "pg_catalog.pg_replication_slots s JOIN pg_catalog.pg_stat_activity a ON a.pid = s.active_pid "
            + "WHERE s.slot_name = ";

    public final TestingPostgres server = TestingPostgres.get();
    public final TestRole role;
    public final TestDatabase db;
    public final String slot = TestingPostgres.uniqueName("slot");
    public final String publication = TestingPostgres.uniqueName("pub");
    public final String watermarks = TestingPostgres.uniqueName("wm");
    /** Everything the capture writes: {@link #sinkDir}, the checkpoint, {@link #spill}, config files, process output. */
    public final Path work;
    /** The jsonl sink's directory (made by the sink). */
    public final Path sinkDir;
    public final Path spill;
    /** The timings of the engines started from now on. */
    public CaptureEngine.Settings settings = FAST;
    private TestDatabase target;
    private final List<Running> running = new ArrayList<>();

    /** An engine on its own thread; {@code failure} is what its run ended with. */
    public record Running(CaptureEngine engine, Thread thread, AtomicReference<Throwable> failure) {
    }

    public CaptureFixture() throws IOException {
        role = server.createRole(TestingPostgres.uniqueName("pgb_cap"), PASSWORD, "REPLICATION");
        db = server.createDatabase(TestingPostgres.uniqueName("pgb_cdc"), role.name());
        work = Files.createTempDirectory("pgbridge-capture-it");
        sinkDir = work.resolve("events");
        spill = Files.createDirectory(work.resolve("spill"));
    }

    // ---- databases

    /** The target database (made on first use), owned by the capture role. */
    public synchronized TestDatabase target() {
        if (target == null) {
            target = server.createDatabase(TestingPostgres.uniqueName("pgb_dst"), role.name());
        }
        return target;
    }

    /** The target database as a saved connection would describe it. */
    public ConnectionConfig targetConnection() {
        return ConnectionConfig.builder().host(server.host()).port(server.port()).database(target().name())
                .login(role.name()).password(PASSWORD).extra(Map.of("sslmode", "disable")).build();
    }

    /** The source as an Airflow URI (for {@code AIRFLOW_CONN_<ID>}), the password percent-encoded. */
    public String airflowUri() {
        return "postgres://" + role.name() + ":" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8).replace("+", "%20")
                + "@" + server.host() + ":" + server.port() + "/" + db.name() + "?sslmode=disable";
    }

    /** A session of the capture role in the source. */
    public Connection connect() throws SQLException {
        return connect(db.name());
    }

    private Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", role.name());
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection(server.jdbcUrl(database), p);
    }

    /** Runs statements in the source as the capture role, each in autocommit. */
    public void sql(String... statements) {
        run(db.name(), statements);
    }

    /** Runs statements in the target as the capture role, each in autocommit. */
    public void targetSql(String... statements) {
        run(target().name(), statements);
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

    /** Runs a statement in the source as the superuser. */
    public void superSql(String sql) {
        server.executeIn(db.name(), sql);
    }

    /** The first column of the first row of a query in the source as the superuser, or null without a row. */
    public String query(String sql) {
        try (Connection c = server.connect(db.name()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Every row of a query in the source, each row's columns joined by {@code |} ({@code ∅} for NULL). */
    public List<String> rows(String sql) {
        return rows(db.name(), sql);
    }

    /** {@link #rows} in the target. */
    public List<String> targetRows(String sql) {
        return rows(target().name(), sql);
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

    /** Runs statements in one source transaction and returns its transaction id (32-bit, as the WAL has it). */
    public long transaction(String... statements) {
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
     * Ends the target sessions of the PostgreSQL sink (its application_name), as a crash of the capture process would,
     * and waits until they are gone (so nothing the client sends afterwards can still commit).
     */
    public void killTargetSessions() {
        try (Connection c = server.connect(target().name());
             PreparedStatement kill = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM "
                     + "pg_stat_activity WHERE datname = ? AND application_name = 'pgbridge-sink'")) {
            kill.setString(1, target().name());
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

    // ---- the slot

    /** The slot is held by a walsender: the capture streams (not merely a session still creating the slot). */
    public boolean slotStreaming() {
        return "t".equals(query(WALSENDER_ACTIVE + "'" + slot + "'"));
    }

    /** The slot's confirmed_flush_lsn compared with an LSN: negative, 0 or positive. */
    public int confirmedComparedTo(String lsn) {
        return Integer.parseInt(query("SELECT CASE WHEN confirmed_flush_lsn < '" + lsn + "'::pg_lsn THEN -1 WHEN "
                + "confirmed_flush_lsn = '" + lsn + "'::pg_lsn THEN 0 ELSE 1 END FROM pg_replication_slots "
                + "WHERE slot_name = '" + slot + "'"));
    }

    /**
     * How many pgoutput messages of transaction {@code xid} the (inactive) slot still holds, that is would send
     * again: more than 0 when its commit was not confirmed.
     */
    public int unconfirmedMessages(long xid) {
        return Integer.parseInt(query("SELECT count(*) FROM pg_logical_slot_peek_binary_changes('" + slot + "', NULL, "
                + "NULL, 'proto_version', '1', 'publication_names', '" + publication + "') WHERE xid::text = '" + xid
                + "'"));
    }

    // ---- configs

    /** The source lines of a config: address, database, user and password. */
    public String byAddress() {
        return "address: \"" + server.host() + ":" + server.port() + "\"\n"
                + "database: " + db.name() + "\n"
                + "user: " + role.name() + "\n"
                + "password: \"" + PASSWORD + "\"\n";
    }

    /** The source line of a config that names a saved connection id instead. */
    public static String byConnection(String connId) {
        return "connection: " + connId + "\n";
    }

    /** The jsonl sink into {@link #sinkDir}, as a YAML flow map. */
    public String jsonlSink() {
        return "{type: jsonl, dir: \"" + sinkDir + "\"}";
    }

    /**
     * A capture config: {@code source} lines, this fixture's slot, publication and watermarks table, no TLS, then
     * {@code extraAdvanced} lines (indented by two), {@code sink} (a YAML flow map) and a binding per table of
     * {@code public}.
     */
    public String yaml(String source, String extraAdvanced, String sink, String... tables) {
        StringBuilder y = new StringBuilder(source)
                .append("advanced:\n  slotName: ").append(slot).append("\n  publicationName: ").append(publication)
                .append("\n  watermarksTable: public.").append(watermarks)
                .append("\n  sslmode: disable\n").append(extraAdvanced);
        if (tables.length > 0) {
            y.append("bindings:\n");
            for (String t : tables) {
                y.append("  - {namespace: public, stream: \"").append(t).append("\"}\n");
            }
        }
        return y.append("sink: ").append(sink).append('\n').toString();
    }

    /** A config of the source by address into the jsonl sink. */
    public CaptureConfig config(String extraAdvanced, String... tables) {
        return CaptureConfig.parse(yaml(byAddress(), extraAdvanced, jsonlSink(), tables));
    }

    /** A config named {@code it_capture} into {@code sink}, without heartbeats (they would move the slot on their own). */
    public CaptureConfig sinkConfig(String sink, String... tables) {
        return CaptureConfig.parse("name: it_capture\n" + yaml(byAddress(), "  heartbeat_interval: 0\n", sink, tables));
    }

    /** Writes a config file ({@code capture.yaml} in {@link #work}, replaced on each call). */
    public Path configFile(String yaml) {
        try {
            return Files.writeString(work.resolve("capture.yaml"), yaml);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #config} as a file. */
    public Path configFile(String extraAdvanced, String... tables) {
        return configFile(yaml(byAddress(), extraAdvanced, jsonlSink(), tables));
    }

    // ---- engines on threads

    /** The checkpoint file of the engines this fixture starts. */
    public Path checkpointFile() {
        return work.resolve("checkpoint.json");
    }

    /**
     * Starts an engine into the jsonl sink and waits until its slot streams and its backfill is done (tables empty at
     * the start then give no backfill rows, whenever a test writes).
     */
    public Running start(CaptureConfig config) {
        return start(config, new JsonLinesSink(sinkDir, 1 << 20));
    }

    /** {@link #start(CaptureConfig)} into {@code sink}. */
    public Running start(CaptureConfig config, ChangeSink sink) {
        Running r = startStreaming(config, sink, null);
        awaitBackfill(r);
        return r;
    }

    /** Starts an engine into the jsonl sink (with a watermark listener, may be null) and waits until its slot streams. */
    public Running startStreaming(CaptureConfig config, Backfill.WatermarkListener listener) {
        return startStreaming(config, new JsonLinesSink(sinkDir, 1 << 20), listener);
    }

    private Running startStreaming(CaptureConfig config, ChangeSink sink, Backfill.WatermarkListener listener) {
        Running r = startNoWait(config, sink, listener);
        await("slot " + slot + " active", Duration.ofSeconds(60), () -> r.failure.get() != null || slotStreaming());
        if (r.failure.get() != null) {
            throw new IllegalStateException("engine failed to start: " + r.failure.get(), r.failure.get());
        }
        return r;
    }

    /** Waits until the engine's backfill is done; an engine that failed instead fails the wait. */
    public void awaitBackfill(Running r) {
        await("backfill done", Duration.ofSeconds(120), () -> r.failure.get() != null
                || r.engine.status().backfillDone());
        if (r.failure.get() != null) {
            throw new IllegalStateException("engine failed: " + r.failure.get(), r.failure.get());
        }
    }

    /** Starts an engine into the jsonl sink and returns at once. */
    public Running startNoWait(CaptureConfig config) {
        return startNoWait(config, new JsonLinesSink(sinkDir, 1 << 20), null);
    }

    /** Starts an engine into {@code sink} (with a watermark listener, may be null) and returns at once. */
    public Running startNoWait(CaptureConfig config, ChangeSink sink, Backfill.WatermarkListener listener) {
        CaptureEngine engine = new CaptureEngine(config, config.sourceConnection().orElseThrow(), sink,
                new CheckpointStore(checkpointFile()), spill, settings);
        if (listener != null) {
            engine.watermarkListener(listener);
        }
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
        return r;
    }

    public void stop(Running r) throws InterruptedException {
        r.engine.stop();
        r.thread.join(30_000);
        if (r.thread.isAlive()) {
            throw new IllegalStateException("engine did not stop within 30 s");
        }
        running.remove(r);
    }

    /** Ends the engine as a killed process would: no last flush, no checkpoint. */
    public void crash(Running r) throws InterruptedException {
        r.engine.crash();
        r.thread.join(30_000);
        running.remove(r);
    }

    /** Waits for an engine that is expected to end by itself (its sink failed) and returns what it ended with. */
    public Throwable awaitFailure(Running r, Duration timeout) throws InterruptedException {
        r.thread.join(timeout.toMillis());
        if (r.thread.isAlive()) {
            throw new AssertionError("the engine still runs after " + timeout.toSeconds() + " s");
        }
        running.remove(r);
        return r.failure.get();
    }

    // ---- what the capture wrote

    /** The checkpoint file of this fixture's engines as JSON, or null before the first one. */
    public JsonNode checkpoint() {
        return readJson(checkpointFile());
    }

    /** A JSON file (a checkpoint, written by atomic rename), or null while it does not exist. */
    public static JsonNode readJson(Path file) {
        try {
            return Files.exists(file) ? JSON.readTree(file.toFile()) : null;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jsonl files of {@code public.<table>} in file-name (that is, writing) order; none before the sink starts. */
    public List<Path> eventFiles(String table) {
        if (!Files.isDirectory(sinkDir)) {
            return List.of();
        }
        String prefix = JsonLinesSink.prefix(new TableId("public", table)) + ".";
        try (Stream<Path> files = Files.list(sinkDir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every complete line of every file of {@code public.<table>}, in file-name order. The sink may be writing while
     * we read, so a last line without its newline (possibly cut inside a multi-byte character) is not read yet.
     */
    public List<JsonNode> events(String table) {
        List<JsonNode> lines = new ArrayList<>();
        try {
            for (Path f : eventFiles(table)) {
                byte[] bytes = Files.readAllBytes(f);
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--;
                }
                for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isEmpty()) {
                        lines.add(JSON.readTree(line));
                    }
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /** Lines in the files of {@code public.<table>}, counted without parsing. */
    public long lineCount(String table) {
        long n = 0;
        for (Path f : eventFiles(table)) {
            try (Stream<String> lines = Files.lines(f)) {
                n += lines.count();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return n;
    }

    /** Waits (60 s at most) until {@code public.<table>} has at least {@code count} events, and returns them all. */
    public List<JsonNode> awaitEvents(String table, int count) {
        await(count + " events of " + table, Duration.ofSeconds(60), () -> events(table).size() >= count);
        return events(table);
    }

    /** Each event as {@code op:key-json}. */
    public static List<String> opsAndKeys(List<JsonNode> events) {
        return events.stream().map(e -> e.get("value").get("op").asText() + ":" + EventJson.write(e.get("key"))).toList();
    }

    // ---- replay per key against the table

    /** A key as text with its fields sorted by name. */
    public static String canonical(JsonNode key) {
        if (key == null || key.isNull()) {
            return "null";
        }
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        key.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return EventJson.write(JSON.valueToTree(sorted));
    }

    /** Replays events per key, in order: c, u, r put the row, d removes it, t empties the table. */
    public static Map<String, JsonNode> replay(List<JsonNode> events) {
        Map<String, JsonNode> image = new TreeMap<>();
        for (JsonNode e : events) {
            JsonNode value = e.get("value");
            switch (value.get("op").asText()) {
                case "c", "u", "r" -> image.put(canonical(e.get("key")), value.get("after"));
                case "d" -> image.remove(canonical(e.get("key")));
                case "t" -> image.clear();
                default -> throw new AssertionError("unknown op in " + e);
            }
        }
        return image;
    }

    /** The source table as {@code row_to_json} rows by canonical key (for tables of int and text columns). */
    public Map<String, JsonNode> tableImage(String table, String... keyColumns) {
        Map<String, JsonNode> image = new TreeMap<>();
        try (Connection c = server.connect(db.name()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT row_to_json(t)::text FROM " + table + " t")) {
            while (rs.next()) {
                JsonNode row = JSON.readTree(rs.getString(1));
                ObjectNode key = JSON.createObjectNode();
                for (String k : keyColumns) {
                    key.set(k, row.get(k));
                }
                image.put(canonical(key), row);
            }
        }
        catch (SQLException | IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return image;
    }

    /**
     * Where a replayed image and the table's differ, key by key (at most {@code max} lines): a missing or extra row, or
     * the columns whose values differ, long values shortened to their length and head. Empty when they are equal.
     */
    public static List<String> differences(Map<String, JsonNode> replayed, Map<String, JsonNode> table, int max) {
        List<String> out = new ArrayList<>();
        SortedSet<String> keys = new TreeSet<>(replayed.keySet());
        keys.addAll(table.keySet());
        for (String key : keys) {
            JsonNode got = replayed.get(key);
            JsonNode want = table.get(key);
            if (got == null || want == null) {
                out.add(key + (got == null ? ": missing from the sink" : ": in the sink, not in the table"));
            }
            else if (!got.equals(want)) {
                SortedSet<String> columns = new TreeSet<>();
                got.fieldNames().forEachRemaining(columns::add);
                want.fieldNames().forEachRemaining(columns::add);
                StringBuilder line = new StringBuilder(key).append(':');
                for (String column : columns) {
                    if (!Objects.equals(got.get(column), want.get(column))) {
                        line.append(' ').append(column).append(" sink=").append(shortened(got.get(column)))
                                .append(" table=").append(shortened(want.get(column)));
                    }
                }
                out.add(line.toString());
            }
            if (out.size() >= max) {
                break;
            }
        }
        return out;
    }

    private static String shortened(JsonNode value) {
        String text = String.valueOf(value);
        return text.length() <= 40 ? text : text.length() + " chars " + text.substring(0, 24) + "…";
    }

    // ---- waiting

    /** Polls {@code condition} every 50 ms until it holds; fails with {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
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
    public void close() throws IOException {
        try {
            for (Running r : List.copyOf(running)) {
                r.engine.stop();
                r.thread.join(30_000);
            }
            running.clear();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finally {
            try {
                server.dropReplicationSlot(db.name(), slot);
            }
            finally {
                // the databases, the role and the directory go even when the slot could not be dropped
                db.close();
                if (target != null) {
                    target.close();
                }
                role.close();
                try (Stream<Path> walk = Files.walk(work)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
