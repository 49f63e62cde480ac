package dev.pgbridge.cdc.backfill;

import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.connection.JdbcTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a whole table in the snapshot that a temporary logical replication slot exports: {@code
 * CREATE_REPLICATION_SLOT … TEMPORARY LOGICAL pgoutput EXPORT_SNAPSHOT} on a replication connection gives the
 * slot's consistent point and a snapshot name; a normal connection imports it ({@code SET TRANSACTION SNAPSHOT} as
 * the first statement of a REPEATABLE READ transaction) and reads the table with a cursor. The snapshot holds
 * exactly the transactions that committed before the consistent point, so a log event of the table belongs to it
 * iff its commit ends at or before that point. The replication connection (and with it the temporary slot) is
 * closed as soon as the snapshot is imported.
 */
final class ExportedSnapshotRead implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExportedSnapshotRead.class);
    private static final Pattern SNAPSHOT_NAME = Pattern.compile("[0-9A-Fa-f-]{1,64}");

    private final TableShape shape;
    private final Connection reader;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final Lsn consistentPoint;
    private TableShape.Row lookahead;
    private boolean exhausted;

    private ExportedSnapshotRead(TableShape shape, Connection reader, PreparedStatement statement, ResultSet rows,
                                 Lsn consistentPoint) {
        this.shape = shape;
        this.reader = reader;
        this.statement = statement;
        this.rows = rows;
        this.consistentPoint = consistentPoint;
    }

    static ExportedSnapshotRead open(JdbcTarget target, JdbcTarget readerTarget, TableShape shape,
                                     String temporarySlot, int fetchSize) throws SQLException {
        Connection replication = target.with(JdbcTarget.Session.LOGICAL_REPLICATION).connect();
        Connection reader = null;
        try {
            Lsn point;
            String snapshot;
            try (Statement s = replication.createStatement();
                 ResultSet rs = s.executeQuery("CREATE_REPLICATION_SLOT " + temporarySlot
                         + " TEMPORARY LOGICAL pgoutput EXPORT_SNAPSHOT")) {
                rs.next();
                point = Lsn.valueOf(rs.getString("consistent_point"));
                snapshot = rs.getString("snapshot_name");
            }
            if (snapshot == null || !SNAPSHOT_NAME.matcher(snapshot).matches()) {
                throw new SQLException("the temporary slot " + temporarySlot + " exported no usable snapshot ("
                        + snapshot + ")");
            }
            reader = readerTarget.connect();
            reader.setAutoCommit(false);
            reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = reader.createStatement()) {
                // a snapshot name cannot be a bound parameter; it was checked to be hex digits and dashes
                s.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
            }
            PreparedStatement ps = reader.prepareStatement(shape.allRowsSql());
            ps.setFetchSize(fetchSize);
            ResultSet rs = ps.executeQuery();
            LOG.info("backfill of {}: reading in snapshot {} exported by temporary slot {} at {}", shape.table(),
                    snapshot, temporarySlot, point);
            return new ExportedSnapshotRead(shape, reader, ps, rs, point);
        }
        catch (SQLException | RuntimeException e) {
            if (reader != null) {
                reader.abort(Runnable::run);
            }
            throw e;
        }
        finally {
            // ends the exporting transaction and drops the temporary slot; the imported snapshot lives on
            try {
                replication.close();
            }
            catch (SQLException e) {
                LOG.debug("closing the snapshot's replication connection: {}", e.getMessage());
            }
        }
    }

    Lsn consistentPoint() {
        return consistentPoint;
    }

    /** Up to {@code max} rows; empty once every row was read. */
    List<TableShape.Row> next(int max) throws SQLException {
        List<TableShape.Row> out = new ArrayList<>();
        if (lookahead != null) {
            out.add(lookahead);
            lookahead = null;
        }
        while (out.size() < max && !exhausted) {
            if (rows.next()) {
                out.add(shape.row(rows));
            }
            else {
                exhausted = true;
            }
        }
        if (!exhausted) {
            if (rows.next()) {
                lookahead = shape.row(rows);
            }
            else {
                exhausted = true;
            }
        }
        return out;
    }

    /** True when the rows handed out so far were all. */
    boolean exhausted() {
        return exhausted && lookahead == null;
    }

    @Override
    public void close() {
        try {
            rows.close();
            statement.close();
            reader.commit();
            reader.close();
        }
        catch (SQLException e) {
            LOG.debug("closing the snapshot reader: {}", e.getMessage());
            try {
                reader.abort(Runnable::run);
            }
            catch (SQLException ignored) {
                LOG.debug("abort of the snapshot reader: {}", ignored.getMessage());
            }
        }
    }
}
