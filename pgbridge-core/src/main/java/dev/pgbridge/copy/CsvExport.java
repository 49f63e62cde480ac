package dev.pgbridge.copy;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.query.Cancel;
import dev.pgbridge.query.QueryErrors;
import dev.pgbridge.query.RowStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * CSV through {@code COPY … TO STDOUT WITH (FORMAT csv, HEADER)}: PostgreSQL formats every row, and each row
 * message goes from the socket to the output as it arrives — the physical limit, memory of one row. The text is
 * exactly what {@code psql \copy … csv header} writes with the same session settings.
 */
public final class CsvExport implements Export {
    private static final Logger log = LoggerFactory.getLogger(CsvExport.class);
    private static final int PROGRESS_EVERY = 8192; // messages; a power of two

    private final Connection connection;
    private final ConnectionConfig target;
    private final ExportOptions options;
    private volatile boolean canceled;
    /** What runs now (the COPY statement's text), for {@link #cancel()}; null when nothing does. */
    private volatile Object running;

    CsvExport(Connection connection, ConnectionConfig target, ExportOptions options) {
        this.connection = requireNonNull(connection, "connection is null");
        this.target = requireNonNull(target, "target is null");
        this.options = requireNonNull(options, "options is null");
    }

    @Override
    public ExportResult run(ExportSource source, OutputStream out, ProgressListener listener) {
        requireNonNull(source, "source is null");
        requireNonNull(out, "out is null");
        requireNonNull(listener, "listener is null");
        long start = System.nanoTime();
        try {
            RowStream.requireAutoCommit(connection);
        }
        catch (SQLException e) {
            throw QueryErrors.translate(e, target, null, null, false);
        }
        CopyOut copy = null;
        try {
            connection.setAutoCommit(false);
            RowStream.begin(connection, options.timeout(), false, options.snapshot());
            String sql = source.copy(connection, target, options.header() ? "FORMAT csv, HEADER" : "FORMAT csv");
            if (canceled) {
                throw new SQLException("canceling statement due to user request", "57014");
            }
            running = sql; // copyOut blocks until the server starts sending, which a slow query can delay
            try {
                copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
            }
            catch (SQLException e) {
                throw QueryErrors.translate(e, target, source.statement(), options.timeout(), canceled,
                        source.copyPrefixLength());
            }
            long header = options.header() ? 1 : 0;
            long messages = 0;
            long bytes = 0;
            byte[] data;
            while ((data = copy.readFromCopy()) != null) {
                out.write(data);
                bytes += data.length;
                if ((++messages & (PROGRESS_EVERY - 1)) == 0) {
                    listener.progress(messages - header, bytes);
                }
            }
            running = null;
            long rows = copy.getHandledRowCount();
            out.flush();
            connection.commit();
            listener.progress(rows, bytes);
            return new ExportResult(rows, bytes, Duration.ofNanos(System.nanoTime() - start));
        }
        catch (SQLException e) {
            PgBridgeException failure = QueryErrors.translate(e, target, source.statement(), options.timeout(), canceled,
                    source.copyPrefixLength());
            throw canceled ? Export.canceled(failure) : failure;
        }
        catch (PgBridgeException e) {
            throw canceled ? Export.canceled(e) : e;
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot write the export: " + e.getMessage(),
                    "check the output (disk full, closed pipe)", e);
        }
        finally {
            running = null;
            end(copy);
        }
    }

    private void end(CopyOut copy) {
        try {
            if (copy != null && copy.isActive()) {
                copy.cancelCopy();
            }
        }
        catch (SQLException e) {
            log.debug("canceling the COPY failed", e);
        }
        try {
            connection.rollback(); // after a commit there is nothing left; after a failure it ends the transaction
            connection.setAutoCommit(true);
        }
        catch (SQLException e) {
            log.debug("ending the export transaction failed (the connection may be gone)", e);
        }
    }

    @Override
    public void cancel() {
        canceled = true;
        Cancel.whileRunning(connection, () -> running);
    }
}
