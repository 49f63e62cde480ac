package dev.pgbridge.cdc.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.pgtype.Lsn;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * The durable position of a capture: {@code commitLsn} is the end of the last transaction whose events a sink
 * flushed; on restart everything at or before it is skipped. {@code backfill} is the backfill's per-table progress
 * (see {@code dev.pgbridge.cdc.backfill.BackfillCheckpoint}) and {@code tables} the per-table stream statistics (events,
 * last commit) that {@code capture status} shows; both are written as given and describe the same moment as
 * {@code commitLsn}.
 */
public record Checkpoint(String slotName, Lsn commitLsn, Instant updatedAt, ObjectNode backfill, ObjectNode tables) {
    public Checkpoint {
        requireNonNull(slotName, "slotName is null");
        requireNonNull(commitLsn, "commitLsn is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }

    public Checkpoint(String slotName, Lsn commitLsn, Instant updatedAt, ObjectNode backfill) {
        this(slotName, commitLsn, updatedAt, backfill, null);
    }

    public Checkpoint withCommitLsn(Lsn lsn, Instant now) {
        return new Checkpoint(slotName, lsn, now, backfill, tables);
    }

    /** This checkpoint at {@code lsn} with the backfill and table state of that moment. */
    public Checkpoint at(Lsn lsn, Instant now, ObjectNode backfillState, ObjectNode tableStats) {
        return new Checkpoint(slotName, lsn, now, backfillState, tableStats);
    }
}
