package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.cdc.sink.SinkSettings;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.FileErrors;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.error.Suggestions;
import dev.pgbridge.secret.Secret;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * A capture, as its YAML file describes it (Estuary's names; see {@link CaptureOption} for every key):
 * <pre>
 * address: db.example.com:5432
 * database: shop
 * user: capture
 * password: secret            # or: connection: shop_prod
 * advanced:
 *   slotName: flow_slot
 *   publicationName: flow_publication
 * bindings:
 *   - {namespace: public, stream: orders}
 * sink: {type: jsonl, dir: /var/lib/pgbridge/orders}
 * </pre>
 * {@link #parse} reports every unknown key and bad value at once, each with what is allowed. {@link #toString()}
 * never shows the password.
 */
public record CaptureConfig(String name, String host, Integer port, String database, String user, Secret password,
                            String connection, String slotName, String publicationName, TableId watermarksTable,
                            int backfillChunkSize, List<TableId> skipBackfills, String sslMode,
                            Duration heartbeatInterval, int maxMemoryEvents, List<TableId> bindings, SinkConfig sink) {
    private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]]+)(?::(\\d{1,5}))?");

    public CaptureConfig {
        requireNonNull(slotName, "slotName is null");
        requireNonNull(publicationName, "publicationName is null");
        bindings = List.copyOf(bindings);
        skipBackfills = List.copyOf(skipBackfills);
        requireNonNull(sink, "sink is null");
    }

    /**
     * Where events go: {@code jsonl} (with {@code dir}), {@code stdout}, {@code kafka} (with {@code bootstrapServers}
     * and {@code topicPrefix}) or {@code postgres} (with {@code connection} or {@code url}, and {@code schema}).
     * {@link #settings()} is what {@code SinkFactory.open} takes.
     */
    public record SinkConfig(String type, Path dir, long maxFileBytes, String bootstrapServers, String topicPrefix,
                             String connection, Secret url, String schema) {
        public SinkConfig {
            requireNonNull(type, "type is null");
        }

        public SinkConfig(String type, Path dir, long maxFileBytes) {
            this(type, dir, maxFileBytes, null, null, null, null, null);
        }

        /** The validated settings of this sink type. */
        public SinkSettings settings() {
            return switch (type) {
                case "jsonl" -> new SinkSettings.JsonLines(dir, maxFileBytes);
                case "stdout" -> new SinkSettings.Stdout();
                case "kafka" -> new SinkSettings.Kafka(bootstrapServers, topicPrefix);
                case "postgres" -> new SinkSettings.Postgres(connection, url, schema);
                default -> throw new IllegalStateException("unknown sink type " + type);
            };
        }
    }

    public static CaptureConfig load(Path file) {
        try {
            return parse(Files.readString(file));
        }
        catch (IOException e) {
            throw FileErrors.cannotRead("the capture config " + file, e);
        }
    }

    /** Parses and validates; every problem at once in one {@link ErrorCode#INVALID_CONFIG}. */
    public static CaptureConfig parse(String yaml) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        }
        catch (YAMLException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the capture config is not valid YAML: "
                    + e.getMessage(), "fix the YAML syntax", e);
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the capture config must be a YAML map of keys",
                    "start from the example in the README");
        }
        return new Parser().parse(top);
    }

    /** The source connection from address/database/user/password; empty when the config names a connection id. */
    public Optional<ConnectionConfig> sourceConnection() {
        if (connection != null) {
            return Optional.empty();
        }
        return Optional.of(ConnectionConfig.builder().connId(null).host(host).port(port).database(database).login(user)
                .password(password).extra(Map.of("sslmode", sslMode, "application_name", "pgbridge-capture")).build());
    }

    @Override
    public String toString() {
        return "CaptureConfig[name=" + name + ", address=" + host + (port == null ? "" : ":" + port) + ", database="
                + database + ", user=" + user + ", password=" + (password == null ? "none" : "****") + ", connection="
                + connection + ", slot=" + slotName + ", publication=" + publicationName + ", bindings=" + bindings
                + ", sink=" + sink.type() + "]";
    }

    private static final class Parser {
        private final List<String> problems = new ArrayList<>();
        /** Paths of valid keys an unknown key was taken for: their absence is that key's fault, not news. */
        private final Set<String> misspelled = new HashSet<>();

        /** Adds "{@code path} is missing …" unless a misspelled key already explains it. */
        private void missing(String path, String problem) {
            if (!misspelled.contains(path)) {
                problems.add(problem);
            }
        }

        CaptureConfig parse(Map<?, ?> top) {
            checkKeys(top, "");
            Map<?, ?> advanced = map(top, "advanced");
            Map<?, ?> sink = map(top, "sink");
            checkKeys(advanced, "advanced");
            checkKeys(sink, "sink");

            String connection = string(top, CaptureOption.CONNECTION);
            String address = string(top, CaptureOption.ADDRESS);
            String database = string(top, CaptureOption.DATABASE);
            String user = string(top, CaptureOption.USER);
            String password = string(top, CaptureOption.PASSWORD);
            String host = null;
            Integer port = null;
            if (connection != null) {
                for (CaptureOption o : List.of(CaptureOption.ADDRESS, CaptureOption.USER, CaptureOption.PASSWORD)) {
                    if (top.containsKey(o.key())) {
                        problems.add(o.path() + " cannot be combined with connection (the saved connection "
                                + "'" + connection + "' already has it); remove one of them");
                    }
                }
            }
            else {
                if (address == null) {
                    missing("address", "address is missing: give host[:port] (or connection: <conn_id>)");
                }
                else {
                    var m = HOST_PORT.matcher(address);
                    if (!m.matches()) {
                        problems.add("address '" + address + "' is not host[:port]");
                    }
                    else {
                        host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
                        if (m.group(2) != null) {
                            port = Integer.parseInt(m.group(2));
                            if (port < 1 || port > 65535) {
                                problems.add("address '" + address + "' has port " + port + "; allowed: 1 to 65535");
                            }
                        }
                    }
                }
                if (database == null) {
                    missing("database", "database is missing: name the database to capture");
                }
                if (user == null) {
                    missing("user", "user is missing: name the login (it needs the REPLICATION attribute)");
                }
            }

            String slot = string(advanced, CaptureOption.SLOT_NAME, CaptureOption.SLOT_NAME.defaultValue());
            if (slot != null && !SLOT.matcher(slot).matches()) {
                problems.add("advanced.slotName '" + slot + "' is not a valid slot name; allowed: 1 to 63 of a-z, "
                        + "0-9 and _");
            }
            String publication = string(advanced, CaptureOption.PUBLICATION_NAME,
                    CaptureOption.PUBLICATION_NAME.defaultValue());
            TableId watermarks = table(string(advanced, CaptureOption.WATERMARKS_TABLE,
                    CaptureOption.WATERMARKS_TABLE.defaultValue()), CaptureOption.WATERMARKS_TABLE);
            int chunk = (int) number(advanced, CaptureOption.BACKFILL_CHUNK_SIZE, 1, 1_000_000);
            List<TableId> skip = new ArrayList<>();
            String skipText = string(advanced, CaptureOption.SKIP_BACKFILLS, "");
            if (skipText != null) {
                for (String part : skipText.split(",")) {
                    if (!part.isBlank()) {
                        TableId t = table(part.trim(), CaptureOption.SKIP_BACKFILLS);
                        if (t != null) {
                            skip.add(t);
                        }
                    }
                }
            }
            String sslMode = choice(advanced, CaptureOption.SSLMODE);
            long heartbeat = number(advanced, CaptureOption.HEARTBEAT_INTERVAL, 0, 86_400);
            int memory = (int) number(advanced, CaptureOption.MEMORY_EVENTS, 1, 10_000_000);
            List<TableId> bindings = bindings(top.get("bindings"));

            String sinkType = sink.isEmpty() && !top.containsKey("sink") ? null : choice(sink, CaptureOption.SINK_TYPE);
            if (!top.containsKey("sink")) {
                missing("sink", "sink is missing: add sink: {type: jsonl, dir: DIR} or sink: {type: stdout}");
            }
            else if (sink.get("type") == null) {
                missing("sink.type", "sink.type is missing; allowed: " + String.join(", ",
                        CaptureOption.SINK_TYPE.allowedValues()));
            }
            String dir = string(sink, CaptureOption.SINK_DIR);
            long maxFile = number(sink, CaptureOption.SINK_MAX_FILE_BYTES, 1024, Long.MAX_VALUE);
            if ("jsonl".equals(sinkType) && dir == null) {
                missing("sink.dir", "sink.dir is missing: the jsonl sink writes its files into a directory");
            }
            String bootstrapServers = string(sink, CaptureOption.SINK_BOOTSTRAP_SERVERS);
            String topicPrefix = string(sink, CaptureOption.SINK_TOPIC_PREFIX);
            String sinkConnection = string(sink, CaptureOption.SINK_CONNECTION);
            String sinkUrl = string(sink, CaptureOption.SINK_URL);
            String sinkSchema = string(sink, CaptureOption.SINK_SCHEMA);
            List<String> sinkProblems = new ArrayList<>();
            SinkKeys.check(sinkType, sink, bootstrapServers, topicPrefix, sinkConnection, sinkUrl, sinkSchema, sinkProblems);
            for (String problem : sinkProblems) {
                // "sink.schema is missing: …" after "unknown key 'sink.shema': did you mean schema?" is the same problem
                String path = problem.contains(" is missing") ? problem.substring(0, problem.indexOf(' ')) : null;
                if (path == null || !misspelled.contains(path)) {
                    problems.add(problem);
                }
            }
            String name = string(top, CaptureOption.NAME, slot);

            if (!problems.isEmpty()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                        "the capture config has " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                                + ":\n  - " + String.join("\n  - ", problems),
                        "fix the listed keys; see pgbridge capture --help for every key and its default");
            }
            return new CaptureConfig(name, host, port, database, user, password == null ? null : Secret.of(password),
                    connection, slot, publication, watermarks, chunk, skip, sslMode, Duration.ofSeconds(heartbeat),
                    memory, bindings, new SinkConfig(sinkType, dir == null ? null : Path.of(dir), maxFile,
                    bootstrapServers, topicPrefix, sinkConnection, sinkUrl == null ? null : Secret.of(sinkUrl),
                    sinkSchema));
        }

        private void checkKeys(Map<?, ?> map, String parent) {
            List<String> valid = CaptureOption.under(parent).stream().map(CaptureOption::key).collect(
                    Collectors.toCollection(ArrayList::new));
            if (parent.isEmpty()) {
                valid.addAll(List.of("advanced", "sink"));
            }
            for (Object key : map.keySet()) {
                if (!valid.contains(String.valueOf(key))) {
                    String path = parent.isEmpty() ? String.valueOf(key) : parent + "." + key;
                    List<String> near = Suggestions.closest(String.valueOf(key), valid);
                    if (!near.isEmpty() && !map.containsKey(near.get(0))) {
                        problems.add("unknown key '" + path + "': did you mean " + near.get(0) + "?");
                        misspelled.add(parent.isEmpty() ? near.get(0) : parent + "." + near.get(0));
                    }
                    else {
                        problems.add("unknown key '" + path + "'; valid keys" + (parent.isEmpty() ? "" : " under "
                                + parent) + ": " + String.join(", ", valid));
                    }
                }
            }
        }

        private Map<?, ?> map(Map<?, ?> parent, String key) {
            Object value = parent.get(key);
            if (value == null) {
                return Map.of();
            }
            if (value instanceof Map<?, ?> m) {
                return m;
            }
            problems.add(key + " must be a map of keys, not '" + value + "'");
            return Map.of();
        }

        private String string(Map<?, ?> map, CaptureOption option) {
            return string(map, option, null);
        }

        private String string(Map<?, ?> map, CaptureOption option, String fallback) {
            Object value = map.get(option.key());
            if (value == null) {
                return fallback;
            }
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                problems.add(option.path() + " must be a single value (" + option.description() + ")");
                return fallback;
            }
            String text = String.valueOf(value);
            if (text.isEmpty() && fallback == null) {
                problems.add(option.path() + " is empty (" + option.description() + ")");
                return null;
            }
            return text;
        }

        private String choice(Map<?, ?> map, CaptureOption option) {
            String value = string(map, option, option.defaultValue());
            if (value != null && !option.allowedValues().contains(value)) {
                String near = Suggestions.didYouMean(value, option.allowedValues());
                problems.add(option.path() + " is '" + value + "'; allowed: " + String.join(", ", option.allowedValues())
                        + (near == null ? "" : "; " + near));
                return option.defaultValue();
            }
            return value;
        }

        private long number(Map<?, ?> map, CaptureOption option, long min, long max) {
            Object value = map.get(option.key());
            long fallback = Long.parseLong(option.defaultValue());
            if (value == null) {
                return fallback;
            }
            try {
                long n = value instanceof Number num && !(value instanceof Double) && !(value instanceof Float)
                        ? num.longValue() : Long.parseLong(String.valueOf(value).trim());
                if (n < min || n > max) {
                    problems.add(option.path() + " is " + n + "; allowed: " + min + " to "
                            + (max == Long.MAX_VALUE ? "any larger number" : max));
                    return fallback;
                }
                return n;
            }
            catch (NumberFormatException e) {
                problems.add(option.path() + " is '" + value + "', not a whole number; allowed: " + min + " to "
                        + (max == Long.MAX_VALUE ? "any larger number" : max));
                return fallback;
            }
        }

        private TableId table(String text, CaptureOption option) {
            if (text == null) {
                return null;
            }
            int dot = text.indexOf('.');
            if (dot <= 0 || dot == text.length() - 1 || text.indexOf('.', dot + 1) >= 0) {
                problems.add(option.path() + " has '" + text + "'; write schema.table");
                return null;
            }
            return new TableId(text.substring(0, dot), text.substring(dot + 1));
        }

        private List<TableId> bindings(Object value) {
            List<TableId> result = new ArrayList<>();
            if (value == null) {
                return result;
            }
            if (!(value instanceof List<?> list)) {
                problems.add("bindings must be a list of {namespace, stream}");
                return result;
            }
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    problems.add("bindings[" + i + "] must be a map {namespace, stream}");
                    continue;
                }
                boolean misspelledKey = false;
                for (Object key : m.keySet()) {
                    if (!"namespace".equals(key) && !"stream".equals(key)) {
                        List<String> near = Suggestions.closest(String.valueOf(key), List.of("namespace", "stream"));
                        if (!near.isEmpty() && !m.containsKey(near.get(0))) {
                            problems.add("unknown key 'bindings[" + i + "]." + key + "': did you mean " + near.get(0) + "?");
                            misspelledKey = true;
                        }
                        else {
                            problems.add("unknown key 'bindings[" + i + "]." + key + "'; valid keys under bindings[]: "
                                    + "namespace, stream");
                        }
                    }
                }
                Object ns = m.get("namespace");
                Object stream = m.get("stream");
                if (misspelledKey) {
                    continue;
                }
                if (ns == null || stream == null || String.valueOf(ns).isEmpty() || String.valueOf(stream).isEmpty()) {
                    problems.add("bindings[" + i + "] needs both namespace (the schema) and stream (the table)");
                    continue;
                }
                TableId t = new TableId(String.valueOf(ns), String.valueOf(stream));
                if (result.contains(t)) {
                    problems.add("bindings[" + i + "] repeats " + t);
                    continue;
                }
                result.add(t);
            }
            return result;
        }
    }
}
