package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One capture for a CLI test: its own role (REPLICATION, owner of its own database), slot, publication and
 * watermarks table, a config file and a jsonl directory. {@link #close()} ends the walsender and drops the slot, the
 * database and the role.
 */
final class CaptureFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "cap pw é:/@%";

    final TestingPostgres server = TestingPostgres.get();
    final TestRole role;
    final TestDatabase db;
    final String slot = TestingPostgres.uniqueName("slot");
    final String publication = TestingPostgres.uniqueName("pub");
    final String watermarks = TestingPostgres.uniqueName("wm");
    final Path work;
    final Path sinkDir;

    CaptureFixture() throws IOException {
        role = server.createRole(TestingPostgres.uniqueName("pgb_cap"), PASSWORD, "REPLICATION");
        db = server.createDatabase(TestingPostgres.uniqueName("pgb_cli_cdc"), role.name());
        work = Files.createTempDirectory("pgbridge-capture-it");
        sinkDir = work.resolve("events");
    }

    /** The Airflow URI of the source, for AIRFLOW_CONN_&lt;ID&gt;. */
    String airflowUri() {
        return "postgres://" + role.name() + ":" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8).replace("+", "%20")
                + "@" + server.host() + ":" + server.port() + "/" + db.name() + "?sslmode=disable";
    }

    /** A config with address/user/password, the given extra advanced keys and tables. */
    Path config(String extraAdvanced, String... tables) {
        return write("address: \"" + server.host() + ":" + server.port() + "\"\n"
                + "database: " + db.name() + "\n"
                + "user: " + role.name() + "\n"
                + "password: \"" + PASSWORD + "\"\n", extraAdvanced, tables);
    }

    /** A config naming a saved connection id instead. */
    Path configWithConnection(String connId, String extraAdvanced, String... tables) {
        return write("connection: " + connId + "\n", extraAdvanced, tables);
    }

    /** A config naming a saved connection id, with {@code sink} (a YAML flow map) instead of the jsonl directory. */
    Path configWithSink(String connId, String sink, String... tables) {
        return write("connection: " + connId + "\n", "", sink, tables);
    }

    private Path write(String source, String extraAdvanced, String... tables) {
        return write(source, extraAdvanced, "{type: jsonl, dir: \"" + sinkDir + "\"}", tables);
    }

    private Path write(String source, String extraAdvanced, String sink, String... tables) {
        StringBuilder y = new StringBuilder(source)
                .append("advanced:\n  slotName: ").append(slot).append("\n  publicationName: ").append(publication)
                .append("\n  watermarksTable: public.").append(watermarks)
                .append("\n  sslmode: disable\n").append(extraAdvanced);
        if (tables.length > 0) {
            y.append("bindings:\n");
            for (String t : tables) {
                y.append("  - {namespace: public, stream: ").append(t).append("}\n");
            }
        }
        y.append("sink: ").append(sink).append('\n');
        try {
            Path file = work.resolve("capture.yaml");
            Files.writeString(file, y);
            return file;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", role.name());
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection(server.jdbcUrl(db.name()), p);
    }

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

    String query(String sql) {
        try (Connection c = server.connect(db.name()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Every event line of {@code public.<table>} in file-name order (a torn last line is left out). */
    List<JsonNode> events(String table) {
        List<JsonNode> lines = new ArrayList<>();
        if (!Files.isDirectory(sinkDir)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(sinkDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("public." + table + "."))
                    .sorted().toList()) {
                String text = Files.readString(f);
                int end = text.lastIndexOf('\n');
                for (String line : text.substring(0, end + 1).split("\n")) {
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
    long lineCount(String table) {
        try (Stream<Path> files = Files.list(sinkDir)) {
            long n = 0;
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("public." + table + ".")).toList()) {
                try (Stream<String> lines = Files.lines(f)) {
                    n += lines.count();
                }
            }
            return n;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String canonical(JsonNode key) {
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        key.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return JSON.valueToTree(sorted).toString();
    }

    /** Replays events per key in file order: c, u, r put the row, d removes it, t empties the table. */
    static Map<String, JsonNode> replay(List<JsonNode> events) {
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

    /**
     * Where a replayed image and the table's differ, key by key (at most {@code max} lines): a missing or extra row, or
     * the columns whose values differ, long values shortened to their length and head. Empty when they are equal.
     */
    static List<String> differences(Map<String, JsonNode> replayed, Map<String, JsonNode> table, int max) {
        List<String> out = new ArrayList<>();
        java.util.SortedSet<String> keys = new java.util.TreeSet<>(replayed.keySet());
        keys.addAll(table.keySet());
        for (String key : keys) {
            JsonNode got = replayed.get(key);
            JsonNode want = table.get(key);
            if (got == null || want == null) {
                out.add(key + (got == null ? ": missing from the sink" : ": in the sink, not in the table"));
            }
            else if (!got.equals(want)) {
                java.util.SortedSet<String> columns = new java.util.TreeSet<>();
                got.fieldNames().forEachRemaining(columns::add);
                want.fieldNames().forEachRemaining(columns::add);
                StringBuilder line = new StringBuilder(key).append(':');
                for (String column : columns) {
                    if (!java.util.Objects.equals(got.get(column), want.get(column))) {
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

    /** The table as row_to_json rows by canonical key (tables of int and text columns). */
    Map<String, JsonNode> tableImage(String table, String... keyColumns) {
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

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    boolean slotActive() {
        return "t".equals(query("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'"));
    }

    /** Reads a checkpoint file as JSON (null when missing or being replaced). */
    static JsonNode readJson(Path file) {
        try {
            return Files.exists(file) ? JSON.readTree(file.toFile()) : null;
        }
        catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        server.dropReplicationSlot(db.name(), slot);
        db.close();
        role.close();
        try (Stream<Path> walk = Files.walk(work)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
