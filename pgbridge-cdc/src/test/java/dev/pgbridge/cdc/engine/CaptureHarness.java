package dev.pgbridge.cdc.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.checkpoint.CheckpointStore;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.cdc.sink.JsonLinesSink;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One capture under test: its own role (REPLICATION, owner of its own database), slot, publication and sink
 * directory. {@link #close()} stops engines, ends the walsender, drops the slot, the database and the role.
 */
final class CaptureHarness implements AutoCloseable {
    static final String PASSWORD = "pw é🔑 :/@";
    static final CaptureEngine.Settings FAST = new CaptureEngine.Settings(Duration.ofMillis(100), 10_000,
            Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(2));

    /**
     * The slot is held by a walsender: streaming has begun. While {@code pg_create_logical_replication_slot} builds the
     * slot, it is active too, held by the creating session, and a plain {@code active} check passed before the engine
     * had made its backfill (which then looked done with no table).
     */
    static final String WALSENDER_ACTIVE = "SELECT s.active AND a.backend_type = 'walsender' FROM "
            + "pg_catalog.pg_replication_slots s JOIN pg_catalog.pg_stat_activity a ON a.pid = s.active_pid "
            + "WHERE s.slot_name = ?";

    final TestingPostgres server = TestingPostgres.get();
    final TestRole role;
    final TestDatabase db;
    final String slot = TestingPostgres.uniqueName("slot");
    final String publication = TestingPostgres.uniqueName("pub");
    final String watermarks = TestingPostgres.uniqueName("wm");
    final Path dir;
    final Path spill;
    private final List<Running> running = new ArrayList<>();
    /** The timings of the engines started from now on. */
    CaptureEngine.Settings settings = FAST;

    record Running(CaptureEngine engine, Thread thread, AtomicReference<Throwable> failure) {
    }

    CaptureHarness() throws IOException {
        role = server.createRole(TestingPostgres.uniqueName("pgb_cap"), PASSWORD, "REPLICATION");
        db = server.createDatabase(TestingPostgres.uniqueName("pgb_cdc"), role.name());
        dir = Files.createTempDirectory("pgbridge-cdc-it");
        spill = Files.createTempDirectory("pgbridge-cdc-spill");
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", role.name());
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection(server.jdbcUrl(db.name()), p);
    }

    /** Runs statements as the capture role, each in autocommit. */
    void sql(String... statements) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Runs statements as the superuser in the capture's database. */
    void superSql(String sql) {
        server.executeIn(db.name(), sql);
    }

    String query(String sql) {
        try (Connection c = server.connect(db.name()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    String yaml(String extraAdvanced, String... tables) {
        StringBuilder y = new StringBuilder()
                .append("address: \"").append(server.host()).append(':').append(server.port()).append("\"\n")
                .append("database: ").append(db.name()).append('\n')
                .append("user: ").append(role.name()).append('\n')
                .append("password: \"").append(PASSWORD).append("\"\n")
                .append("advanced:\n  slotName: ").append(slot).append("\n  publicationName: ").append(publication)
                .append("\n  watermarksTable: public.").append(watermarks)
                .append("\n  sslmode: disable\n").append(extraAdvanced);
        if (tables.length > 0) {
            y.append("bindings:\n");
            for (String t : tables) {
                y.append("  - {namespace: public, stream: \"").append(t).append("\"}\n");
            }
        }
        y.append("sink: {type: jsonl, dir: \"").append(dir).append("\"}\n");
        return y.toString();
    }

    CaptureConfig config(String extraAdvanced, String... tables) {
        return CaptureConfig.parse(yaml(extraAdvanced, tables));
    }

    CaptureEngine engine(CaptureConfig config) {
        return new CaptureEngine(config, config.sourceConnection().orElseThrow(), new JsonLinesSink(dir, 1 << 20),
                new CheckpointStore(dir.resolve("checkpoint.json")), spill, settings);
    }

    /**
     * Starts an engine on its own thread and waits until its slot streams and its backfill is done (tables empty at
     * the start then give no backfill rows, whenever a test writes).
     */
    Running start(CaptureConfig config) {
        Running r = startStreaming(config, null);
        awaitBackfill(r);
        return r;
    }

    void awaitBackfill(Running r) {
        await("backfill done", Duration.ofSeconds(120), () -> r.failure.get() != null
                || r.engine.status().backfillDone());
        if (r.failure.get() != null) {
            throw new IllegalStateException("engine failed: " + r.failure.get(), r.failure.get());
        }
    }

    /** Starts an engine (with a watermark listener, may be null) and waits until its slot streams. */
    Running startStreaming(CaptureConfig config, dev.pgbridge.cdc.backfill.Backfill.WatermarkListener listener) {
        Running r = startNoWait(config, listener);
        await("slot " + slot + " active", Duration.ofSeconds(60), () -> r.failure.get() != null
                || "t".equals(query(WALSENDER_ACTIVE.replace("?", "'" + slot + "'"))));
        if (r.failure.get() != null) {
            throw new IllegalStateException("engine failed to start: " + r.failure.get(), r.failure.get());
        }
        return r;
    }

    Running startNoWait(CaptureConfig config) {
        return startNoWait(config, null);
    }

    Running startNoWait(CaptureConfig config, dev.pgbridge.cdc.backfill.Backfill.WatermarkListener listener) {
        CaptureEngine engine = engine(config);
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

    void stop(Running r) throws InterruptedException {
        r.engine.stop();
        r.thread.join(30_000);
        if (r.thread.isAlive()) {
            throw new IllegalStateException("engine did not stop within 30 s");
        }
        running.remove(r);
    }

    void crash(Running r) throws InterruptedException {
        r.engine.crash();
        r.thread.join(30_000);
        running.remove(r);
    }

    Path checkpointFile() {
        return dir.resolve("checkpoint.json");
    }

    /** The checkpoint file as JSON, or null before the first one. */
    JsonNode checkpoint() {
        try {
            return Files.exists(checkpointFile()) ? EventJson.MAPPER.readTree(checkpointFile().toFile()) : null;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every complete line of every file of {@code public.<table>}, in file-name order. The sink may be writing while
     * we read, so a last line without its newline (possibly cut inside a multi-byte character) is not read yet.
     */
    List<JsonNode> events(String table) {
        String prefix = JsonLinesSink.prefix(new TableId("public", table)) + ".";
        List<JsonNode> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(f);
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--;
                }
                for (String line : new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isEmpty()) {
                        lines.add(EventJson.MAPPER.readTree(line));
                    }
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    List<JsonNode> awaitEvents(String table, int count) {
        await(count + " events of " + table, Duration.ofSeconds(60), () -> events(table).size() >= count);
        return events(table);
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

    /** A key as text with its fields sorted by name. */
    static String canonical(JsonNode key) {
        if (key == null || key.isNull()) {
            return "null";
        }
        java.util.TreeMap<String, JsonNode> sorted = new java.util.TreeMap<>();
        key.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return EventJson.write(EventJson.MAPPER.valueToTree(sorted));
    }

    /** Replays events per key, in order: c, u, r put the row, d removes it, t empties the table. */
    static java.util.Map<String, JsonNode> replay(List<JsonNode> events) {
        java.util.Map<String, JsonNode> image = new java.util.TreeMap<>();
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

    /** The table as {@code row_to_json} rows by canonical key (for tables of int and text columns). */
    java.util.Map<String, JsonNode> tableImage(String table, String... keyColumns) {
        java.util.Map<String, JsonNode> image = new java.util.TreeMap<>();
        try (Connection c = server.connect(db.name()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT row_to_json(t)::text FROM " + table + " t")) {
            while (rs.next()) {
                JsonNode row = EventJson.MAPPER.readTree(rs.getString(1));
                com.fasterxml.jackson.databind.node.ObjectNode key = EventJson.MAPPER.createObjectNode();
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

    /** Each event as {@code op:key-json}. */
    static List<String> opsAndKeys(List<JsonNode> events) {
        return events.stream().map(e -> e.get("value").get("op").asText() + ":" + EventJson.write(e.get("key"))).toList();
    }

    @Override
    public void close() throws SQLException, IOException {
        try {
            stopAndDropSlot();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        db.close();
        role.close();
        deleteTree(dir);
        deleteTree(spill);
    }

    private void stopAndDropSlot() throws SQLException, InterruptedException {
        for (Running r : List.copyOf(running)) {
            r.engine.stop();
            r.thread.join(30_000);
        }
        running.clear();
        server.dropReplicationSlot(db.name(), slot);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
