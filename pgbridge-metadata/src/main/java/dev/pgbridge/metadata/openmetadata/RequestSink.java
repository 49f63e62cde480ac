package dev.pgbridge.metadata.openmetadata;

/**
 * Where OpenMetadata's requests go, in the order OpenMetadata sends them (service, database, schema, its tables, …).
 */
public interface RequestSink extends AutoCloseable {
    void send(Requests.Request request);

    /** Flushes and releases what the sink holds. */
    @Override
    void close();
}
