package dev.pgbridge.cdc.event;

import dev.pgbridge.pgtype.Lsn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * A transaction that committed: its id, its commit LSN and the end of its commit record ({@link #endLsn()}, the
 * position a checkpoint stores and PostgreSQL is told), its commit time, and its events in commit order. The events
 * may live in a spill file: {@link #events()} reads them once, {@link #close()} deletes the file.
 *
 * <p>A step added with {@link #map} may drop an event by returning null (the backfill drops watermark rows that
 * way); later steps do not see it and {@link #events()} skips it.
 */
public final class CommittedTransaction implements AutoCloseable {
    private final long xid;
    private final Lsn commitLsn;
    private final Lsn endLsn;
    private final Instant commitTime;
    private final EventBuffer buffer;
    private final UnaryOperator<ChangeEvent> mapper;
    private final boolean stamped;

    public CommittedTransaction(long xid, Lsn commitLsn, Lsn endLsn, Instant commitTime, EventBuffer buffer) {
        this(xid, commitLsn, endLsn, commitTime, buffer, UnaryOperator.identity(), false);
    }

    private CommittedTransaction(long xid, Lsn commitLsn, Lsn endLsn, Instant commitTime, EventBuffer buffer,
                                 UnaryOperator<ChangeEvent> mapper, boolean stamped) {
        this.xid = xid;
        this.commitLsn = requireNonNull(commitLsn, "commitLsn is null");
        this.endLsn = requireNonNull(endLsn, "endLsn is null");
        this.commitTime = requireNonNull(commitTime, "commitTime is null");
        this.buffer = buffer;
        this.mapper = mapper;
        this.stamped = stamped;
    }

    /**
     * Events that already carry their own commit (LSN and time) and keep it: backfill rows, and log events that were
     * held back while a backfill ran and come out together later. {@code endLsn} is the position the group stands
     * for (it is not a checkpoint position of its own: the engine checkpoints only the stream's commits).
     */
    public static CommittedTransaction ofStamped(long xid, Lsn endLsn, Instant commitTime, EventBuffer buffer) {
        return new CommittedTransaction(xid, endLsn, endLsn, commitTime, buffer, UnaryOperator.identity(), true);
    }

    /**
     * The same transaction whose events pass through {@code step} when read (e.g. TOAST resolution); a step that
     * returns null drops the event.
     */
    public CommittedTransaction map(UnaryOperator<ChangeEvent> step) {
        return new CommittedTransaction(xid, commitLsn, endLsn, commitTime, buffer, e -> {
            ChangeEvent mapped = mapper.apply(e);
            return mapped == null ? null : step.apply(mapped);
        }, stamped);
    }

    /**
     * Reads the events once, through the steps added with {@link #map} and stamped with this commit, into a copy held
     * in memory that outlives {@link #close()}: the same transaction for a sink on another thread. Meant for
     * transactions that were not spilled.
     */
    public CommittedTransaction inMemory() throws IOException {
        if (buffer == null) {
            return this;
        }
        EventBuffer copy = buffer.emptyCopy((int) Math.min(buffer.count(), 1 << 16));
        for (Iterator<ChangeEvent> it = events(); it.hasNext(); ) {
            copy.add(0, it.next());
        }
        return new CommittedTransaction(xid, commitLsn, endLsn, commitTime, copy, UnaryOperator.identity(), true);
    }

    public long xid() {
        return xid;
    }

    public Lsn commitLsn() {
        return commitLsn;
    }

    public Lsn endLsn() {
        return endLsn;
    }

    public Instant commitTime() {
        return commitTime;
    }

    /** Events received for this transaction (including any of aborted subtransactions and any a step drops). */
    public long eventCount() {
        return buffer == null ? 0 : buffer.count();
    }

    /** About the heap its events held in memory take ({@link EventBuffer#memoryBytes()}). */
    public long memoryBytes() {
        return buffer == null ? 0 : buffer.memoryBytes();
    }

    /** Events written to disk while the transaction was assembled. */
    public long spilledCount() {
        return buffer == null ? 0 : buffer.spilled();
    }

    /** The events in commit order, each stamped with this commit; iterate once. */
    public Iterator<ChangeEvent> events() {
        if (buffer == null) {
            return java.util.Collections.emptyIterator();
        }
        Iterator<ChangeEvent> raw;
        try {
            raw = buffer.iterator();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read the events of transaction " + xid, e);
        }
        long now = System.currentTimeMillis();
        return new Iterator<>() {
            private ChangeEvent next;

            @Override
            public boolean hasNext() {
                while (next == null && raw.hasNext()) {
                    ChangeEvent e = raw.next();
                    next = mapper.apply(stamped ? e : e.withCommit(endLsn, commitTime, now));
                }
                return next != null;
            }

            @Override
            public ChangeEvent next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                ChangeEvent e = next;
                next = null;
                return e;
            }
        };
    }

    @Override
    public void close() throws IOException {
        if (buffer != null) {
            buffer.close();
        }
    }

    @Override
    public String toString() {
        return "CommittedTransaction[xid=" + xid + ", endLsn=" + endLsn + ", events=" + eventCount() + "]";
    }
}
