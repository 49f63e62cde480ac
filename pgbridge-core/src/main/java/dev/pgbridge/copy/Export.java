package dev.pgbridge.copy;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.io.OutputStream;
import java.sql.Connection;

/**
 * Writes the rows of a query or table to a stream with memory that does not grow with the result: CSV straight
 * from {@code COPY … TO STDOUT}, JSON lines from a server-side cursor. Each runs in a read-only transaction of
 * its own on the connection it is given, and leaves the connection's autocommit setting as it found it.
 */
public sealed interface Export permits CsvExport, JsonLinesExport {
    static Export of(ExportFormat format, Connection connection, ConnectionConfig target, ExportOptions options) {
        return switch (format) {
            case CSV -> new CsvExport(connection, target, options);
            case JSONL -> new JsonLinesExport(connection, target, options);
        };
    }

    /** Writes every row of {@code source} to {@code out} (not closed; flushed at the end). */
    ExportResult run(ExportSource source, OutputStream out, ProgressListener listener);

    /** The failure of an export that was canceled on request, whatever the server said. */
    static PgBridgeException canceled(PgBridgeException cause) {
        return new PgBridgeException(ErrorCode.CANCELED, "the export was canceled; PostgreSQL stopped the query",
                null, cause);
    }

    /** Stops a running export on the server; {@link #run} then fails with code CANCELED. Any thread may call it. */
    void cancel();
}
