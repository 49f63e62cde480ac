package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.backfill.BackfillProgress;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.Lsn;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of a running capture: events handed to the sink (and how many of them went through a spill file), the
 * last commit made durable (LSN and time), the position confirmed to PostgreSQL, reconnects, schema changes seen
 * per table, each table's backfill progress, and per table the events handed to the sink (backfill rows included)
 * with the last commit among them (counted across restarts).
 */
public record CaptureStatus(long events, long transactions, long spilledEvents, Lsn lastDurableCommitLsn,
                            Instant lastCommitTime, Lsn confirmedLsn, int reconnects,
                            Map<TableId, Integer> schemaChanges, Map<TableId, BackfillProgress> backfill,
                            Map<TableId, TableStat> tables) {
    public CaptureStatus {
        schemaChanges = Map.copyOf(schemaChanges);
        backfill = Map.copyOf(backfill);
        tables = Map.copyOf(tables);
    }

    /** One table's events and its last commit. */
    public record TableStat(long events, Lsn lastCommitLsn, Instant lastCommitTime) {
    }

    /** True when no table has rows left to backfill. */
    public boolean backfillDone() {
        return backfill.values().stream().noneMatch(p -> p.state() == BackfillProgress.State.PENDING
                || p.state() == BackfillProgress.State.RUNNING);
    }
}
