package dev.pgbridge.cdc.sink;

import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.sql.QualifiedName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static java.util.Objects.requireNonNull;

/**
 * The exactly-once bookkeeping of the PostgreSQL sink: the row of one capture in {@code <schema>.pgbridge_applied
 * (capture, lsn, source_commit_time, applied_at)}, holding the commit LSN (end of the commit record) of the last source
 * transaction committed into the target.
 *
 * <p>{@link #commit} moves the stored LSN in the sink's open target transaction and commits it, so the applied rows and
 * the LSN become visible together or not at all. The move is guarded: it only happens when the stored LSN is still the
 * one this sink read or last wrote, so a second writer under the same capture name makes the commit fail instead of
 * both committing.
 */
final class AppliedLsn {
    /** The table, in the target schema, of the applied LSN per capture. */
    static final String TABLE = "pgbridge_applied";

    private final Connection connection;
    private final String captureName;
    private final String table;
    private Lsn applied;

    private AppliedLsn(Connection connection, String schema, String captureName) {
        this.connection = requireNonNull(connection, "connection is null");
        this.captureName = requireNonNull(captureName, "captureName is null");
        this.table = QualifiedName.of(requireNonNull(schema, "schema is null"), TABLE).quoted();
    }

    /**
     * Creates the table in {@code schema} (which must exist) when it is missing, adds the row of {@code captureName}
     * at {@code 0/0} when it has none and reads the stored LSN, in the connection's open transaction; the caller
     * commits.
     */
    static AppliedLsn open(Connection connection, String schema, String captureName) throws SQLException {
        AppliedLsn lsn = new AppliedLsn(connection, schema, captureName);
        if (TableShape.read(connection, schema, TABLE).isEmpty()) {
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + lsn.table + " (capture text PRIMARY KEY, "
                        + "lsn pg_lsn NOT NULL, source_commit_time timestamptz, "
                        + "applied_at timestamptz NOT NULL DEFAULT now())");
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + lsn.table
                + " (capture, lsn) VALUES (?, '0/0') ON CONFLICT (capture) DO NOTHING")) {
            ps.setString(1, captureName);
            ps.executeUpdate();
        }
        lsn.applied = lsn.stored();
        return lsn;
    }

    /** The commit LSN of the last source transaction committed into the target, as this sink knows it. */
    Lsn applied() {
        return applied;
    }

    /**
     * Moves the stored LSN from {@link #applied()} to {@code to} (the source transaction's commit time beside it) and
     * commits the open target transaction with it.
     *
     * @throws IllegalStateException when another writer moved the stored LSN since this sink read or wrote it; nothing
     *                               is committed then
     */
    void commit(Lsn to, Instant sourceCommitTime) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + table + " SET lsn = ?::pg_lsn, "
                + "source_commit_time = ?, applied_at = now() WHERE capture = ? AND lsn = ?::pg_lsn")) {
            ps.setString(1, to.toString());
            ps.setObject(2, OffsetDateTime.ofInstant(sourceCommitTime, ZoneOffset.UTC));
            ps.setString(3, captureName);
            ps.setString(4, applied.toString());
            if (ps.executeUpdate() != 1) {
                Lsn now = stored();
                throw new IllegalStateException("the applied LSN of capture " + captureName + " in " + table + " is "
                        + now + ", not " + applied + " as this sink left it: another process applies a capture of "
                        + "that name into the same schema; give each capture its own name or target schema");
            }
        }
        connection.commit();
        applied = to;
    }

    /** The LSN in the capture's row; {@link Lsn#INVALID} when the row is gone. */
    private Lsn stored() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT lsn::text FROM " + table
                + " WHERE capture = ?")) {
            ps.setString(1, captureName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Lsn.valueOf(rs.getString(1)) : Lsn.INVALID;
            }
        }
    }
}
