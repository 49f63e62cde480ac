package dev.pgbridge.cdc.sink;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.LibpqConnectionString;

import java.io.PrintStream;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** Makes the sink a capture's {@code sink:} section names. */
public final class SinkFactory {
    private SinkFactory() {
    }

    /**
     * What a sink may need besides its own settings.
     *
     * @param captureName the capture's name (Kafka client id; the PostgreSQL sink's row in its applied-LSN table)
     * @param source      the captured database (the PostgreSQL sink reads the column types of new tables there)
     * @param connections resolves a saved connection id ({@code sink.connection}) to its configuration
     * @param stdout      where the stdout sink writes
     */
    public record Context(String captureName, ConnectionConfig source, Function<String, ConnectionConfig> connections,
                          PrintStream stdout) {
        public Context {
            requireNonNull(captureName, "captureName is null");
            requireNonNull(source, "source is null");
            requireNonNull(connections, "connections is null");
            requireNonNull(stdout, "stdout is null");
        }
    }

    /**
     * Opens the sink: connects (Kafka, PostgreSQL) or opens its directory (jsonl); fails with a {@link SinkFailure}
     * (or an {@code INVALID_CONFIG} {@link dev.pgbridge.error.PgBridgeException}) that says what to do.
     */
    public static ChangeSink open(SinkSettings settings, Context context) {
        requireNonNull(settings, "settings is null");
        requireNonNull(context, "context is null");
        return switch (settings) {
            case SinkSettings.JsonLines j -> new JsonLinesSink(j.dir(), j.maxFileBytes());
            case SinkSettings.Stdout s -> new StdoutSink(context.stdout());
            case SinkSettings.Kafka k -> new KafkaSink(k.bootstrapServers(), k.topicPrefix(), context.captureName(),
                    KafkaSink.Settings.DEFAULT);
            case SinkSettings.Postgres p -> new PostgresSink(target(p, context), p.schema(), context.captureName(),
                    context.source(), PostgresSink.Settings.DEFAULT);
        };
    }

    private static ConnectionConfig target(SinkSettings.Postgres p, Context context) {
        return p.connection() != null ? context.connections().apply(p.connection())
                : LibpqConnectionString.parse(p.url().reveal());
    }
}
