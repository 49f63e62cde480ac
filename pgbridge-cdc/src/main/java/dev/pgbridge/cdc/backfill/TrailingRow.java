package dev.pgbridge.cdc.backfill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.event.RowText;
import dev.pgbridge.cdc.event.CanonicalKey;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.Op;
import dev.pgbridge.cdc.event.TableId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The newest backfill row of a table with a key, held back until it is known whether another backfill row follows
 * it. Debezium marks the final record of a snapshot {@code source.snapshot: "last"} (every other one {@code "true"});
 * whether a row is that final one is often known only later: when its chunk was exactly full (the next, empty read
 * says so), when every surviving row of the chunk after it was evicted, or when the tables after it turn out empty.
 * So the row waits here: it goes out as {@code "true"} in front of the next backfill rows, or as {@code "last"} once
 * nothing is left to read — on a watermark's transaction, written to make sure one comes through the stream.
 *
 * <p>While it waits, a log event for its key evicts it exactly as it would evict a row of a chunk in flight (the
 * event carries the newer image; a key is unique in its table). It is never saved: while it waits, the checkpoint
 * keeps its table's progress at the key read just before it ({@link #saved}), so after a restart the row is read
 * again, fresh, in a chunk between new watermarks (a saved copy could be older than a change the sink already has,
 * and a replayed transaction a sink skips unread would not evict it). A table without a key never leaves a row here:
 * such a row cannot be told apart from its duplicates, so it could not be evicted safely.
 */
final class TrailingRow {
    private static final Logger LOG = LoggerFactory.getLogger(TrailingRow.class);

    /** A backfill row: its table, event key (null for a table whose key columns are not published) and image. */
    record Row(TableId table, ObjectNode key, RowText after) {
        Row {
            requireNonNull(table, "table is null");
            requireNonNull(after, "after is null");
        }
    }

    private Row row;
    private String canonicalKey;
    /** The key after which the held row's table must be read again to find it (null: from its first row). */
    private java.util.List<String> readAfter;
    /** How many of the rows its table counts as read are from the held row on (they are read again). */
    private long rowsFrom;
    /** The watermark written to bring a stream transaction on which the row goes out; null when none is pending. */
    private String releaseId;
    private boolean releaseSeen;

    boolean held() {
        return row != null;
    }

    /** The row held, or null. */
    Row row() {
        return row;
    }

    boolean holds(TableId table) {
        return row != null && row.table().equals(table);
    }

    /**
     * Holds {@code next}; the caller has sent out the row held before, if any ({@link #take}). {@code readAfter}
     * is the key a chunk reads after to find the row again (the key read just before it; null: the table's first
     * row), {@code rowsFrom} how many rows its table has counted from it on.
     */
    void hold(Row next, java.util.List<String> readAfter, long rowsFrom) {
        if (row != null) {
            throw new IllegalStateException("a backfill row of " + row.table() + " is still held");
        }
        requireNonNull(next.key(), "a row without a key cannot be held (it could not be evicted)");
        row = next;
        canonicalKey = CanonicalKey.of(next.key());
        this.readAfter = readAfter == null ? null : java.util.List.copyOf(readAfter);
        this.rowsFrom = rowsFrom;
    }

    /**
     * {@code now} as a checkpoint may keep it: for the held row's table, its progress stops at the last row out
     * (running, read on after {@code readAfter}), so a restart reads the held row again instead of trusting a copy;
     * every other table as it is.
     */
    BackfillProgress saved(BackfillProgress now) {
        if (!holds(now.table())) {
            return now;
        }
        return new BackfillProgress(now.table(), now.mode(), BackfillProgress.State.RUNNING,
                Math.max(0, now.rows() - rowsFrom), now.chunks(), readAfter, now.startedAt(), null,
                now.consistentPoint());
    }

    /** The row held (null when none), now to go out; forgets it and any release pending for it. */
    Row take() {
        Row out = row;
        row = null;
        canonicalKey = null;
        readAfter = null;
        rowsFrom = 0;
        forgetRelease();
        return out;
    }

    /** A log event on its way to the sink: when it is of the held row's key (or truncates its table), the row goes. */
    void observe(ChangeEvent e) {
        if (row == null || !e.table().equals(row.table())) {
            return;
        }
        if (e.op() == Op.TRUNCATE || e.key() != null && canonicalKey.equals(CanonicalKey.of(e.key()))) {
            LOG.debug("backfill of {}: its newest row {} was superseded by a log event ({}) while held", row.table(),
                    canonicalKey, e.op());
            take();
        }
    }

    boolean releasePending() {
        return releaseId != null;
    }

    void releaseWrittenAs(String id) {
        releaseId = requireNonNull(id, "id is null");
        releaseSeen = false;
    }

    void watermarkSeen(String id) {
        if (releaseId != null && releaseId.equals(id)) {
            releaseSeen = true;
        }
    }

    /** True when the release watermark came through: the row goes out after this transaction. */
    boolean releaseDue() {
        return row != null && releaseSeen;
    }

    /** After a lost connection: a release watermark written may not come through again; one is written anew. */
    void forgetRelease() {
        releaseId = null;
        releaseSeen = false;
    }
}
