package dev.pgbridge.cdc.backfill;

import dev.pgbridge.cdc.backfill.Backfill.Settings;
import dev.pgbridge.cdc.backfill.Backfill.Watermark;
import dev.pgbridge.cdc.backfill.Backfill.WatermarkKind;
import dev.pgbridge.cdc.backfill.BackfillProgress.State;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.EventBuffer;
import dev.pgbridge.pgtype.TypeResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The backfill of a table without a key (REPLICA IDENTITY FULL without a primary key), which cannot be deduplicated
 * by key: it is read whole in the snapshot exported by a temporary replication slot ({@link ExportedSnapshotRead}).
 * Until then its log events are dropped (the snapshot will hold them); once the snapshot's consistent point is known,
 * events committed at or before it are dropped and later ones are held (spilled to disk when many). When every row is
 * read, a release watermark is written; its transaction (past the consistent point) lets the rows, then the held
 * events, out in order. After a crash or a lost connection the table starts over (its rows may then arrive twice);
 * the checkpoint records its consistent point once done, so replayed events it covers stay dropped.
 */
final class ExportedSnapshotBackfill implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExportedSnapshotBackfill.class);

    private final Settings settings;
    private final TypeResolver types;
    private final ReaderSession session;
    private final WatermarkWriter watermarks;
    /** The snapshot being read (of the one table that is RUNNING and not yet awaiting its release); else null. */
    private ExportedSnapshotRead snapshot;

    ExportedSnapshotBackfill(Settings settings, TypeResolver types, ReaderSession session, WatermarkWriter watermarks) {
        this.settings = requireNonNull(settings, "settings is null");
        this.types = requireNonNull(types, "types is null");
        this.session = requireNonNull(session, "session is null");
        this.watermarks = watermarks;
    }

    /** True while a snapshot is open (its slot was created; rows remain to read). */
    boolean open() {
        return snapshot != null;
    }

    /**
     * Reads the next part of {@code t}: the first call exports the snapshot (a temporary slot) and starts holding
     * the table's later log events; the last writes the release watermark.
     */
    void readNext(TableBackfill t) throws SQLException, IOException {
        if (snapshot == null) {
            TableShape shape = TableShape.read(session.connection(), t.table, types);
            String temporary = temporarySlotName();
            snapshot = ExportedSnapshotRead.open(session.target(), session.reader(), shape, temporary,
                    settings.chunkSize());
            t.consistentPoint = snapshot.consistentPoint();
            t.rows = 0;
            t.chunks = 0;
            if (t.held != null) {
                t.held.close();
            }
            t.held = new EventBuffer(settings.source(), settings.spillDirectory(), settings.memoryEvents());
            if (t.snapshotRows != null) {
                t.snapshotRows.close();
                t.snapshotRows = null;
            }
            t.snapshotTail = null;
        }
        List<TableShape.Row> rows = snapshot.next(settings.chunkSize());
        boolean last = snapshot.exhausted();
        if (t.snapshotRows == null) {
            t.snapshotRows = new EventBuffer(settings.source(), settings.spillDirectory(), settings.memoryEvents());
        }
        Instant now = Instant.now();
        for (TableShape.Row r : rows) {
            if (t.snapshotTail != null) {
                t.snapshotRows.add(0, t.snapshotTail);
            }
            t.snapshotTail = ChangeEvent.read(settings.source(), t.table, r.key(), r.after(), 0, t.consistentPoint,
                    t.consistentPoint, now, false);
        }
        t.rows += rows.size();
        if (!rows.isEmpty()) {
            t.chunks++;
        }
        if (last) {
            snapshot.close();
            snapshot = null;
            // The consistent point is usually ahead of the stream: transactions of other tables committed before it
            // may not have come through yet. The rows go out only after a stream transaction past that point (this
            // watermark write makes sure there is one), so nothing later in the stream carries an older LSN than
            // what the sink and the checkpoint have already seen.
            t.awaitingRelease = true;
            t.releaseSeen = false;
            t.releaseId = UUID.randomUUID().toString();
            watermarks.write(session.connection(), List.of(new Watermark(WatermarkKind.HIGH, t.table, t.chunks,
                    List.of(), t.releaseId)));
        }
    }

    private String temporarySlotName() {
        String base = settings.slotName().length() > 40 ? settings.slotName().substring(0, 40) : settings.slotName();
        return base + "_bf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** True when a table's snapshot has rows that are sure to go out (they are never evicted). */
    static boolean rowsFollow(Collection<TableBackfill> tables) {
        return tables.stream().anyMatch(t -> t.mode == BackfillProgress.Mode.EXPORTED_SNAPSHOT
                && t.state == State.RUNNING && t.snapshotTail != null);
    }

    /** A watermark of this slot came through the stream: it may release a table's snapshot rows. */
    void watermarkSeen(String id, Collection<TableBackfill> tables) {
        for (TableBackfill w : tables) {
            if (w.awaitingRelease && w.releaseId.equals(id)) {
                w.releaseSeen = true;
            }
        }
    }

    /**
     * A log event of {@code t}, a table read in an exported snapshot: returns it, or null when the snapshot holds it
     * or it is held until the snapshot rows are out.
     */
    ChangeEvent observe(ChangeEvent e, TableBackfill t) throws IOException {
        return switch (t.state) {
            // the snapshot, taken later, holds every change committed so far
            case PENDING -> null;
            case RUNNING -> {
                if (t.consistentPoint == null || !e.commitLsn().isAfter(t.consistentPoint)) {
                    yield null;
                }
                t.held.add(0, e);
                yield null;
            }
            case DONE -> t.consistentPoint != null && !e.commitLsn().isAfter(t.consistentPoint) ? null : e;
            case SKIPPED -> e;
        };
    }

    /** The table whose release watermark came through, so its rows may go out now; else null. */
    static TableBackfill released(Collection<TableBackfill> tables) {
        return tables.stream().filter(s -> s.awaitingRelease && s.releaseSeen).findFirst().orElse(null);
    }

    /**
     * The rows of {@code t} (see {@link #released}), then the log events held while it ran, as one transaction
     * stamped with {@code tx}: released on the release watermark's own transaction, which is written after the
     * snapshot was exported (so it is past the consistent point) and carries nothing else, so the sink has seen no
     * transaction with this LSN yet. {@code first}, when not null, goes in front (the row another table's backfill
     * held back); the newest row says {@code snapshot: "last"} when {@code last} (no backfill row follows it). The
     * caller finishes the table.
     */
    CommittedTransaction release(TableBackfill t, CommittedTransaction tx, ChangeEvent first, boolean last)
            throws IOException {
        EventBuffer out = t.snapshotRows;
        if (first != null) {
            EventBuffer rows = out;
            out = new EventBuffer(settings.source(), settings.spillDirectory(), settings.memoryEvents());
            out.add(0, first);
            for (java.util.Iterator<ChangeEvent> it = rows.iterator(); it.hasNext(); ) {
                out.add(0, it.next());
            }
            rows.close();
        }
        EventBuffer held = t.held;
        ChangeEvent tail = t.snapshotTail;
        t.snapshotRows = null;
        t.held = null;
        t.snapshotTail = null;
        if (tail != null) {
            out.add(0, tail.asSnapshotRead(last));
        }
        t.awaitingRelease = false;
        t.releaseSeen = false;
        if (held != null) {
            if (held.count() > 0) {
                LOG.info("backfill of {}: releasing {} log events held while it ran", t.table, held.count());
            }
            for (java.util.Iterator<ChangeEvent> it = held.iterator(); it.hasNext(); ) {
                out.add(0, it.next());
            }
            held.close();
        }
        return CommittedTransaction.ofStamped(tx.xid(), tx.endLsn(), tx.commitTime(), out);
    }

    /**
     * After a lost connection: the open snapshot is closed, and a table that was being read starts over (its rows
     * and held events are dropped).
     */
    void reset(Collection<TableBackfill> tables) throws IOException {
        close();
        for (TableBackfill t : tables) {
            if (t.mode == BackfillProgress.Mode.EXPORTED_SNAPSHOT && t.state == State.RUNNING) {
                LOG.warn("backfill of {} read in an exported snapshot starts over after a lost connection", t.table);
                t.state = State.PENDING;
                t.consistentPoint = null;
                t.rows = 0;
                t.chunks = 0;
                t.dropBuffers();
                t.awaitingRelease = false;
                t.releaseSeen = false;
            }
        }
    }

    @Override
    public void close() {
        if (snapshot != null) {
            snapshot.close();
            snapshot = null;
        }
    }
}
