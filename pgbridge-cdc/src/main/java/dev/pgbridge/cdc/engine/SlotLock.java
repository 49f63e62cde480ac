package dev.pgbridge.cdc.engine;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import static java.util.Objects.requireNonNull;

/**
 * One process per replication slot: the session-level advisory lock {@code (LOCK_CLASS, hashCode of the slot name)}
 * that every process running or dropping a capture of that slot takes on a normal connection first. The lock is the
 * session's: it goes when the connection closes or its backend dies, so a crashed process never leaves it behind.
 * Two slot names with the same hash share a lock: their captures cannot run at the same time.
 */
final class SlotLock {
    /** 'pgbr': the first key of the advisory lock; the second is derived from the slot name. */
    static final int LOCK_CLASS = 0x70676272;

    private final String slotName;

    SlotLock(String slotName) {
        this.slotName = requireNonNull(slotName, "slotName is null");
    }

    /**
     * Takes the lock on {@code c}'s session.
     *
     * @throws PgBridgeException {@link ErrorCode#CAPTURE_LOCKED}, naming the session that holds it, when another
     *                           session does
     */
    void acquire(Connection c) throws SQLException {
        if (tryAcquire(c)) {
            return;
        }
        throw new PgBridgeException(ErrorCode.CAPTURE_LOCKED, "replication slot \"" + slotName
                + "\" is already being captured by another pgbridge process: " + holder(c) + " holds its lock",
                "only one process may run a slot; stop the other one, or give this capture its own advanced.slotName");
    }

    /** Takes the lock on {@code c}'s session; false when another session holds it (true again when this one does). */
    boolean tryAcquire(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, LOCK_CLASS);
            ps.setInt(2, slotName.hashCode());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Who holds the lock: "session pid … (application …, client …, since …)", or "another session". */
    String holder(Connection c) throws SQLException {
        String holder = "another session";
        // the two-key form: classid and objid hold the keys as unsigned oids, objsubid is 2
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT l.pid, a.application_name, a.client_addr::text, a.backend_start
                FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = ? AND l.objid::bigint = ?
                  AND l.objsubid = 2""")) {
            ps.setLong(1, LOCK_CLASS & 0xFFFFFFFFL);
            ps.setLong(2, slotName.hashCode() & 0xFFFFFFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    holder = "session pid " + rs.getInt(1) + " (application \"" + rs.getString(2) + "\", client "
                            + rs.getString(3) + ", since " + rs.getTimestamp(4) + ")";
                }
            }
        }
        return holder;
    }

    @Override
    public String toString() {
        return "SlotLock[" + slotName + "]";
    }
}
