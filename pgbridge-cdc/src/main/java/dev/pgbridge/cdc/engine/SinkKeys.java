package dev.pgbridge.cdc.engine;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.LibpqConnectionString;
import dev.pgbridge.error.PgBridgeException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Which {@code sink.*} keys each sink type takes, and the checks of the kafka and postgres keys. */
final class SinkKeys {
    /** The sink keys each type takes, besides {@code type}. */
    private static final Map<String, List<CaptureOption>> SINK_KEYS = Map.of(
            "jsonl", List.of(CaptureOption.SINK_DIR, CaptureOption.SINK_MAX_FILE_BYTES),
            "stdout", List.of(),
            "kafka", List.of(CaptureOption.SINK_BOOTSTRAP_SERVERS, CaptureOption.SINK_TOPIC_PREFIX),
            "postgres", List.of(CaptureOption.SINK_CONNECTION, CaptureOption.SINK_URL, CaptureOption.SINK_SCHEMA));
    private static final Pattern BROKER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9_.-]+):\\d{1,5}");
    private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private SinkKeys() {
    }

    /**
     * Adds the problems of the sink keys of {@code type} (already read from {@code sink}) to {@code problems}: a
     * key that belongs to another type is named with it, a kafka or postgres key that is missing or malformed is
     * named with what it needs.
     */
    static void check(String type, Map<?, ?> sink, String bootstrapServers, String topicPrefix, String connection,
                      String url, String schema, List<String> problems) {
        List<CaptureOption> allowed = type == null ? null : SINK_KEYS.get(type);
        if (allowed == null) {
            return;
        }
        for (Object key : sink.keySet()) {
            CaptureOption option = CaptureOption.under("sink").stream().filter(o -> o.key().equals(key))
                    .findFirst().orElse(null);
            if (option == null || option == CaptureOption.SINK_TYPE || allowed.contains(option)) {
                continue;
            }
            String owner = SINK_KEYS.entrySet().stream().filter(e -> e.getValue().contains(option))
                    .map(Map.Entry::getKey).findFirst().orElse("?");
            problems.add(option.path() + " is for type " + owner + "; the " + type + " sink takes "
                    + (allowed.isEmpty() ? "no keys" : allowed.stream().map(CaptureOption::key)
                    .collect(Collectors.joining(", "))));
        }
        if ("kafka".equals(type)) {
            if (bootstrapServers == null) {
                problems.add("sink.bootstrapServers is missing: give host:port[,host:port…] of the Kafka brokers");
            }
            else {
                for (String server : bootstrapServers.split(",", -1)) {
                    if (!BROKER.matcher(server.trim()).matches()) {
                        problems.add("sink.bootstrapServers has '" + server.trim() + "'; write host:port, "
                                + "several separated by commas");
                    }
                }
            }
            if (topicPrefix == null) {
                problems.add("sink.topicPrefix is missing: topics are named <topicPrefix>.<schema>.<table>");
            }
            else if (!TOPIC_PREFIX.matcher(topicPrefix).matches()) {
                problems.add("sink.topicPrefix '" + topicPrefix + "' is not a valid topic name start; allowed: 1 "
                        + "to 200 of ASCII letters, digits, '.', '_' and '-'");
            }
        }
        if ("postgres".equals(type)) {
            if ((connection == null) == (url == null)) {
                problems.add(connection == null
                        ? "sink.connection or sink.url is missing: name the target database by a saved "
                                + "connection id or a libpq URL"
                        : "sink.connection and sink.url are both given; keep one of them");
            }
            if (connection != null) {
                try {
                    ConnectionConfig.normalizeConnId(connection);
                }
                catch (PgBridgeException e) {
                    problems.add("sink.connection '" + connection + "' is not a connection id; allowed: 1 to 64 "
                            + "of letters, digits and _");
                }
            }
            if (url != null) {
                try {
                    LibpqConnectionString.parse(url);
                }
                catch (PgBridgeException e) {
                    problems.add("sink.url is not a libpq URL (postgresql://user@host:port/db) or key=value "
                            + "connection string: " + e.getMessage());
                }
            }
            if (schema == null) {
                problems.add("sink.schema is missing: name the schema of the target database that receives the "
                        + "tables");
            }
            else if (schema.indexOf('\0') >= 0 || schema.getBytes(StandardCharsets.UTF_8).length > 63) {
                problems.add("sink.schema '" + schema + "' is not a schema name; allowed: 1 to 63 bytes, no NUL");
            }
        }
    }
}
