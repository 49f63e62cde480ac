package dev.pgbridge.copy;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stitches the outputs of several ranges written at the same time into one stream, in range order, with bounded
 * memory: the first unfinished range writes straight through to the output; every later one writes to a temporary
 * file of its own until all ranges before it are finished, then its file is appended to the output and it writes
 * straight through from then on.
 */
final class OrderedRanges implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final OutputStream out;
    private final Path spillDirectory;
    private final Range[] ranges;
    private final boolean[] done;
    /** The range that writes straight through now (ranges.length when all are done). */
    private int current;

    OrderedRanges(OutputStream out, int count, Path spillDirectory) {
        this.out = out;
        this.spillDirectory = spillDirectory;
        this.ranges = new Range[count];
        this.done = new boolean[count];
        for (int i = 0; i < count; i++) {
            ranges[i] = new Range(i == 0);
        }
    }

    OutputStream range(int index) {
        return ranges[index];
    }

    /** Range {@code index} has written everything; the ranges after it may now move up. */
    synchronized void finished(int index) {
        done[index] = true;
        while (current < ranges.length && done[current]) {
            current++;
            if (current < ranges.length) {
                ranges[current].goDirect();
            }
        }
    }

    /** Every range has finished: flush the output. */
    void finish() {
        synchronized (this) {
            if (current != ranges.length) {
                throw new IllegalStateException("range " + current + " did not finish");
            }
        }
        try {
            out.flush();
        }
        catch (IOException e) {
            throw writeFailure(e);
        }
    }

    /** Deletes every temporary file left (after a failure). */
    @Override
    public void close() {
        for (Range r : ranges) {
            r.discard();
        }
    }

    private static PgBridgeException writeFailure(IOException e) {
        return new PgBridgeException(ErrorCode.IO, "cannot write the export: " + e.getMessage(),
                "check the output and the free space of the temporary directory", e);
    }

    /** One range's output: straight through, or a temporary file until its turn. */
    private final class Range extends OutputStream {
        private boolean direct;
        private Path file;
        private OutputStream spill;

        Range(boolean direct) {
            this.direct = direct;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            target().write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            target().write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            if (direct) {
                out.flush();
            }
        }

        @Override
        public void close() {
            // the output belongs to OrderedRanges
        }

        private OutputStream target() throws IOException {
            if (direct) {
                return out;
            }
            if (spill == null) {
                file = Files.createTempFile(spillDirectory, ".pgbridge-range-", ".tmp");
                spill = new BufferedOutputStream(Files.newOutputStream(file), BUFFER);
            }
            return spill;
        }

        /** All ranges before this one are written: append what this one spilled, then write through. */
        synchronized void goDirect() {
            try {
                if (spill != null) {
                    spill.close();
                    spill = null;
                    try (InputStream in = Files.newInputStream(file)) {
                        in.transferTo(out);
                    }
                    Files.delete(file);
                    file = null;
                }
                direct = true;
            }
            catch (IOException e) {
                throw writeFailure(e);
            }
        }

        synchronized void discard() {
            try {
                if (spill != null) {
                    spill.close();
                    spill = null;
                }
                if (file != null) {
                    Files.deleteIfExists(file);
                    file = null;
                }
            }
            catch (IOException e) {
                // a temporary file left behind says by its name what it is
            }
        }
    }
}
