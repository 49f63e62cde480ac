package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;
import dev.pgbridge.pgtype.TypeResolver;
import dev.pgbridge.sql.Identifier;
import dev.pgbridge.sql.QualifiedName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import static java.util.Objects.requireNonNull;

/**
 * Fills in unchanged TOAST columns, so that no sink ever sees a placeholder.
 *
 * <p>When PostgreSQL logs an UPDATE that leaves a large out-of-line (TOASTed) value untouched, pgoutput does not
 * send that value: the column arrives as "unchanged TOAST" ('u'). Under REPLICA IDENTITY FULL the old row in the
 * same message carries the value, and {@link ChangeEventFactory} takes it from there — no cost. Under every other
 * replica identity the value is not in the WAL stream at all, and this class reads it from the source:
 * {@code SELECT col::text … FROM table WHERE key = ?}, one indexed lookup (one round trip) per such event, on a
 * normal connection, at the time the transaction is handed to the sink.
 *
 * <p><b>Visibility first.</b> PostgreSQL can send a transaction's commit to the walsender before the transaction is
 * visible to other sessions: its commit record is flushed, but its backend has not yet left the proc array (for
 * instance while it waits for a synchronous standby). A read then would see the row as it was before the
 * transaction — the old value, or no row at all under a key that the transaction just moved. So before the first
 * lookup of a transaction's events, this class waits until that transaction is visible in a fresh snapshot
 * ({@code txid_visible_in_snapshot} against {@code txid_current_snapshot()}, PostgreSQL 12 to 18; pgoutput's 32-bit
 * xid is widened to the 64-bit txid relative to the snapshot's xmax in the same statement), with backoff, for at most
 * {@code visibilityTimeout}; then the capture stops with {@link ErrorCode#TIMEOUT}. One check per transaction: the
 * last transaction seen visible is remembered. The check and the lookup are two autocommit statements, which is
 * enough: once a transaction is visible to one snapshot, it is visible to every later one.
 *
 * <p><b>What a lookup reads.</b> The row as it is now, in a snapshot that sees the event's transaction: the event's
 * own value, or a newer one. That is safe for at-least-once delivery replayed in order: a newer value was written by
 * a later transaction, which is in the stream and follows with its own value (an UPDATE of the large column itself
 * always sends it). When the row is gone, a later transaction deleted it or moved its key, so a delete of that key
 * must follow in the stream: the columns are sent as null in this (superseded) event, and {@link ToastObligations}
 * records the delete that must come before the stream passes the WAL position of the read — if it does not, the
 * capture stops with {@link ErrorCode#DATA_INTEGRITY} instead of leaving the null in place.
 *
 * <p>Cost: only events with unchanged TOAST columns pay, one visibility check per transaction and one lookup per
 * event; every other event passes through untouched. REPLICA IDENTITY FULL avoids the reads but doubles the WAL
 * written for every update and delete of that table.
 */
public final class ToastResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ToastResolver.class);
    /** Whether the event's transaction is visible in a new snapshot (the xid widened against its xmax). */
    private static final String VISIBLE = "SELECT pg_catalog.txid_visible_in_snapshot(" + widenedTxid("?", "s.xmax")
            + ", s.snapshot) FROM (SELECT c.snapshot, pg_catalog.txid_snapshot_xmax(c.snapshot) AS xmax "
            + "FROM pg_catalog.txid_current_snapshot() AS c(snapshot)) s";
    /**
     * The WAL position after the lookup's snapshot: every transaction that snapshot sees inserted its commit record
     * below it (the insert position, not the write position: an asynchronous commit is visible before it is written).
     */
    private static final String READ_AT = "SELECT CASE WHEN pg_catalog.pg_is_in_recovery() "
            + "THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_insert_lsn() END::text";
    private static final long FIRST_BACKOFF_NANOS = 1_000_000;
    private static final long MAX_BACKOFF_NANOS = 200_000_000;

    /** Hands out the connection to read from (may reconnect). */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection get() throws SQLException;
    }

    private final ConnectionSource connections;
    private final TypeResolver types;
    private final ToastObligations obligations;
    private final Duration visibilityTimeout;
    private final Map<TableId, Map<String, ColumnType>> columnTypes = new LinkedHashMap<>();
    /** The commit (end LSN) of the transaction last seen visible: the events of one transaction come together. */
    private Lsn visibleCommit = Lsn.INVALID;
    private long lookups;
    private volatile long visibilityWaits;

    private record ColumnType(int oid, String sqlName) {
    }

    public ToastResolver(ConnectionSource connections, TypeResolver types, ToastObligations obligations,
                         Duration visibilityTimeout) {
        this.connections = requireNonNull(connections, "connections is null");
        this.types = requireNonNull(types, "types is null");
        this.obligations = requireNonNull(obligations, "obligations is null");
        this.visibilityTimeout = requireNonNull(visibilityTimeout, "visibilityTimeout is null");
        if (visibilityTimeout.isNegative()) {
            throw new IllegalArgumentException("visibilityTimeout is negative: " + visibilityTimeout);
        }
    }

    /**
     * SQL for the 64-bit txid of the 32-bit xid {@code xid} (pgoutput's), relative to the 64-bit {@code xmax} of a
     * snapshot: the signed 32-bit distance from xmax's low 32 bits, added to xmax — the xid may be at or above xmax
     * (committed, not yet visible) or below it, across an epoch boundary either way.
     */
    static String widenedTxid(String xid, String xmax) {
        return "(" + xmax + " - 2147483648 + ((" + xid + " - " + xmax + " % 4294967296 + 6442450944) % 4294967296))";
    }

    /** How many rows were read from the source so far. */
    public long lookups() {
        return lookups;
    }

    /** How many transactions were not yet visible at their first check, and were waited for. */
    public long visibilityWaits() {
        return visibilityWaits;
    }

    /** The event with every unchanged TOAST column filled in from the source row; other events as they are. */
    public ChangeEvent resolve(ChangeEvent event) {
        if (event.unchangedToast().isEmpty()) {
            return event;
        }
        if (event.key() == null || event.key().isEmpty()) {
            throw new IllegalStateException("an update of " + event.table() + " has unchanged TOAST columns "
                    + event.unchangedToast() + " and no key to read them by; set REPLICA IDENTITY FULL on the table");
        }
        try {
            Connection c = connections.get();
            awaitVisible(c, event);
            return fetch(c, event);
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot read the unchanged TOAST columns " + event.unchangedToast() + " of "
                    + event.table() + " from the source: " + e.getMessage(), e);
        }
    }

    /** Waits until the event's transaction is visible to new snapshots (once per transaction). */
    private void awaitVisible(Connection c, ChangeEvent event) throws SQLException {
        if (event.commitLsn().isValid() && event.commitLsn().equals(visibleCommit)) {
            return;
        }
        long xid = event.txId() & 0xFFFFFFFFL;
        long started = System.nanoTime();
        long backoff = FIRST_BACKOFF_NANOS;
        boolean waited = false;
        try (PreparedStatement ps = c.prepareStatement(VISIBLE)) {
            ps.setLong(1, xid);
            while (!visible(ps)) {
                if (!waited) {
                    waited = true;
                    visibilityWaits++;
                    LOG.debug("transaction {} is in the stream but not yet visible; waiting to read {}", xid,
                            event.table());
                }
                long left = visibilityTimeout.toNanos() - (System.nanoTime() - started);
                if (left <= 0) {
                    throw new PgBridgeException(ErrorCode.TIMEOUT, "transaction " + xid + " (a change of "
                            + event.table() + " at " + event.lsn() + ") is in the replication stream but still not "
                            + "visible to new snapshots after " + visibilityTimeout.toSeconds() + " s, so its unchanged "
                            + "TOAST columns " + event.unchangedToast() + " cannot be read back",
                            "its session has written its commit but not finished it — most often it waits for a "
                            + "synchronous standby: look for wait_event = 'SyncRep' in pg_stat_activity and check "
                            + "synchronous_standby_names; the capture goes on from its checkpoint when started again");
                }
                LockSupport.parkNanos(Math.min(backoff, left));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new PgBridgeException(ErrorCode.CANCELED, "interrupted while waiting for transaction "
                            + xid + " to become visible", "the capture goes on from its checkpoint when started again");
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
            }
        }
        visibleCommit = event.commitLsn();
    }

    private static boolean visible(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private ChangeEvent fetch(Connection c, ChangeEvent event) throws SQLException {
        Map<String, ColumnType> typesOf = columnTypes(c, event.table());
        List<String> columns = new ArrayList<>(event.unchangedToast());
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(Identifier.quote(columns.get(i))).append("::text");
        }
        sql.append(" FROM ").append(Identifier.quote(event.table().schema())).append('.')
                .append(Identifier.quote(event.table().table())).append(" WHERE ");
        List<String> keyColumns = new ArrayList<>();
        event.key().fieldNames().forEachRemaining(keyColumns::add);
        for (int i = 0; i < keyColumns.size(); i++) {
            ColumnType type = typesOf.get(keyColumns.get(i));
            if (type == null) {
                throw new IllegalStateException("key column " + keyColumns.get(i) + " of " + event.table()
                        + " is no longer in the table");
            }
            sql.append(i == 0 ? "" : " AND ").append(Identifier.quote(keyColumns.get(i)))
                    .append(" = CAST(? AS ").append(type.sqlName()).append(')');
        }
        ObjectNode after = event.after().deepCopy();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < keyColumns.size(); i++) {
                ps.setString(i + 1, keyText(event.key().get(keyColumns.get(i)), typesOf.get(keyColumns.get(i))));
            }
            lookups++;
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    for (int i = 0; i < columns.size(); i++) {
                        ColumnType type = typesOf.get(columns.get(i));
                        PgType pgType = type == null ? PgType.unknown(0) : types.resolve(type.oid());
                        after.set(columns.get(i), PgJson.node(pgType, rs.getString(i + 1)));
                    }
                    return event.resolved(after);
                }
            }
        }
        Lsn readAt = readAt(c);
        obligations.expectDelete(event, readAt);
        LOG.debug("{} row with key {} is gone (read at {}); its unchanged TOAST columns {} are sent as null, and a "
                + "delete of that key must follow", event.table(), event.key(), readAt, columns);
        return event.resolved(after);
    }

    /** The WAL position right after a lookup (see {@link #READ_AT}). */
    private static Lsn readAt(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(READ_AT); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Lsn.valueOf(rs.getString(1));
        }
    }

    private Map<String, ColumnType> columnTypes(Connection c, TableId table) throws SQLException {
        Map<String, ColumnType> cached = columnTypes.get(table);
        if (cached != null) {
            return cached;
        }
        Map<String, ColumnType> result = new LinkedHashMap<>();
        Optional<TableShape> shape = TableShapes.read(c, QualifiedName.of(table.schema(), table.table()));
        for (TableShape.Column column : shape.map(TableShape::columns).orElse(List.of())) {
            result.put(column.name(), new ColumnType(column.typeOid(), column.type()));
        }
        columnTypes.put(table, result);
        return result;
    }

    /** Forgets column types (a schema change). */
    public void forget(TableId table) {
        columnTypes.remove(table);
    }

    /** The text PostgreSQL reads back for a key value in its JSON form. */
    private String keyText(JsonNode value, ColumnType type) {
        if (value == null || value.isNull()) {
            return null;
        }
        return PgJson.toText(types.resolve(type.oid()), value);
    }
}
