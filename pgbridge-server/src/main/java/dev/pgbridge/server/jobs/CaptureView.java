package dev.pgbridge.server.jobs;

import java.time.Instant;
import java.util.List;

/**
 * A capture as the API and the pages show it: what {@code pgbridge capture status} shows (per table its backfill state
 * and progress, events, the slot and its lag in bytes, the checkpoint) plus the job's state, its current event rate and
 * its last error.
 *
 * @param state           what the capture does now: {@code starting}, {@code running}, {@code stopping},
 *                        {@code stopped} or {@code failed}
 * @param events          events handed to the sink (backfill rows included), counted across restarts
 * @param eventsPerSecond the rate over the last sampling interval (0 when not running)
 * @param slotLagBytes    {@code pg_current_wal_lsn() - confirmed_flush_lsn} of the slot at the last look; null when
 *                        unknown (never looked, source unreachable, no slot yet)
 */
public record CaptureView(String tenant, String name, String state, String desired, String slot, String publication,
                          String sink, long events, double eventsPerSecond, Long slotLagBytes, Boolean slotActive,
                          String checkpointLsn, Instant checkpointTime, List<TableProgress> tables, Instant lastRunAt,
                          String lastError, String config) {
    public CaptureView {
        tables = List.copyOf(tables);
    }

    /** One captured table: its backfill ({@code pending}, {@code running}, {@code done}, {@code skipped}) and events. */
    public record TableProgress(String table, String backfill, String mode, long rowsRead, Long estimatedRows,
                                String progress, long events, String lastCommitTime) {}

    /** How many tables are backfilled, e.g. {@code 1/2}; {@code -} before the first run. */
    public String backfillSummary() {
        long counted = tables.stream().filter(t -> !"skipped".equals(t.backfill())).count();
        if (counted == 0) {
            return "-";
        }
        return tables.stream().filter(t -> "done".equals(t.backfill())).count() + "/" + counted;
    }

    public boolean active() {
        return state.equals("starting") || state.equals("running") || state.equals("stopping");
    }
}
