package dev.pgbridge.cdc.backfill;

import dev.pgbridge.cdc.backfill.BackfillProgress.Mode;
import dev.pgbridge.cdc.backfill.BackfillProgress.State;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.EventBuffer;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Where one table's backfill stands, as the engine thread changes it: what {@link BackfillProgress} shows, plus
 * what each strategy keeps while the table is read ({@link KeyChunkBackfill}: the key read up to;
 * {@link ExportedSnapshotBackfill}: the rows and held log events waiting for the release watermark).
 */
final class TableBackfill {
    private static final Logger LOG = LoggerFactory.getLogger(TableBackfill.class);

    final TableId table;
    Mode mode;
    State state;
    long rows;
    long chunks;
    List<String> lastKey;
    /** The last key read: of the newest chunk in flight, else {@link #lastKey}. */
    List<String> readKey;
    /** Every row is read (the last chunk may still be in flight). */
    boolean allRead;
    /** A watermark was written since the last chunk was read: the next chunk's low. */
    boolean lowWritten;
    Instant startedAt;
    Instant finishedAt;
    Lsn consistentPoint;
    EventBuffer held;
    /** Snapshot rows read but not yet out: they go to the sink once the stream has passed the consistent point. */
    EventBuffer snapshotRows;
    /**
     * The newest snapshot row, kept out of {@link #snapshotRows}: whether it is the backfill's last record is known
     * only when the rows go out.
     */
    ChangeEvent snapshotTail;
    /** The snapshot is read whole; waiting for {@link #releaseId}'s watermark to come through the stream. */
    boolean awaitingRelease;
    /** The watermark written after the snapshot was read; its transaction releases the rows. */
    String releaseId;
    boolean releaseSeen;

    TableBackfill(TableId table, Mode mode, State state) {
        this.table = table;
        this.mode = mode;
        this.state = state;
    }

    /** True while rows are still to be read or to go out. */
    boolean unfinished() {
        return state == State.PENDING || state == State.RUNNING;
    }

    /**
     * Takes over what a checkpoint saved of this table ({@code saved}, decoded by {@link BackfillCheckpoint}): a done
     * table stays done; a table read in key chunks resumes after its last completed chunk; an interrupted exported
     * snapshot starts over.
     */
    void resume(BackfillProgress saved) {
        if (saved.state() == State.DONE) {
            state = State.DONE;
            mode = saved.mode() == Mode.NONE ? mode : saved.mode();
        }
        else if (saved.state() == State.RUNNING && saved.mode() == Mode.KEY_CHUNKS && mode == Mode.KEY_CHUNKS) {
            state = State.RUNNING;
            if (saved.lastKey() != null) {
                lastKey = saved.lastKey();
                readKey = saved.lastKey();
            }
        }
        else if (saved.state() == State.RUNNING) {
            LOG.warn("backfill of {} read in an exported snapshot was interrupted; it starts again from the first "
                    + "row (rows read before may arrive twice)", table);
            return;
        }
        else {
            return;
        }
        rows = saved.rows();
        chunks = saved.chunks();
        startedAt = saved.startedAt();
        finishedAt = saved.finishedAt();
        if (saved.consistentPoint() != null && state == State.DONE) {
            consistentPoint = saved.consistentPoint();
        }
    }

    void start() {
        state = State.RUNNING;
        startedAt = Instant.now();
        LOG.info("backfill of {} starts ({})", table, mode.label());
    }

    void finish() {
        state = State.DONE;
        finishedAt = Instant.now();
        LOG.info("backfill of {} done: {} rows in {} chunks", table, rows, chunks);
    }

    /** Forgets the snapshot rows and held log events of an exported snapshot. */
    void dropBuffers() throws IOException {
        if (held != null) {
            held.close();
            held = null;
        }
        if (snapshotRows != null) {
            snapshotRows.close();
            snapshotRows = null;
        }
        snapshotTail = null;
    }

    BackfillProgress progress() {
        return new BackfillProgress(table, mode, state, rows, chunks, lastKey, startedAt, finishedAt,
                consistentPoint);
    }
}
