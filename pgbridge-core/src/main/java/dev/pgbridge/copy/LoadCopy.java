package dev.pgbridge.copy;

import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.sql.SQLException;
import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * Sends COPY text rows in chunks: each chunk is one {@code COPY … FROM STDIN} of up to {@code chunkRows} rows, all in
 * the caller's transaction. Rows are collected in a buffer and written in blocks of about 128 KB. For the chunk in
 * flight it remembers the input line of every row, so a row PostgreSQL rejects ({@code COPY t, line 3}) maps back to
 * the line of the input file. Memory: the buffer plus one line number per row of a chunk.
 */
final class LoadCopy {
    private static final int FLUSH_AT = 1 << 17;

    private final CopyManager copyManager;
    private final String sql;
    private final int chunkRows;
    private final LoadTextBuffer buffer = new LoadTextBuffer(FLUSH_AT + (FLUSH_AT >> 2));
    private CopyIn copyIn;
    private long[] lines = new long[1024];
    private int rowsInChunk;
    private long rows;
    private int chunks;
    private long firstLineOfChunk;

    LoadCopy(CopyManager copyManager, String sql, int chunkRows) {
        this.copyManager = requireNonNull(copyManager, "copyManager is null");
        this.sql = requireNonNull(sql, "sql is null");
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be at least 1");
        }
        this.chunkRows = chunkRows;
    }

    /** Where the next row goes; call {@link #endRow} after writing it. */
    LoadTextBuffer buffer() {
        return buffer;
    }

    /** The row just written came from input line {@code line}. */
    void endRow(long line) throws SQLException {
        if (rowsInChunk == lines.length) {
            lines = Arrays.copyOf(lines, (int) Math.min(lines.length * 2L, chunkRows));
        }
        if (rowsInChunk == 0) {
            firstLineOfChunk = line;
        }
        lines[rowsInChunk++] = line;
        if (buffer.size() >= FLUSH_AT) {
            flush();
        }
        if (rowsInChunk == chunkRows) {
            endChunk();
        }
    }

    private void flush() throws SQLException {
        if (buffer.size() == 0) {
            return;
        }
        if (copyIn == null) {
            copyIn = copyManager.copyIn(sql);
        }
        copyIn.writeToCopy(buffer.array(), 0, buffer.size());
        buffer.clear();
    }

    private void endChunk() throws SQLException {
        flush();
        if (copyIn != null) {
            copyIn.endCopy();
            copyIn = null;
        }
        rows += rowsInChunk;
        rowsInChunk = 0;
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
        return rowsInChunk == 0 ? 0 : firstLineOfChunk;
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
