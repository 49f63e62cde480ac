package dev.pgbridge.transfer;

import org.postgresql.copy.CopyOut;

import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded buffer between the two sides of a transfer: a reader thread takes COPY rows from the source, packs them
 * into blocks of {@value #BLOCK} bytes and puts them in a queue of {@value #DEPTH} blocks; the writer takes them out
 * and hands them to the target's COPY. At most DEPTH + 2 blocks exist at once (about 4 MB), whatever the row count:
 * a fast source waits for a slow target and the other way round.
 *
 * <p>Failures travel in the queue; {@link #stop()} makes the reader cancel its COPY and exit (it checks between rows
 * and while waiting for room).
 */
final class CopyPipe {
    static final int BLOCK = 256 * 1024;
    static final int DEPTH = 14;

    /** A block of COPY data, the end of the data, or the reader's failure. */
    record Piece(byte[] bytes, int length, Throwable failure) {
        static final Piece END = new Piece(null, 0, null);

        boolean end() {
            return bytes == null && failure == null;
        }
    }

    private final BlockingQueue<Piece> queue = new ArrayBlockingQueue<>(DEPTH);
    private volatile boolean stopped;

    /** Reader side: copies every row of {@code out} into the queue, then the end (or the failure). */
    void pump(CopyOut out) {
        pump(out, 0, 0);
    }

    /**
     * As {@link #pump(CopyOut)}, leaving out the first {@code skipHead} and the last {@code dropTail} bytes of the
     * stream: several readers of binary COPY share one queue, and the writer sends one header and one trailer.
     */
    void pump(CopyOut out, int skipHead, int dropTail) {
        try {
            int skip = skipHead;
            byte[] block = new byte[BLOCK];
            int length = 0;
            byte[] row;
            while ((row = out.readFromCopy()) != null) {
                if (stopped) {
                    out.cancelCopy();
                    return;
                }
                int off = Math.min(skip, row.length);
                skip -= off;
                if (row.length - off > block.length - length) {
                    if (length > 0 && !put(new Piece(block, length, null))) {
                        out.cancelCopy();
                        return;
                    }
                    block = new byte[Math.max(BLOCK, row.length)];
                    length = 0;
                }
                System.arraycopy(row, off, block, length, row.length - off);
                length += row.length - off;
            }
            if (dropTail > length) {
                throw new IllegalStateException("the COPY stream ended with " + length + " bytes in its last block, "
                        + "expected its " + dropTail + "-byte trailer");
            }
            length -= dropTail;
            if (length == 0 || put(new Piece(block, length, null))) {
                put(Piece.END);
            }
        }
        catch (SQLException | RuntimeException e) {
            put(new Piece(null, 0, e));
        }
        catch (Error e) {
            put(new Piece(null, 0, e));
            throw e;
        }
    }

    /** Waits for room; false when the pipe was stopped meanwhile. */
    private boolean put(Piece piece) {
        try {
            while (!stopped) {
                if (queue.offer(piece, 50, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
            return false;
        }
    }

    /** Writer side: the next piece, waiting as long as the source takes to send it. */
    Piece take() throws InterruptedException {
        return queue.take();
    }

    /** Tells the reader to cancel and exit, and frees room so it is not left waiting. */
    void stop() {
        stopped = true;
        queue.clear();
    }
}
