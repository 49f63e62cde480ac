package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.sink.ChangeSink;

import dev.pgbridge.cdc.sink.SinkFailure;
import dev.pgbridge.error.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The sink on a thread of its own, so the engine reads the stream or the next backfill chunk while the sink encodes
 * and writes what it was given. {@link #accept} reads the transaction's events on the calling (engine) thread —
 * that is where TOAST values are resolved — into memory and queues them for the sink thread; at most
 * {@code maxQueuedEvents} events and {@code maxQueuedBytes} of them ({@code ChangeEvent.heapBytes()}) wait, beyond
 * that the caller waits. A transaction too big to hold (spilled to disk, or more than half of either bound) is not
 * queued: the caller waits until the sink thread is idle and hands it over itself, streaming from its spill file.
 *
 * <p>The wrapped sink never sees two calls at once: {@link #flush()} and {@link #close()} wait for the queue to
 * empty and then call it on the calling thread. A failure of the sink thread is thrown by the next call and every
 * one after it until {@link #reset()}; no transaction queued after the failed one reaches the sink.
 */
final class SinkPipeline implements ChangeSink {
    private record Queued(Future<?> done, long events, long bytes) {
    }

    private final ChangeSink sink;
    private final long maxQueuedEvents;
    private final long maxQueuedBytes;
    private final ExecutorService thread;
    private final ArrayDeque<Queued> queued = new ArrayDeque<>();
    private long queuedEvents;
    private long queuedBytes;
    /** Set by the sink thread when an accept failed: until {@link #reset()}, the sink is not called again. */
    private volatile Throwable failure;

    /** With a queue of at most 64 MiB of events, or a fifth of a smaller heap (see EventBuffer.defaultMemoryBytes). */
    SinkPipeline(ChangeSink sink, long maxQueuedEvents, String name) {
        this(sink, maxQueuedEvents, Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 5), name);
    }

    SinkPipeline(ChangeSink sink, long maxQueuedEvents, long maxQueuedBytes, String name) {
        this.sink = requireNonNull(sink, "sink is null");
        if (maxQueuedEvents < 2 || maxQueuedBytes < 2) {
            throw new IllegalArgumentException("maxQueuedEvents and maxQueuedBytes must be at least 2");
        }
        this.maxQueuedEvents = maxQueuedEvents;
        this.maxQueuedBytes = maxQueuedBytes;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void accept(CommittedTransaction transaction) {
        completed();
        rethrowFailure();
        if (transaction.spilledCount() > 0 || transaction.eventCount() > maxQueuedEvents / 2
                || transaction.memoryBytes() > maxQueuedBytes / 2) {
            drain();
            sink.accept(transaction);
            return;
        }
        CommittedTransaction copy;
        try {
            copy = transaction.inMemory();
        }
        catch (java.io.IOException e) {
            // the engine's spill file, not the sink: the capture's classifier types it
            throw new java.io.UncheckedIOException("cannot read the events of " + transaction, e);
        }
        long events = copy.eventCount();
        long bytes = copy.memoryBytes();
        while (!queued.isEmpty() && (queuedEvents + events > maxQueuedEvents || queuedBytes + bytes > maxQueuedBytes)) {
            await(queued.removeFirst());
        }
        queued.addLast(new Queued(thread.submit(() -> {
            if (failure != null) {
                // nothing after a failed transaction may reach the sink: the PostgreSQL sink would record a later LSN
                // as applied and skip the failed one on replay
                throw new SinkFailure(ErrorCode.SINK_FAILED, "skipped after an earlier failure of the sink", null);
            }
            try {
                sink.accept(copy);
            }
            catch (RuntimeException | Error e) {
                failure = e;
                throw e;
            }
            return null;
        }), events, bytes));
        queuedEvents += events;
        queuedBytes += bytes;
    }

    @Override
    public Optional<String> schemaInDatabaseOf(Connection source) throws SQLException {
        return sink.schemaInDatabaseOf(source);
    }

    @Override
    public void flush() {
        drain();
        rethrowFailure();
        sink.flush();
    }

    @Override
    public void close() {
        try {
            drain();
        }
        finally {
            thread.shutdown();
            // the sink thread may still run a transaction (an interrupted drain): the sink is closed after it
            boolean interrupted = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!thread.isTerminated() && System.nanoTime() < deadline) {
                try {
                    thread.awaitTermination(1, TimeUnit.SECONDS);
                }
                catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            sink.close();
        }
    }

    /**
     * Before the engine streams again from its checkpoint (after a lost connection): what is queued is written — a
     * backfill chunk counts as read once it was handed over and is not read again, so dropping it would lose its rows;
     * the stream's transactions among it come again from the checkpoint (at-least-once) — and an earlier failure is
     * forgotten. A failure of the queued work is thrown.
     */
    void reset() {
        drain();
        queuedEvents = 0;
        failure = null;
    }

    /** A failure of the sink thread, thrown again by every call until {@link #reset()}. */
    private void rethrowFailure() {
        switch (failure) {
            case null -> {
            }
            case RuntimeException re -> throw re;
            case Error err -> throw err;
            default -> throw unexpected(failure);
        }
    }

    private static SinkFailure unexpected(Throwable cause) {
        return new SinkFailure(ErrorCode.SINK_FAILED, "the sink failed: " + cause, null, cause);
    }

    /**
     * After a crash (a test's kill): stops the sink thread without finishing its queue; the wrapped sink is left as
     * a killed process would leave it.
     */
    void abandon() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queued.clear();
        queuedEvents = 0;
        queuedBytes = 0;
    }

    /** Takes the finished transactions off the queue, throwing the first failure. */
    private void completed() {
        while (!queued.isEmpty() && queued.peekFirst().done().isDone()) {
            await(queued.removeFirst());
        }
    }

    private void drain() {
        while (!queued.isEmpty()) {
            await(queued.removeFirst());
        }
    }

    /** Waits until the sink thread is done with what it was running (cancelled work does not run). */
    private void idle() {
        try {
            thread.submit(() -> null).get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException e) {
            throw new IllegalStateException("a no-op failed on the sink thread", e);
        }
    }

    private void await(Queued q) {
        queuedEvents -= q.events();
        queuedBytes -= q.bytes();
        try {
            q.done().get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkFailure(ErrorCode.CANCELED, "interrupted while the sink was writing", null, e);
        }
        catch (ExecutionException e) {
            queued.forEach(later -> later.done().cancel(false));
            queued.clear();
            queuedEvents = 0;
            queuedBytes = 0;
            idle();
            switch (e.getCause()) {
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw unexpected(e.getCause());
            }
        }
    }
}
