package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.event.CommittedTransaction;

import java.io.IOException;

/**
 * Where committed transactions go. The engine calls {@link #accept} once per committed transaction, in commit
 * order, then {@link #flush()} before it records a checkpoint and confirms the LSN to PostgreSQL: everything
 * accepted before a flush that returned must survive a crash (kill -9, power loss). A sink may buffer between
 * flushes. Delivery is at-least-once: after a crash the transactions after the last checkpoint are accepted again.
 * Calls never overlap (they may come from different threads, one after the other).
 */
public interface ChangeSink extends AutoCloseable {
    /** Takes a committed transaction's events (read them once from {@link CommittedTransaction#events()}). */
    void accept(CommittedTransaction transaction) throws IOException;

    /** Returns when everything accepted so far is durable. */
    void flush() throws IOException;

    /** Flushes and releases resources. */
    @Override
    void close() throws IOException;
}
