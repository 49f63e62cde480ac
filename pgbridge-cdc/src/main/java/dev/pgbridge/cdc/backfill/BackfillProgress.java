package dev.pgbridge.cdc.backfill;

import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.Lsn;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Where one table's backfill stands: how it is read ({@link Mode}), its {@link State}, the rows read and chunks
 * completed so far, the key of the last completed chunk's last row (as PostgreSQL prints each key column), and for a
 * table read in an exported snapshot the snapshot's consistent point.
 */
public record BackfillProgress(TableId table, Mode mode, State state, long rows, long chunks, List<String> lastKey,
                               Instant startedAt, Instant finishedAt, Lsn consistentPoint) {
    public BackfillProgress {
        requireNonNull(table, "table is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(state, "state is null");
        lastKey = lastKey == null ? null : List.copyOf(lastKey);
    }

    /** How a table's existing rows are read. */
    public enum Mode {
        /** In key order, chunk by chunk between watermarks; resumes after the last completed chunk. */
        KEY_CHUNKS,
        /** A table without a key: all at once in the snapshot a temporary slot exported; restarts after a crash. */
        EXPORTED_SNAPSHOT,
        /** Listed in skip_backfills: only streamed. */
        NONE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Mode ofLabel(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    public enum State {
        PENDING, RUNNING, DONE, SKIPPED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State ofLabel(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }
}
