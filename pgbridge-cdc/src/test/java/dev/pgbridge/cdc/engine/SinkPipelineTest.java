package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.event.CaptureSource;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.EventBuffer;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.Op;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.cdc.sink.ChangeSink;
import dev.pgbridge.cdc.sink.SinkFailure;
import dev.pgbridge.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class SinkPipelineTest {
    private static final CaptureSource SOURCE = new CaptureSource("cap", "db");
    @TempDir
    Path spill;

    /** Records what it was given, and on which thread; fails on the transaction with id {@code failOn}. */
    private static class Recording implements ChangeSink {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final long failOn;

        Recording(long failOn) {
            this.failOn = failOn;
        }

        @Override
        public void accept(CommittedTransaction tx) {
            if (tx.xid() == failOn) {
                throw new SinkFailure(ErrorCode.IO, "disk full at " + tx.xid(), null);
            }
            StringBuilder ids = new StringBuilder();
            for (Iterator<ChangeEvent> it = tx.events(); it.hasNext(); ) {
                ids.append(it.next().key().get("id").asInt()).append(' ');
            }
            calls.add("accept " + tx.xid() + " [" + ids.toString().trim() + "] on " + Thread.currentThread().getName());
        }

        @Override
        public void flush() {
            calls.add("flush on " + Thread.currentThread().getName());
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    /** A recording sink whose thread waits at every transaction until {@link #open()}: the caller queues meanwhile. */
    private static class Gated extends Recording {
        private final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);

        Gated() {
            super(-1);
        }

        void open() {
            gate.countDown();
        }

        @Override
        public void accept(CommittedTransaction tx) {
            try {
                gate.await();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.accept(tx);
        }
    }

    private CommittedTransaction tx(long xid, int events) throws IOException {
        EventBuffer buffer = new EventBuffer(SOURCE, spill, 1000);
        for (int i = 0; i < events; i++) {
            var key = EventJson.MAPPER.createObjectNode().put("id", i);
            buffer.add(0, ChangeEvent.pending(SOURCE, new TableId("public", "t"), Op.CREATE, key, null, key, xid,
                    Lsn.of(xid * 100 + i), Set.of()));
        }
        return new CommittedTransaction(xid, Lsn.of(xid * 100 + 50), Lsn.of(xid * 100 + 60), Instant.EPOCH, buffer);
    }

    @Test
    void transactionsGoToTheSinkThreadInOrderAndFlushWaitsForThem() throws IOException {
        Recording sink = new Recording(-1);
        SinkPipeline pipeline = new SinkPipeline(sink, 10, "sink-thread");
        String caller = Thread.currentThread().getName();
        for (long xid = 1; xid <= 4; xid++) {
            try (CommittedTransaction tx = tx(xid, 2)) {
                // a step run while the pipeline reads the events (TOAST resolution) runs on the caller's thread
                pipeline.accept(tx.map(e -> {
                    assertThat(Thread.currentThread().getName()).isEqualTo(caller);
                    return e.key().get("id").asInt() == 1 && e.txId() == 2 ? null : e;
                }));
            }
        }
        pipeline.flush();
        assertThat(sink.calls).containsExactly("accept 1 [0 1] on sink-thread", "accept 2 [0] on sink-thread",
                "accept 3 [0 1] on sink-thread", "accept 4 [0 1] on sink-thread", "flush on " + caller);
        // bigger than half the queue: handed over on the caller's thread once the sink thread is idle
        try (CommittedTransaction big = tx(5, 6)) {
            pipeline.accept(big);
        }
        assertThat(sink.calls.getLast()).isEqualTo("accept 5 [0 1 2 3 4 5] on " + caller);
        pipeline.close();
        assertThat(sink.calls.getLast()).isEqualTo("close");
    }

    /** A transaction of {@code events} rows of {@code width} characters each. */
    private CommittedTransaction wide(long xid, int events, int width) throws IOException {
        EventBuffer buffer = new EventBuffer(SOURCE, spill, 1000);
        for (int i = 0; i < events; i++) {
            var key = EventJson.MAPPER.createObjectNode().put("id", i);
            var after = key.deepCopy().put("doc", "x".repeat(width));
            buffer.add(0, ChangeEvent.pending(SOURCE, new TableId("public", "t"), Op.CREATE, key, null, after, xid,
                    Lsn.of(xid * 100 + i), Set.of()));
        }
        return new CommittedTransaction(xid, Lsn.of(xid * 100 + 50), Lsn.of(xid * 100 + 60), Instant.EPOCH, buffer);
    }

    // the queue was bounded in events only: 20,000 queued rows of a megabyte each filled any heap
    @Test
    void theQueueIsBoundedInBytesAsWellAsInEvents() throws Exception {
        Gated sink = new Gated(); // the sink thread is busy: what the caller queues waits
        // room for 1,000 events but only about three rows of 100,000 characters (each about 200 KB on the heap)
        SinkPipeline pipeline = new SinkPipeline(sink, 1000, 700_000, "sink-thread");
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        Thread caller = Thread.ofPlatform().start(() -> {
            for (long xid = 1; xid <= 5; xid++) {
                try (CommittedTransaction tx = wide(xid, 1, 100_000)) {
                    pipeline.accept(tx);
                    accepted.incrementAndGet();
                }
                catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        caller.join(500);
        // three queued (about 600 KB), the fourth waits for room although the event count allows it
        assertThat(accepted.get()).isEqualTo(3);
        assertThat(caller.isAlive()).isTrue();
        sink.open();
        caller.join(10_000);
        assertThat(accepted.get()).isEqualTo(5);
        pipeline.flush();
        assertThat(sink.calls).hasSize(6).first().isEqualTo("accept 1 [0] on sink-thread");
        // a transaction over half the bytes is not queued: handed over on the caller's thread, as a big one in events
        String me = Thread.currentThread().getName();
        try (CommittedTransaction big = wide(6, 2, 100_000)) {
            pipeline.accept(big);
        }
        assertThat(sink.calls.getLast()).isEqualTo("accept 6 [0 1] on " + me);
        pipeline.close();
    }

    @Test
    void aFailureOfTheSinkThreadIsThrownByTheNextCallAndNothingAfterItIsWritten() throws IOException {
        Recording sink = new Recording(2);
        SinkPipeline pipeline = new SinkPipeline(sink, 100, "sink-thread");
        // thrown by whichever call comes after the failure: the third accept or the flush
        assertThatThrownBy(() -> {
            for (long xid = 1; xid <= 3; xid++) {
                try (CommittedTransaction tx = tx(xid, 1)) {
                    pipeline.accept(tx);
                }
            }
            pipeline.flush();
        }).isInstanceOf(SinkFailure.class).hasMessage("disk full at 2");
        assertThat(sink.calls).containsExactly("accept 1 [0] on sink-thread");
        // every later call says it too, until the engine streams again from its checkpoint
        assertThatThrownBy(pipeline::flush).hasMessage("disk full at 2");
        pipeline.reset();
        try (CommittedTransaction tx = tx(4, 1)) {
            pipeline.accept(tx);
        }
        pipeline.flush();
        assertThat(sink.calls).containsExactly("accept 1 [0] on sink-thread", "accept 4 [0] on sink-thread",
                "flush on " + Thread.currentThread().getName());
        pipeline.close();
    }

    // regression: a reset after a lost connection dropped queued backfill chunks, whose rows were then never read again
    @Test
    void aResetWritesWhatIsQueuedInsteadOfDroppingIt() throws IOException {
        Gated sink = new Gated(); // the sink thread is busy while more is queued
        SinkPipeline pipeline = new SinkPipeline(sink, 100, "sink-thread");
        for (long xid = 1; xid <= 3; xid++) {
            try (CommittedTransaction tx = tx(xid, 1)) {
                pipeline.accept(tx);
            }
        }
        Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sink.open();
        });
        pipeline.reset();
        assertThat(sink.calls).containsExactly("accept 1 [0] on sink-thread", "accept 2 [0] on sink-thread",
                "accept 3 [0] on sink-thread");
        pipeline.close();
    }
}
