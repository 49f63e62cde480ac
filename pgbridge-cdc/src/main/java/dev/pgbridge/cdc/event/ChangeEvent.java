package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.pgtype.Lsn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * One row change in the Debezium-compatible envelope. {@link #key()} holds the primary-key columns (or the replica
 * identity columns of a table without a primary key; null for a truncate), {@link #value()} is
 * <pre>{before, after, source:{connector:"postgresql", name, db, schema, table, txId, lsn, commit_lsn, ts_ms,
 *  snapshot}, op, ts_ms}</pre>
 * — the payload only, no Kafka Connect schema wrapper. {@code lsn} is the WAL position of this change and
 * {@code commit_lsn} the end of its transaction's commit record (what a checkpoint stores), both as numbers like
 * Debezium's; {@code source.ts_ms} is the commit time, the outer {@code ts_ms} the time pgbridge handled it.
 *
 * <p>{@link #unchangedToast()} names columns whose value the server did not send; such an event is an
 * intermediate state and never reaches a sink (the {@code ToastResolver} fills them first).
 *
 * <p>A backfill row is an {@link Op#READ} event, its after image carried as the text it was read as
 * ({@link #afterText()}; {@link #after()} then makes the tree on demand); its {@code source.snapshot} is
 * {@code "true"}, or {@code "last"} for the very last record of the whole backfill ({@link #lastSnapshotChunk()}, as
 * Debezium marks the end of its snapshot; see {@code dev.pgbridge.cdc.backfill.TrailingRow}); every log event has
 * {@code "false"}.
 */
public record ChangeEvent(CaptureSource source, TableId table, Op op, ObjectNode key, ObjectNode before,
                          ObjectNode after, long txId, Lsn lsn, Lsn commitLsn, Instant commitTime, long handledAtMs,
                          Set<String> unchangedToast, boolean lastSnapshotChunk, RowText afterText) {
    public ChangeEvent {
        requireNonNull(source, "source is null");
        if (after != null && afterText != null) {
            throw new IllegalArgumentException("an event carries its after image as a tree or as text, not both");
        }
        requireNonNull(table, "table is null");
        requireNonNull(op, "op is null");
        requireNonNull(lsn, "lsn is null");
        requireNonNull(commitLsn, "commitLsn is null");
        unchangedToast = unchangedToast.isEmpty() ? Set.of() : Set.copyOf(unchangedToast); // no copy per event
        if (lastSnapshotChunk && op != Op.READ) {
            throw new IllegalArgumentException("only a backfill (READ) event belongs to a snapshot chunk");
        }
    }

    /** An event whose after image is a tree (or none). */
    public ChangeEvent(CaptureSource source, TableId table, Op op, ObjectNode key, ObjectNode before,
                       ObjectNode after, long txId, Lsn lsn, Lsn commitLsn, Instant commitTime, long handledAtMs,
                       Set<String> unchangedToast, boolean lastSnapshotChunk) {
        this(source, table, op, key, before, after, txId, lsn, commitLsn, commitTime, handledAtMs, unchangedToast,
                lastSnapshotChunk, null);
    }

    /** A log event (not the last snapshot chunk). */
    public ChangeEvent(CaptureSource source, TableId table, Op op, ObjectNode key, ObjectNode before,
                       ObjectNode after, long txId, Lsn lsn, Lsn commitLsn, Instant commitTime, long handledAtMs,
                       Set<String> unchangedToast) {
        this(source, table, op, key, before, after, txId, lsn, commitLsn, commitTime, handledAtMs, unchangedToast,
                false);
    }

    /**
     * A row read by a backfill: op {@code r}, no {@code before}; {@code commitLsn} and {@code commitTime} are those
     * of the transaction at which the row was emitted (the chunk's high watermark).
     */
    public static ChangeEvent read(CaptureSource source, TableId table, ObjectNode key, ObjectNode after, long txId,
                                   Lsn lsn, Lsn commitLsn, Instant commitTime, boolean lastChunk) {
        return new ChangeEvent(source, table, Op.READ, key, null, after, txId, lsn, commitLsn, commitTime,
                System.currentTimeMillis(), Set.of(), lastChunk);
    }

    /**
     * A row read by a backfill, carried as the text it was read as ({@link RowText}): the encoder writes it straight
     * from the bytes, and {@link #after()} makes its tree only when asked.
     */
    public static ChangeEvent read(CaptureSource source, TableId table, ObjectNode key, RowText after, long txId,
                                   Lsn lsn, Lsn commitLsn, Instant commitTime, boolean lastChunk) {
        return read(source, table, key, after, txId, lsn, commitLsn, commitTime, lastChunk,
                System.currentTimeMillis());
    }

    /**
     * {@link #read(CaptureSource, TableId, ObjectNode, RowText, long, Lsn, Lsn, Instant, boolean)} handled at
     * {@code handledAtMs}: the rows of a chunk share the moment they are handed out (reading the clock per row was a
     * visible part of a backfill's profile on a virtual machine).
     */
    public static ChangeEvent read(CaptureSource source, TableId table, ObjectNode key, RowText after, long txId,
                                   Lsn lsn, Lsn commitLsn, Instant commitTime, boolean lastChunk, long handledAtMs) {
        return new ChangeEvent(source, table, Op.READ, key, null, null, txId, lsn, commitLsn, commitTime,
                handledAtMs, Set.of(), lastChunk, requireNonNull(after, "after is null"));
    }

    /** An event whose transaction has not committed yet, its after image carried as the text that came in. */
    public static ChangeEvent pending(CaptureSource source, TableId table, Op op, ObjectNode key, ObjectNode before,
                                      RowText after, long txId, Lsn lsn) {
        return new ChangeEvent(source, table, op, key, before, null, txId, lsn, Lsn.INVALID, null, 0, Set.of(), false,
                requireNonNull(after, "after is null"));
    }

    /**
     * The after image as a tree (null for a delete or truncate): for a row carried as text ({@link #afterText()}) a
     * new tree made from it on every call.
     */
    @Override
    public ObjectNode after() {
        return afterText != null ? afterText.tree() : after;
    }

    /** An event whose transaction has not committed yet (commit LSN and time unknown). */
    public static ChangeEvent pending(CaptureSource source, TableId table, Op op, ObjectNode key, ObjectNode before,
                                      ObjectNode after, long txId, Lsn lsn, Set<String> unchangedToast) {
        return new ChangeEvent(source, table, op, key, before, after, txId, lsn, Lsn.INVALID, null, 0, unchangedToast);
    }

    /** This event as part of the transaction that committed at {@code commitLsn} (its end) at {@code commitTime}. */
    public ChangeEvent withCommit(Lsn commitLsn, Instant commitTime, long handledAtMs) {
        return new ChangeEvent(source, table, op, key, before, after, txId, lsn, commitLsn, commitTime, handledAtMs,
                unchangedToast, lastSnapshotChunk, afterText);
    }

    /** This backfill row handed out now, as the last record of the whole backfill or not. */
    public ChangeEvent asSnapshotRead(boolean last) {
        if (op != Op.READ) {
            throw new IllegalStateException("only a backfill (READ) event belongs to a snapshot chunk");
        }
        return new ChangeEvent(source, table, op, key, before, after, txId, lsn, commitLsn, commitTime,
                System.currentTimeMillis(), unchangedToast, last, afterText);
    }

    /** This event with every unchanged-TOAST column filled in. */
    public ChangeEvent resolved(ObjectNode after) {
        return new ChangeEvent(source, table, op, key, before, after, txId, lsn, commitLsn, commitTime, handledAtMs,
                Set.of(), lastSnapshotChunk, null);
    }

    /** The Debezium envelope (payload only) as a tree, read back from what {@link EventEncoder} writes. */
    public ObjectNode value() {
        try {
            return (ObjectNode) EventJson.MAPPER.readTree(new EventEncoder().value(this).toByteArray());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * About the heap this event holds — its key and row images, text or trees, and the record around them — within a
     * small factor of the truth: what bounds the capture's buffers in bytes as well as in events, so that wide rows
     * cannot fill the heap that narrow ones fit in.
     */
    public long heapBytes() {
        // the key is walked: under REPLICA IDENTITY FULL without a primary key it is the whole row
        long n = 160 + treeBytes(key) + treeBytes(before) + treeBytes(after); // the field: a text row has no tree
        if (afterText != null) {
            n += afterText.heapBytes();
        }
        for (String column : unchangedToast) {
            n += 48 + column.length();
        }
        return n;
    }

    private static long treeBytes(JsonNode node) {
        if (node == null) {
            return 0;
        }
        if (node.isObject()) {
            long n = 64;
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                n += 48 + field.getKey().length() + treeBytes(field.getValue());
            }
            return n;
        }
        if (node.isArray()) {
            long n = 48;
            for (JsonNode element : node) {
                n += 8 + treeBytes(element);
            }
            return n;
        }
        if (node.isTextual()) {
            return 56 + 2L * node.textValue().length(); // a String of UTF-16 at worst
        }
        if (node.isBinary()) {
            return 32 + ((com.fasterxml.jackson.databind.node.BinaryNode) node).binaryValue().length;
        }
        return node.isBigDecimal() || node.isBigInteger() ? 64 : 24;
    }

    /** The key as a JSON value (null for a truncate). */
    public JsonNode keyNode() {
        return key == null ? EventJson.MAPPER.nullNode() : key;
    }
}
