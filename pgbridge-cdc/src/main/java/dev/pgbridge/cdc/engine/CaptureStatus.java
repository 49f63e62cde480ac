package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.cdc.replication.Lsn;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of a running capture: events handed to the sink (and how many of them went through a spill file), the last commit made durable (LSN and time), the
 * position confirmed to PostgreSQL, reconnects, and schema changes seen per table.
 */
public record CaptureStatus(long events, long transactions, long spilledEvents, Lsn lastDurableCommitLsn, Instant lastCommitTime,
                            Lsn confirmedLsn, int reconnects, Map<TableId, Integer> schemaChanges) {
}
