package dev.pgbridge.copy;

import dev.pgbridge.pgtype.BinaryCopy;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.sql.SQLException;
import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * Sends rows in chunks: each chunk is one {@code COPY … FROM STDIN} of up to {@code chunkRows} rows, all in the
 * caller's transaction. Rows are encoded into a buffer and written in blocks of about 128 KB.
 *
 * <p>It starts in binary format when the columns allow it ({@link LoadBinaryEncoder}); the first value without a
 * canonical binary form ends the chunk there and the rest of the load goes in text format, which takes anything.
 * For the chunk in flight it remembers the input line of every row, so a row PostgreSQL rejects
 * ({@code COPY t, line 3}) maps back to the line of the input file. Memory: the buffer plus one line number per row
 * of a chunk.
 */
final class LoadCopy {
    private static final int FLUSH_AT = 1 << 17;

    private final CopyManager copyManager;
    private final LoadTarget target;
    private final int chunkRows;
    private final LoadTextBuffer buffer = new LoadTextBuffer(FLUSH_AT + (FLUSH_AT >> 2));
    private LoadRowEncoder encoder;
    private CopyIn copyIn;
    private boolean chunkOpen;
    private long[] lines = new long[1024];
    private int rowsInChunk;
    private long rows;
    private int chunks;

    /** {@code binary}: an encoder for the columns, or null for text format only. */
    LoadCopy(CopyManager copyManager, LoadTarget target, int chunkRows, LoadBinaryEncoder binary) {
        this.copyManager = requireNonNull(copyManager, "copyManager is null");
        this.target = requireNonNull(target, "target is null");
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be at least 1");
        }
        this.chunkRows = chunkRows;
        this.encoder = binary != null ? binary : LoadRowEncoder.Text.INSTANCE;
    }

    boolean binary() {
        return encoder instanceof LoadBinaryEncoder;
    }

    /**
     * Sends one row from input line {@code line}: values are bytes {@code [starts[i], ends[i])} of {@code data},
     * NULL where {@code starts[i] < 0}.
     */
    void row(byte[] data, int[] starts, int[] ends, int count, long line) throws SQLException {
        int mark = beginRow();
        try {
            encoder.row(data, starts, ends, count, buffer);
        }
        catch (BinaryCopy.NotBinary notCanonical) {
            buffer.truncate(mark);
            fallBackToText();
            beginRow();
            encoder.row(data, starts, ends, count, buffer);
        }
        endRow(line);
    }

    private int beginRow() {
        if (!chunkOpen) {
            chunkOpen = true;
            if (binary()) {
                buffer.raw(BinaryCopy.HEADER, 0, BinaryCopy.HEADER.length);
            }
        }
        return buffer.size();
    }

    private void endRow(long line) throws SQLException {
        if (rowsInChunk == lines.length) {
            lines = Arrays.copyOf(lines, (int) Math.min(lines.length * 2L, chunkRows));
        }
        lines[rowsInChunk++] = line;
        if (buffer.size() >= FLUSH_AT) {
            flush();
        }
        if (rowsInChunk == chunkRows) {
            endChunk();
        }
    }

    /** Ends the binary chunk before the current row; from here on every row goes in text format. */
    private void fallBackToText() throws SQLException {
        if (rowsInChunk > 0) {
            endChunk();
        }
        else {
            buffer.clear(); // only the binary header was written: nothing was sent yet
            chunkOpen = false;
        }
        encoder = LoadRowEncoder.Text.INSTANCE;
    }

    private void flush() throws SQLException {
        if (buffer.size() == 0) {
            return;
        }
        if (copyIn == null) {
            copyIn = copyManager.copyIn(target.copyStatement(binary()));
        }
        copyIn.writeToCopy(buffer.array(), 0, buffer.size());
        buffer.clear();
    }

    private void endChunk() throws SQLException {
        if (binary()) {
            buffer.int16(-1);
        }
        flush();
        if (copyIn != null) {
            copyIn.endCopy();
            copyIn = null;
        }
        rows += rowsInChunk;
        rowsInChunk = 0;
        chunkOpen = false;
        chunks++;
    }

    /** Sends what is left; returns the rows loaded. */
    long finish() throws SQLException {
        if (rowsInChunk > 0) {
            endChunk();
        }
        return rows;
    }

    /** Ends a COPY in progress without loading it (its rows are dropped; the transaction still needs a rollback). */
    void abort() throws SQLException {
        buffer.clear();
        CopyIn active = copyIn;
        copyIn = null;
        if (active != null && active.isActive()) {
            active.cancelCopy();
        }
    }

    /** The input line of row {@code copyLine} (from 1) of the chunk in flight; 0 when it is not one of them. */
    long inputLine(long copyLine) {
        return copyLine >= 1 && copyLine <= rowsInChunk ? lines[(int) (copyLine - 1)] : 0;
    }

    /** The input line of the first row of the chunk in flight (0 before any row). */
    long firstLineOfChunk() {
        return rowsInChunk == 0 ? 0 : lines[0];
    }

    /** The input line of the last row of the chunk in flight (0 before any row). */
    long lastLineOfChunk() {
        return rowsInChunk == 0 ? 0 : lines[rowsInChunk - 1];
    }

    long rows() {
        return rows + rowsInChunk;
    }

    int chunks() {
        return chunks;
    }
}
