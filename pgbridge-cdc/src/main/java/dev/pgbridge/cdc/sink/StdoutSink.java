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
 */
public final class StdoutSink implements ChangeSink {
    private final PrintStream out;
    private final EventEncoder encoder = new EventEncoder();

    public StdoutSink(PrintStream out) {
        this.out = requireNonNull(out, "out is null");
    }

    @Override
    public void accept(CommittedTransaction transaction) {
        for (Iterator<ChangeEvent> it = transaction.events(); it.hasNext(); ) {
            encoder.line(it.next());
            out.write(encoder.array(), 0, encoder.length());
        }
    }

    @Override
    public void flush() {
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
