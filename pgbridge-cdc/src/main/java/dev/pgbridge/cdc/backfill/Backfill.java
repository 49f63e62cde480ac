package dev.pgbridge.cdc.backfill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.catalog.ReplicaIdentity;
import dev.pgbridge.cdc.backfill.BackfillProgress.Mode;
import dev.pgbridge.cdc.backfill.BackfillProgress.State;
import dev.pgbridge.cdc.event.CaptureSource;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.EventBuffer;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.cdc.replication.CapturedTable;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.pgtype.TypeResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The backfill of a capture's existing rows, interleaved with the stream in the engine's one loop (DBLog's watermark
 * algorithm). This class plans the tables (in capture order, one at a time), hands each to its strategy and keeps the
 * progress; the parts live beside it:
 * <ul>
 *   <li>{@link KeyChunkBackfill}: <b>tables with a key</b>, read in key order {@code chunkSize} rows at a time
 *       ({@code WHERE (k1, k2) > (?, ?) ORDER BY k1, k2 LIMIT ?}, {@link TableShape#chunkSql}), each chunk between a
 *       low and a high watermark; log events that pass {@link #observe} evict the chunk's stale rows, and
 *       {@link #afterTransaction} hands out the survivors right after the high watermark's transaction. So no
 *       consumer sees a backfill row older than a change it already has, without merging. Up to
 *       {@value #MAX_IN_FLIGHT} chunks wait at once, and they come out in order. A chunk whose snapshot misses a
 *       transaction already streamed is read again ({@link DeliveredXids}).</li>
 *   <li>{@link ExportedSnapshotBackfill}: <b>tables without a key</b> (REPLICA IDENTITY FULL without a primary key),
 *       read whole in the snapshot a temporary replication slot exports, their log events dropped or held around
 *       its consistent point; such a table restarts from its beginning after a crash or a lost connection.</li>
 *   <li>{@link BackfillCheckpoint}: the progress in the checkpoint (table, last key of the last completed chunk,
 *       consistent point), from which a restart reads on with the next chunk.</li>
 *   <li>{@link WatermarkWriter} and {@link ReaderSession}: the watermark rows (which never reach a sink) and the
 *       backfill's own connection.</li>
 * </ul>
 *
 * <p>One thread (the engine's) calls everything but {@link #progress()}.
 */
public final class Backfill implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
    /** Chunks read ahead while earlier ones wait for their high watermarks. */
    static final int MAX_IN_FLIGHT = 3;

    /** Which watermark of a chunk. */
    public enum WatermarkKind { LOW, HIGH }

    /** A watermark about to be (or just) written: the table, the chunk's number (from 1), the key it reads after. */
    public record Watermark(WatermarkKind kind, TableId table, long chunk, List<String> after, String id) {
    }

    /**
     * Test hook: called on the engine thread right before and right after each watermark write, so a test can
     * change rows exactly at the edges of a chunk's window.
     */
    public interface WatermarkListener {
        void beforeWrite(Watermark watermark);

        void afterWrite(Watermark watermark);
    }

    /** What the backfill needs to know of its capture. */
    public record Settings(String slotName, TableId watermarksTable, int chunkSize, CaptureSource source,
                           Path spillDirectory, int memoryEvents) {
        public Settings {
            requireNonNull(slotName, "slotName is null");
            requireNonNull(watermarksTable, "watermarksTable is null");
            requireNonNull(source, "source is null");
            requireNonNull(spillDirectory, "spillDirectory is null");
            if (chunkSize < 1) {
                throw new IllegalArgumentException("chunkSize must be positive");
            }
        }
    }

    private final Settings settings;
    private final Map<TableId, TableBackfill> tables = new LinkedHashMap<>();
    private final ReaderSession session;
    private final WatermarkWriter watermarks;
    private final KeyChunkBackfill keyChunks;
    private final ExportedSnapshotBackfill snapshots;
    private final TrailingRow trailing = new TrailingRow();
    private boolean dirty;
    private volatile Map<TableId, BackfillProgress> published = Map.of();

    /**
     * Plans the backfill of {@code captured}: skipped tables only stream; the rest resume from {@code saved} (the
     * checkpoint's {@code backfill} node, null on a first start).
     */
    public Backfill(Settings settings, JdbcTarget target, TypeResolver types, List<CapturedTable> captured,
                    List<TableId> skip, ObjectNode saved) {
        this.settings = requireNonNull(settings, "settings is null");
        requireNonNull(types, "types is null");
        this.session = new ReaderSession(target);
        this.watermarks = new WatermarkWriter(settings.slotName(), settings.watermarksTable());
        this.keyChunks = new KeyChunkBackfill(settings.chunkSize(), types, session, watermarks);
        this.snapshots = new ExportedSnapshotBackfill(settings, types, session, watermarks);
        Map<TableId, BackfillProgress> before = BackfillCheckpoint.decode(saved);
        for (CapturedTable t : captured) {
            Mode mode = skip.contains(t.table()) ? Mode.NONE
                    : !t.primaryKey().isEmpty() || t.replicaIdentity() == ReplicaIdentity.INDEX ? Mode.KEY_CHUNKS
                    : Mode.EXPORTED_SNAPSHOT;
            TableBackfill s = new TableBackfill(t.table(), mode, mode == Mode.NONE ? State.SKIPPED : State.PENDING);
            BackfillProgress old = before.get(t.table());
            if (old != null && mode != Mode.NONE) {
                s.resume(old);
            }
            tables.put(t.table(), s);
        }
        if (saved != null && saved.hasNonNull("held_row")) {
            // written by an earlier version, which did not read the held row again after a restart
            LOG.warn("the checkpoint holds a backfill row held back by an earlier pgbridge ({}); it is ignored: a "
                    + "table is read on after its saved last_key (to be sure that row is out, delete the table's "
                    + "entry under \"backfill\".\"tables\" in checkpoint.json: its backfill starts again)",
                    saved.get("held_row").path("table").asText("?"));
        }
        publish();
    }

    /** Test hook: see {@link WatermarkListener}. */
    public void listener(WatermarkListener listener) {
        watermarks.listener(listener);
    }

    /** True while a table still has rows to read or a backfill row waits to go out. */
    public boolean active() {
        return rowsToCome() || trailing.held();
    }

    /** True while a table still has rows to read or a chunk waits for its high watermark. */
    private boolean rowsToCome() {
        if (keyChunks.inFlight()) {
            return true;
        }
        // a loop, not a stream: the engine asks once per replication message
        for (TableBackfill t : tables.values()) {
            if (t.unfinished()) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the next step creates a temporary slot for an exported snapshot. Creating it waits for every open
     * transaction of the server to end, so the engine first lets the sink commit (a PostgreSQL sink on the same
     * server would otherwise hold an open transaction that the slot creation waits for, and neither moves).
     */
    public boolean opensSnapshotNext() {
        if (keyChunks.inFlight() || snapshots.open()) {
            return false;
        }
        TableBackfill t = next();
        return t != null && t.mode == Mode.EXPORTED_SNAPSHOT && !t.awaitingRelease;
    }

    /**
     * True when no new chunk may start now: {@value #MAX_IN_FLIGHT} chunks wait for their high watermarks, or the
     * table's last rows are read and wait.
     */
    public boolean waiting() {
        return keyChunks.waiting();
    }

    /** True when a chunk (or the held row) waits for a watermark, which the stream is about to bring. */
    public boolean awaitingWatermark() {
        return keyChunks.inFlight() || trailing.releasePending();
    }

    /** The first table still to read, in plan order; null when none is left. */
    private TableBackfill next() {
        return tables.values().stream().filter(TableBackfill::unfinished).findFirst().orElse(null);
    }

    /**
     * Advances the backfill by one step, called by the engine between stream messages: starts the next chunk when
     * none is in flight (low watermark, read, high watermark), or reads the next part of an exported-snapshot table.
     * Returns what must go to the sink now (snapshot rows, held events), possibly nothing.
     */
    public List<CommittedTransaction> step() throws SQLException, IOException {
        if (trailing.held() && !trailing.releasePending()
                && (!rowsToCome() || ExportedSnapshotBackfill.rowsFollow(tables.values()))) {
            // the held row's fate is known (last, or snapshot rows follow it): it goes out on this watermark
            trailing.releaseWrittenAs(watermarks.writeRelease(session.connection()));
        }
        if (waiting()) {
            return List.of();
        }
        TableBackfill t = next();
        if (t == null) {
            return List.of();
        }
        if (t.state == State.PENDING) {
            t.start();
        }
        if (t.mode == Mode.KEY_CHUNKS) {
            if (!t.allRead && keyChunks.readNext(t)) {
                finish(t);
            }
            return List.of();
        }
        if (!t.awaitingRelease) {
            snapshots.readNext(t);
            if (t.awaitingRelease && t.snapshotTail != null) {
                finishEmptyTablesAfter(t);
            }
            publish();
        }
        return List.of();
    }

    /**
     * When every table after {@code t} (a keyless table whose snapshot rows wait for their release) is a table with
     * a key that is empty now, they are done at once: their rows to come all come through the stream anyway (their
     * log events pass while they wait), so the snapshot rows about to go out are the backfill's last records. (The
     * newest of them cannot be held back like a keyed row, so this is how it can say {@code "last"}.)
     */
    private void finishEmptyTablesAfter(TableBackfill t) throws SQLException {
        List<TableBackfill> after = tables.values().stream().dropWhile(s -> s != t).skip(1)
                .filter(TableBackfill::unfinished).toList();
        if (after.isEmpty() || after.stream().anyMatch(a -> a.mode != Mode.KEY_CHUNKS || a.state != State.PENDING)) {
            return;
        }
        for (TableBackfill a : after) {
            if (!keyChunks.isEmpty(a)) {
                return;
            }
        }
        for (TableBackfill a : after) {
            a.start();
            a.finish();
        }
    }

    /** How many chunks were read again because the stream was ahead of their snapshot. */
    public long rereads() {
        return keyChunks.rereads();
    }

    private void finish(TableBackfill t) {
        t.finish();
        publish();
    }

    /**
     * Looks at one event of a committed log transaction before the sink gets it; returns it, or null when it must
     * not reach the sink (a watermark row; a keyless table's event its snapshot holds, or one held until its
     * snapshot rows are out). Evicts the event's key from the chunk in flight.
     */
    public ChangeEvent observe(ChangeEvent e) throws IOException {
        if (watermarks.isWatermarkRow(e)) {
            String id = watermarks.ownId(e);
            if (id != null) {
                keyChunks.watermarkSeen(id);
                snapshots.watermarkSeen(id, tables.values());
                trailing.watermarkSeen(id);
            }
            return null;
        }
        TableBackfill t = tables.get(e.table());
        keyChunks.observe(e, t);
        if (trailing.held()) {
            trailing.observe(e);
            if (!trailing.held()) {
                // superseded by the event: its table may be done now
                dirty = true;
                publish();
            }
        }
        if (t == null || t.mode != Mode.EXPORTED_SNAPSHOT) {
            return e;
        }
        return snapshots.observe(e, t);
    }

    /**
     * Called after a log transaction went to the sink: when it carried the high watermark of the chunk in flight,
     * returns the chunk's surviving rows as {@code op: r} events stamped with that transaction's commit, to go to
     * the sink right after it (likewise a keyless table's snapshot rows, and the held row); else null.
     *
     * <p>Only the backfill's very last record says {@code source.snapshot: "last"}, every other one {@code "true"}.
     * The newest row of a chunk is held back ({@link TrailingRow}) until it is known whether another backfill row
     * follows it.
     */
    public CommittedTransaction afterTransaction(CommittedTransaction tx) throws IOException {
        TableBackfill released = ExportedSnapshotBackfill.released(tables.values());
        if (released != null) {
            released.finish();
            // the held row goes first when no watermark took it out before (the snapshot was read in one step)
            ChangeEvent first = trailing.held() && released.snapshotTail != null ? read(trailing.take(), tx, false)
                    : null;
            CommittedTransaction out = snapshots.release(released, tx, first, !rowsToCome());
            publish();
            return out;
        }
        if (trailing.releaseDue()) {
            EventBuffer buffer = EventBuffer.inMemory(settings.source(), settings.spillDirectory(), 1);
            buffer.add(0, read(trailing.take(), tx, !rowsToCome()));
            dirty = true;
            publish();
            return CommittedTransaction.ofStamped(tx.xid(), tx.endLsn(), tx.commitTime(), buffer);
        }
        KeyChunkBackfill.Out chunk = keyChunks.complete(tx);
        if (chunk == null) {
            return null;
        }
        TableBackfill t = chunk.table();
        if (chunk.tableDone()) {
            t.finish();
        }
        boolean last = !rowsToCome();
        List<TableShape.Row> rows = chunk.rows();
        EventBuffer buffer = EventBuffer.inMemory(settings.source(), settings.spillDirectory(), rows.size() + 1);
        if (!rows.isEmpty() && trailing.held()) {
            buffer.add(0, read(trailing.take(), tx, false));
        }
        long now = System.currentTimeMillis();
        for (int i = 0; i < rows.size() - 1; i++) {
            buffer.add(0, read(row(t, rows.get(i)), tx, false, now));
        }
        if (!rows.isEmpty()) {
            TableShape.Row newest = rows.getLast();
            if (last || newest.key() == null) {
                buffer.add(0, read(row(t, newest), tx, last));
            }
            else {
                trailing.hold(row(t, newest), chunk.keyBefore(newest), chunk.rowsFrom(newest));
            }
        }
        else if (last && trailing.held()) {
            buffer.add(0, read(trailing.take(), tx, true));
        }
        dirty = true;
        publish();
        return CommittedTransaction.ofStamped(tx.xid(), tx.endLsn(), tx.commitTime(), buffer);
    }

    private static TrailingRow.Row row(TableBackfill t, TableShape.Row r) {
        return new TrailingRow.Row(t.table, r.key(), r.after());
    }

    /** {@code row} as an {@code op: r} event stamped with {@code tx}'s commit, handled now. */
    private ChangeEvent read(TrailingRow.Row row, CommittedTransaction tx, boolean last) {
        return read(row, tx, last, System.currentTimeMillis());
    }

    private ChangeEvent read(TrailingRow.Row row, CommittedTransaction tx, boolean last, long handledAtMs) {
        return ChangeEvent.read(settings.source(), row.table(), row.key(), row.after(), tx.xid(), tx.commitLsn(),
                tx.endLsn(), tx.commitTime(), last, handledAtMs);
    }

    /** True when progress changed since the last {@link #state()}: worth a checkpoint even without new commits. */
    public boolean dirty() {
        return dirty;
    }

    /**
     * The checkpoint's {@code backfill} node ({@link BackfillCheckpoint}): completed chunks only, and a table whose
     * newest row is held back only up to the row before it (a restart reads the held row again, see
     * {@link TrailingRow}).
     */
    public ObjectNode state() {
        dirty = false;
        return BackfillCheckpoint.encode(tables.values().stream().map(t -> trailing.saved(t.progress())).toList());
    }

    /** Every table's progress; safe to call from any thread. */
    public Map<TableId, BackfillProgress> progress() {
        return published;
    }

    /**
     * Publishes every table's progress; a table whose newest row is still held is not done yet (as in the
     * checkpoint, which {@code capture status} reads).
     */
    private void publish() {
        Map<TableId, BackfillProgress> p = new TreeMap<>();
        for (TableBackfill t : tables.values()) {
            BackfillProgress now = t.progress();
            if (trailing.holds(t.table)) {
                now = new BackfillProgress(now.table(), now.mode(), State.RUNNING, now.rows(), now.chunks(),
                        now.lastKey(), now.startedAt(), null, now.consistentPoint());
            }
            p.put(t.table, now);
        }
        published = Map.copyOf(p);
    }

    /**
     * Forgets what is in flight after a lost connection (the stream comes again from the last checkpoint): the
     * chunk is read again; a table read in an exported snapshot starts over.
     */
    public void reset() throws IOException {
        keyChunks.reset(tables.values());
        snapshots.reset(tables.values());
        trailing.forgetRelease();
        session.close();
        publish();
    }

    @Override
    public void close() throws IOException {
        reset();
        for (TableBackfill t : tables.values()) {
            t.dropBuffers();
        }
    }
}
