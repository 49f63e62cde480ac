package dev.pgbridge.cdc.sink;

import dev.pgbridge.secret.Secret;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Which sink a capture writes to, with that sink's own settings: the {@code sink:} section of a capture config,
 * validated ({@code CaptureConfig} reports every problem of it at once). {@link SinkFactory#open} makes the sink.
 */
public sealed interface SinkSettings {
    /** The {@code type} as written in the config. */
    String type();

    /** {@code type: jsonl}: files under {@code dir}, rotated at {@code maxFileBytes}. */
    record JsonLines(Path dir, long maxFileBytes) implements SinkSettings {
        public JsonLines {
            requireNonNull(dir, "dir is null");
        }

        @Override
        public String type() {
            return "jsonl";
        }
    }

    /** {@code type: stdout}: one JSON line per event on standard output. */
    record Stdout() implements SinkSettings {
        @Override
        public String type() {
            return "stdout";
        }
    }

    /** {@code type: kafka}: topics {@code <topicPrefix>.<schema>.<table>} on the cluster at {@code bootstrapServers}. */
    record Kafka(String bootstrapServers, String topicPrefix) implements SinkSettings {
        public Kafka {
            requireNonNull(bootstrapServers, "bootstrapServers is null");
            requireNonNull(topicPrefix, "topicPrefix is null");
        }

        @Override
        public String type() {
            return "kafka";
        }
    }

    /**
     * {@code type: postgres}: tables applied into {@code schema} of the database named by exactly one of
     * {@code connection} (a saved connection id) and {@code url} (a libpq URL or key=value string, which may hold a
     * password, hence a {@link Secret}).
     */
    record Postgres(String connection, Secret url, String schema) implements SinkSettings {
        public Postgres {
            requireNonNull(schema, "schema is null");
            if ((connection == null) == (url == null)) {
                throw new IllegalArgumentException("exactly one of connection and url must be given");
            }
        }

        @Override
        public String type() {
            return "postgres";
        }
    }
}
