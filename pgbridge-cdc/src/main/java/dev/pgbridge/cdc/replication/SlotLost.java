package dev.pgbridge.cdc.replication;

/** The words for a replication slot that is gone or can no longer stream, and how to recover. */
public final class SlotLost {
    private SlotLost() {
    }

    static SetupProblem problem(String slotName) {
        return new SetupProblem("replication slot \"" + slotName + "\" was invalidated (wal_status = lost): the WAL it "
                + "needed was removed (max_slot_wal_keep_size), so changes since its last confirmed position are gone",
                recovery(slotName));
    }

    /** How to start over: drop the slot and the checkpoint, then backfill again. */
    public static String recovery(String slotName) {
        return "SELECT pg_drop_replication_slot(" + PrintedSql.literal(slotName) + ");  -- then delete the capture's "
                + "checkpoint file and start the capture again: it creates a new slot and backfills every table anew";
    }
}
