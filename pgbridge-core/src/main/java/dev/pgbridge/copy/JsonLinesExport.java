package dev.pgbridge.copy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;
import dev.pgbridge.query.Cancel;
import dev.pgbridge.query.Column;
import dev.pgbridge.query.Row;
import dev.pgbridge.query.RowStream;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * JSON lines from a server-side cursor ({@link RowStream}): one object per row and line, keys the column names
 * exactly, values mapped by {@link PgJson}; each fetch of rows is written and dropped before the next.
 */
public final class JsonLinesExport implements Export {
    private final Connection connection;
    private final ConnectionConfig target;
    private final ExportOptions options;
    private volatile boolean canceled;
    /** What runs now, for {@link #cancel()}; null when nothing does. */
    private volatile Object running;

    JsonLinesExport(Connection connection, ConnectionConfig target, ExportOptions options) {
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
        String select = source.select(connection, target);
        ExportByteCounter counter = new ExportByteCounter(out);
        running = select; // opening the stream runs the query until its first rows: cancel may come meanwhile
        try (RowStream rows = RowStream.open(connection, target, select, List.of(), options.fetchSize(), options.timeout(),
                options.snapshot());
             JsonGenerator g = PgJson.factory().createGenerator(counter)) {
            if (canceled) {
                rows.cancel();
            }
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null);
            List<Column> columns = rows.columns();
            int width = columns.size();
            SerializedString[] names = new SerializedString[width];
            PgType[] types = new PgType[width];
            for (int i = 0; i < width; i++) {
                names[i] = new SerializedString(columns.get(i).name());
                types[i] = columns.get(i).type();
            }
            long[] written = {0};
            rows.forEachBatch(options.fetchSize(), batch -> {
                if (canceled) {
                    throw new PgBridgeException(ErrorCode.CANCELED, "canceled between two fetches", null);
                }
                try {
                    for (Row row : batch) {
                        g.writeStartObject();
                        for (int i = 0; i < width; i++) {
                            g.writeFieldName(names[i]);
                            PgJson.writeUtf8(g, types[i], row.utf8(i));
                        }
                        g.writeEndObject();
                        g.writeRaw('\n');
                    }
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                written[0] += batch.size();
                listener.progress(written[0], counter.count + g.getOutputBuffered());
            });
            g.flush();
            out.flush();
            return new ExportResult(written[0], counter.count, Duration.ofNanos(System.nanoTime() - start));
        }
        catch (UncheckedIOException e) {
            throw ioFailure(e.getCause());
        }
        catch (PgBridgeException e) {
            throw canceled ? Export.canceled(e) : e;
        }
        catch (IOException e) {
            throw ioFailure(e);
        }
        finally {
            running = null;
        }
    }

    private static PgBridgeException ioFailure(IOException e) {
        return new PgBridgeException(ErrorCode.IO, "cannot write the export: " + e.getMessage(),
                "check the output (disk full, closed pipe)", e);
    }

    @Override
    public void cancel() {
        canceled = true;
        Cancel.whileRunning(connection, () -> running);
    }

    /** Counts the bytes that pass to the output. */
    private static final class ExportByteCounter extends FilterOutputStream {
        long count;

        ExportByteCounter(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() {
            // the caller owns the output
        }
    }
}
