package dev.pgbridge.cdc.replication;

import dev.pgbridge.cdc.event.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * What the source server says about a capture: its replication slot (whether it exists, is active and by which
 * process, the confirmed position, the lag in bytes {@code pg_current_wal_lsn() - confirmed_flush_lsn}, i.e. the WAL
 * PostgreSQL keeps for it, and {@code wal_status} from PostgreSQL 13) and the estimated rows of the captured tables
 * (from {@code reltuples}; a partitioned table sums its partitions). Read by {@code pgbridge capture status} and by the
 * server's managed captures: one query each.
 *
 * @param estimatedRows per table that exists; a table of the list that is missing has no entry
 */
public record SourceStatus(boolean slotExists, Boolean active, Integer activePid, String confirmedFlushLsn,
                           Long lagBytes, String walStatus, Map<TableId, Long> estimatedRows) {
    public SourceStatus {
        requireNonNull(estimatedRows, "estimatedRows is null");
        estimatedRows = java.util.Collections.unmodifiableMap(new TreeMap<>(estimatedRows));
    }

    /** Reads the slot's row and the tables' estimates on {@code c} (any session of the source database). */
    public static SourceStatus read(Connection c, String slotName, Collection<TableId> tables) throws SQLException {
        requireNonNull(slotName, "slotName is null");
        boolean walStatus = c.getMetaData().getDatabaseMajorVersion() >= 13;
        boolean exists = false;
        Boolean active = null;
        Integer pid = null;
        String confirmed = null;
        Long lag = null;
        String wal = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT active, active_pid, confirmed_flush_lsn::text, "
                + "pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), confirmed_flush_lsn)::bigint, "
                + (walStatus ? "wal_status" : "NULL::text") + " FROM pg_catalog.pg_replication_slots "
                + "WHERE slot_name = ?")) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    exists = true;
                    active = rs.getBoolean(1);
                    pid = (Integer) rs.getObject(2);
                    confirmed = rs.getString(3);
                    lag = (Long) rs.getObject(4);
                    wal = rs.getString(5);
                }
            }
        }
        Map<TableId, Long> estimates = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN c.relkind = 'p' THEN (SELECT "
                + "sum(GREATEST(p.reltuples, 0))::bigint FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p "
                + "ON p.oid = i.inhrelid WHERE i.inhparent = c.oid) ELSE GREATEST(c.reltuples, 0)::bigint END "
                + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ?")) {
            for (TableId t : tables) {
                ps.setString(1, t.schema());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        estimates.put(t, (Long) rs.getObject(1));
                    }
                }
            }
        }
        return new SourceStatus(exists, active, pid, confirmed, lag, wal, estimates);
    }

    /** A table of the list that the server does not have. */
    public boolean missing(TableId table) {
        return !estimatedRows.containsKey(table);
    }

    /**
     * A table's backfill progress as a percentage text: {@code 100%} when done, none when skipped, otherwise rows read
     * against the estimate (at most 99%), {@code ?} without an estimate.
     */
    public static String progress(String state, long read, Long estimate) {
        if (state.equals("done")) {
            return "100%";
        }
        if (state.equals("skipped")) {
            return null;
        }
        if (estimate == null || estimate <= 0) {
            return read > 0 ? "?" : "0%";
        }
        return Math.min(99, read * 100 / estimate) + "%";
    }
}
