package dev.pgbridge.cdc.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.replication.Lsn;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * The durable position of a capture: {@code commitLsn} is the end of the last transaction whose events a sink
 * flushed; on restart everything at or before it is skipped. {@code backfill} is free-form state reserved for the
 * backfill (per-table progress), kept as given.
 */
public record Checkpoint(String slotName, Lsn commitLsn, Instant updatedAt, ObjectNode backfill) {
    public Checkpoint {
        requireNonNull(slotName, "slotName is null");
        requireNonNull(commitLsn, "commitLsn is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }

    public Checkpoint withCommitLsn(Lsn lsn, Instant now) {
        return new Checkpoint(slotName, lsn, now, backfill);
    }
}
