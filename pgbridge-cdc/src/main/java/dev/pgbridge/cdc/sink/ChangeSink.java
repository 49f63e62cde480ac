package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.event.CommittedTransaction;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Where committed transactions go. The engine calls {@link #accept} once per committed transaction, in commit
 * order, then {@link #flush()} before it records a checkpoint and confirms the LSN to PostgreSQL: everything
 * accepted before a flush that returned must survive a crash (kill -9, power loss). A sink may buffer between
 * flushes. Delivery is at-least-once: after a crash the transactions after the last checkpoint are accepted again.
 * Calls never overlap (they may come from different threads, one after the other).
 *
 * <p>A sink may skip a transaction it already has (an LSN it applied before a crash) without reading its events.
 * Reading them is what lets the backfill look at each event (the events are produced lazily), and that is not needed
 * here: what the backfill keeps in memory (chunks in flight, the row it holds back) was read after a watermark this
 * process wrote, so a transaction a sink had applied before the process started is older than it, and one replayed
 * after a lost connection was read once already when it first came; nothing the backfill keeps is restored from a
 * checkpoint (chunks in flight and the held row are read again after a restart).
 *
 * <p>A sink fails with a {@link SinkFailure}: the code and hint of the cause (a privilege the target lacks, a full
 * disk, a broker that refuses this client), never a bare {@code IOException}. After a failure it may refuse every
 * further call; the capture stops and resumes from its checkpoint when started again.
 */
public interface ChangeSink extends AutoCloseable {
    /** Takes a committed transaction's events (read them once from {@link CommittedTransaction#events()}). */
    void accept(CommittedTransaction transaction);

    /** Returns when everything accepted so far is durable. */
    void flush();

    /**
     * The schema this sink writes into when that lies inside the database {@code source} is connected to: a capture
     * whose publication includes it would capture the sink's own writes again. Empty for every other sink.
     */
    default Optional<String> schemaInDatabaseOf(Connection source) throws SQLException {
        return Optional.empty();
    }

    /** Flushes and releases resources. */
    @Override
    void close();
}
