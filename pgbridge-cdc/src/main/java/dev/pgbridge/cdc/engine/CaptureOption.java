package dev.pgbridge.cdc.engine;

import java.util.List;

/**
 * Every key of a capture config, declared once: its path, type, default, allowed values and whether it is secret.
 * Validation, error messages and documentation derive from this list. The names are Estuary's where Estuary has
 * them.
 */
public enum CaptureOption {
    NAME("name", Type.STRING, null, false, "capture name, shown as source.name in events (default: the slot name)"),
    ADDRESS("address", Type.STRING, null, false, "host[:port] of the source PostgreSQL (port 5432 by default)"),
    DATABASE("database", Type.STRING, null, false, "database to capture"),
    USER("user", Type.STRING, null, false, "login; it needs REPLICATION (or rds_replication)"),
    PASSWORD("password", Type.STRING, null, true, "password of user"),
    CONNECTION("connection", Type.STRING, null, false, "a saved connection id, instead of address/database/user/password"),
    SLOT_NAME("advanced.slotName", Type.IDENTIFIER, "flow_slot", false, "replication slot"),
    PUBLICATION_NAME("advanced.publicationName", Type.STRING, "flow_publication", false, "publication"),
    WATERMARKS_TABLE("advanced.watermarksTable", Type.STRING, "public.flow_watermarks", false,
            "schema.table of the backfill watermarks"),
    BACKFILL_CHUNK_SIZE("advanced.backfill_chunk_size", Type.INT, "4096", false, "rows per backfill chunk (1 to 1000000)"),
    SKIP_BACKFILLS("advanced.skip_backfills", Type.STRING, "", false, "comma list of schema.table that only stream"),
    SSLMODE("advanced.sslmode", Type.ENUM, "prefer", false, "TLS mode, as libpq",
            "disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
    HEARTBEAT_INTERVAL("advanced.heartbeat_interval", Type.SECONDS, "30", false,
            "seconds between heartbeats that keep the slot advancing on an idle database; 0 turns them off"),
    MEMORY_EVENTS("advanced.max_memory_events", Type.INT, "10000", false,
            "events of one transaction kept in memory before the rest spills to disk (1 to 10000000)"),
    BINDINGS("bindings", Type.LIST, null, false, "tables to capture: [{namespace, stream}]; omitted: every table of "
            + "the publication"),
    BINDING_NAMESPACE("bindings[].namespace", Type.STRING, null, false, "schema of a captured table"),
    BINDING_STREAM("bindings[].stream", Type.STRING, null, false, "name of a captured table"),
    SINK_TYPE("sink.type", Type.ENUM, null, false, "where events go", "jsonl", "stdout", "kafka", "postgres"),
    SINK_DIR("sink.dir", Type.STRING, null, false, "jsonl: the directory of the files"),
    SINK_MAX_FILE_BYTES("sink.max_file_bytes", Type.LONG, Long.toString(128L << 20), false,
            "jsonl: size at which a file is rotated"),
    SINK_BOOTSTRAP_SERVERS("sink.bootstrapServers", Type.STRING, null, false,
            "kafka: host:port[,host:port…] of brokers to bootstrap from"),
    SINK_TOPIC_PREFIX("sink.topicPrefix", Type.STRING, null, false,
            "kafka: topics are <topicPrefix>.<schema>.<table> (ASCII letters, digits, '.', '_', '-')"),
    SINK_CONNECTION("sink.connection", Type.STRING, null, false,
            "postgres: saved connection id of the target database (or sink.url)"),
    SINK_URL("sink.url", Type.STRING, null, true,
            "postgres: the target database as a libpq URL or key=value string (or sink.connection)"),
    SINK_SCHEMA("sink.schema", Type.STRING, null, false,
            "postgres: schema of the target database that receives the tables (created when missing)");

    public enum Type { STRING, IDENTIFIER, INT, LONG, SECONDS, ENUM, LIST }

    private final String path;
    private final Type type;
    private final String defaultValue;
    private final boolean sensitive;
    private final String description;
    private final List<String> allowedValues;

    CaptureOption(String path, Type type, String defaultValue, boolean sensitive, String description,
                  String... allowedValues) {
        this.path = path;
        this.type = type;
        this.defaultValue = defaultValue;
        this.sensitive = sensitive;
        this.description = description;
        this.allowedValues = List.of(allowedValues);
    }

    public String path() {
        return path;
    }

    public Type type() {
        return type;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public boolean sensitive() {
        return sensitive;
    }

    public String description() {
        return description;
    }

    public List<String> allowedValues() {
        return allowedValues;
    }

    /** The last part of the path, the key as written in YAML. */
    public String key() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** The options directly under {@code parent} ("" for the top level, "advanced", "sink", "bindings[]"). */
    public static List<CaptureOption> under(String parent) {
        return java.util.Arrays.stream(values()).filter(o -> {
            int dot = o.path.lastIndexOf('.');
            return (dot < 0 ? "" : o.path.substring(0, dot)).equals(parent);
        }).toList();
    }
}
