package dev.pgbridge.cdc.event;

import dev.pgbridge.cdc.pgoutput.PgOutputMessage;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Begin;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Commit;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Delete;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Insert;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Message;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Origin;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Relation;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamAbort;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamCommit;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamStart;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamStop;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Truncate;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Type;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Update;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.pgtype.TypeResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Groups decoded messages into committed transactions. A transaction's events are handed out only after its
 * Commit (or Stream Commit); an aborted one never is. Memory stays bounded: an ordinary transaction keeps up to
 * {@code memoryLimit} events on the heap and spills the rest to a temp file; a transaction that protocol 2 streams
 * while in progress is spooled to disk per transaction id from its first chunk to its Stream Commit, and dropped on
 * Stream Abort (only the aborted subtransaction's events when a subtransaction rolled back).
 *
 * <p>Transactions that end at or before {@code skipThrough} (a checkpoint) are dropped: they reached a sink before
 * a restart.
 */
public final class TransactionAssembler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionAssembler.class);

    private final CaptureSource source;
    private final RelationCache relations;
    private final TypeResolver types;
    private final ChangeEventFactory factory;
    private final Path spillDirectory;
    private final int memoryLimit;
    private Lsn skipThrough = Lsn.INVALID;

    private Begin current;
    private EventBuffer currentBuffer;
    private boolean skipCurrent;
    private final Map<Long, EventBuffer> streams = new HashMap<>();
    private long streamXid = -1;

    public TransactionAssembler(CaptureSource source, RelationCache relations, TypeResolver types, Path spillDirectory,
                                int memoryLimit) {
        this.source = requireNonNull(source, "source is null");
        this.relations = requireNonNull(relations, "relations is null");
        this.types = requireNonNull(types, "types is null");
        this.factory = new ChangeEventFactory(source, relations);
        this.spillDirectory = requireNonNull(spillDirectory, "spillDirectory is null");
        this.memoryLimit = memoryLimit;
    }

    /** Transactions whose commit ends at or before this LSN are dropped. */
    public void skipThrough(Lsn lsn) {
        this.skipThrough = requireNonNull(lsn, "lsn is null");
    }

    /** True when no transaction is open and no streamed transaction is pending: a keepalive LSN may be confirmed. */
    public boolean idle() {
        return current == null && streams.isEmpty();
    }

    /**
     * Takes one message, received at WAL position {@code walLsn}; returns the transaction it completed, or null.
     * The caller owns the returned transaction and must close it.
     */
    public CommittedTransaction accept(PgOutputMessage message, Lsn walLsn) throws IOException {
        switch (message) {
            case Begin b -> {
                if (current != null) {
                    throw new IllegalStateException("Begin of " + b.xid() + " inside transaction " + current.xid());
                }
                current = b;
                // a transaction whose commit record starts before the checkpoint (an end LSN) ended at or before it
                skipCurrent = b.finalLsn().isBefore(skipThrough);
                currentBuffer = skipCurrent ? null : new EventBuffer(source, spillDirectory, memoryLimit);
            }
            case Commit c -> {
                if (current == null) {
                    throw new IllegalStateException("Commit at " + c.commitLsn() + " without Begin");
                }
                Begin begin = current;
                EventBuffer buffer = currentBuffer;
                current = null;
                currentBuffer = null;
                if (skipCurrent) {
                    LOG.debug("skipping transaction {} (ends at {}, checkpoint {})", begin.xid(), c.endLsn(), skipThrough);
                    return new CommittedTransaction(begin.xid(), c.commitLsn(), c.endLsn(), c.commitTime(), null);
                }
                return new CommittedTransaction(begin.xid(), c.commitLsn(), c.endLsn(), c.commitTime(), buffer);
            }
            case Origin o -> {
                // replicated from another node: captured like any other change
            }
            case Relation r -> relations.apply(r);
            case Type t -> types.forget(t.typeOid());
            case Insert i -> add(i.xid(), factory.insert(i, xid(i.xid()), walLsn));
            case Update u -> add(u.xid(), factory.update(u, xid(u.xid()), walLsn));
            case Delete d -> add(d.xid(), factory.delete(d, xid(d.xid()), walLsn));
            case Truncate t -> add(t.xid(), factory.truncate(t, xid(t.xid()), walLsn));
            case Message m -> {
                // logical decoding messages (heartbeats among them) are not row changes
            }
            case StreamStart s -> {
                streamXid = s.xid();
                streams.computeIfAbsent(s.xid(), x -> new EventBuffer(source, spillDirectory, 0));
            }
            case StreamStop s -> streamXid = -1;
            case StreamCommit c -> {
                EventBuffer buffer = streams.remove(c.xid());
                if (!c.endLsn().isAfter(skipThrough)) {
                    if (buffer != null) {
                        buffer.close();
                    }
                    return new CommittedTransaction(c.xid(), c.commitLsn(), c.endLsn(), c.commitTime(), null);
                }
                return new CommittedTransaction(c.xid(), c.commitLsn(), c.endLsn(), c.commitTime(), buffer);
            }
            case StreamAbort a -> {
                EventBuffer buffer = streams.get(a.xid());
                if (buffer != null) {
                    if (a.wholeTransaction()) {
                        streams.remove(a.xid()).close();
                    }
                    else {
                        buffer.abortSubtransaction(a.subXid());
                    }
                }
            }
        }
        return null;
    }

    /** The top-level transaction id of a change: the open stream's, else the open transaction's. */
    private long xid(long messageXid) {
        if (streamXid >= 0) {
            return streamXid;
        }
        if (current == null) {
            throw new IllegalStateException("row change outside a transaction (xid " + messageXid + ")");
        }
        return current.xid();
    }

    private void add(long messageXid, List<ChangeEvent> events) throws IOException {
        if (streamXid >= 0) {
            EventBuffer buffer = streams.get(streamXid);
            for (ChangeEvent e : events) {
                buffer.add(messageXid, e);
            }
            return;
        }
        if (skipCurrent) {
            return;
        }
        for (ChangeEvent e : events) {
            currentBuffer.add(current.xid(), e);
        }
    }

    /** Drops everything not yet committed (after a lost connection the server sends it again). */
    public void reset() throws IOException {
        if (currentBuffer != null) {
            currentBuffer.close();
        }
        current = null;
        currentBuffer = null;
        skipCurrent = false;
        for (EventBuffer b : streams.values()) {
            b.close();
        }
        streams.clear();
        streamXid = -1;
    }

    @Override
    public void close() throws IOException {
        reset();
    }
}
