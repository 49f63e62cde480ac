package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.EventEncoder;

import dev.pgbridge.error.ErrorCode;
import java.io.PrintStream;
import java.util.Iterator;

import static java.util.Objects.requireNonNull;

/**
 * One JSON line {@code {"key": …, "value": …}} per event on a stream (standard output). "Durable" means handed to
 * the stream and flushed: what reads the pipe owns it from there.
 *
 * <p>Lines are gathered in a buffer of its own and handed to the stream in blocks of up to {@link #BLOCK} bytes,
 * and at the end of every transaction: a reader of the pipe sees each transaction as soon as it was accepted, without
 * waiting for a checkpoint, while a big transaction costs one write per block instead of one per event
 * ({@code System.out} flushes on every write).
 */
public final class StdoutSink implements ChangeSink {
    /** The size of one write to the stream (a pipe's default capacity on Linux is 64 KiB). */
    static final int BLOCK = 64 * 1024;

    private final PrintStream out;
    private final EventEncoder encoder = new EventEncoder();
    private final byte[] block = new byte[BLOCK];
    private int used;

    public StdoutSink(PrintStream out) {
        this.out = requireNonNull(out, "out is null");
    }

    @Override
    public void accept(CommittedTransaction transaction) {
        for (Iterator<ChangeEvent> it = transaction.events(); it.hasNext(); ) {
            encoder.line(it.next());
            int length = encoder.length();
            if (length > BLOCK - used) {
                writeBlock();
            }
            if (length > BLOCK) {
                out.write(encoder.array(), 0, length);
            }
            else {
                System.arraycopy(encoder.array(), 0, block, used, length);
                used += length;
            }
        }
        // the transaction's end: its last lines go out now, not at the next checkpoint
        writeBlock();
    }

    private void writeBlock() {
        if (used > 0) {
            out.write(block, 0, used);
            used = 0;
        }
    }

    @Override
    public void flush() {
        writeBlock();
        out.flush();
        if (out.checkError()) {
            throw new SinkFailure(ErrorCode.IO, "stdout sink: standard output is closed or failed (the program "
                    + "reading it may have ended)", "keep the reading end of the pipe open while the capture runs; "
                    + "the capture resumes from its checkpoint when started again");
        }
    }

    @Override
    public void close() {
        flush();
    }
}
