package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.sink.ChangeSink;
import dev.pgbridge.cdc.sink.JsonLinesSink;
import dev.pgbridge.cdc.sink.StdoutSink;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.io.IOException;
import java.io.PrintStream;

import static java.util.Objects.requireNonNull;

/**
 * Makes the sink a capture config names under {@code sink:}, by its {@code type}. The one place a new sink type is
 * plugged in: add its keys to {@link CaptureOption} (and {@code SINK_TYPE}'s allowed values), its checks to
 * {@link CaptureConfig}'s parser, and a case here.
 */
public final class SinkFactory {
    /** Resolves a saved connection id ({@code connection: <conn_id>} of a sink), as the CLI's resolver does. */
    @FunctionalInterface
    public interface ConnectionLookup {
        ConnectionConfig resolve(String connId);
    }

    private final ConnectionLookup connections;
    private final PrintStream stdout;

    public SinkFactory(ConnectionLookup connections, PrintStream stdout) {
        this.connections = requireNonNull(connections, "connections is null");
        this.stdout = requireNonNull(stdout, "stdout is null");
    }

    /** Resolves connection ids for sinks that write to a database. */
    public ConnectionLookup connections() {
        return connections;
    }

    public ChangeSink create(CaptureConfig.SinkConfig sink) {
        requireNonNull(sink, "sink is null");
        try {
            return switch (sink.type()) {
                case "jsonl" -> new JsonLinesSink(sink.dir(), sink.maxFileBytes());
                case "stdout" -> new StdoutSink(stdout);
                default -> throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "sink type '" + sink.type()
                        + "' is not available in this build", "use one of: "
                        + String.join(", ", CaptureOption.SINK_TYPE.allowedValues()));
            };
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot open the " + sink.type() + " sink: " + e.getMessage(),
                    "check that the sink's directory can be created and written", e);
        }
    }
}
