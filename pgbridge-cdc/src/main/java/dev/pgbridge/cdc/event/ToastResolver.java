package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;
import dev.pgbridge.pgtype.TypeResolver;
import dev.pgbridge.sql.Identifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * <p>Trade-off: the query reads the row as it is <em>now</em>, not as it was at that commit. That is safe for
 * at-least-once delivery replayed in order: if the value changed again after this event, the later change is in the
 * stream and will follow with its own value (an UPDATE of the large column itself always sends it); if the row is
 * gone, a delete follows — the column is then sent as null in this (superseded) event and a warning is logged.
 * The alternatives cost more everywhere: REPLICA IDENTITY FULL doubles the WAL written for every update and
 * delete of that table. The cost here is paid only by updates that do not touch a TOASTed column of a table that
 * has one, and it is proportional to their number.
 */
public final class ToastResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ToastResolver.class);

    /** Hands out the connection to read from (may reconnect). */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection get() throws SQLException;
    }

    private final ConnectionSource connections;
    private final TypeResolver types;
    private final Map<TableId, Map<String, ColumnType>> columnTypes = new LinkedHashMap<>();
    private long lookups;

    private record ColumnType(int oid, String sqlName) {
    }

    public ToastResolver(ConnectionSource connections, TypeResolver types) {
        this.connections = requireNonNull(connections, "connections is null");
        this.types = requireNonNull(types, "types is null");
    }

    /** How many rows were read from the source so far. */
    public long lookups() {
        return lookups;
    }

    /** The event with every unchanged TOAST column filled in from the source row; other events as they are. */
    public ChangeEvent resolve(ChangeEvent event) {
        if (event.unchangedToast().isEmpty()) {
            return event;
        }
        try {
            return fetch(event);
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot read the unchanged TOAST columns " + event.unchangedToast() + " of "
                    + event.table() + " from the source: " + e.getMessage(), e);
        }
    }

    private ChangeEvent fetch(ChangeEvent event) throws SQLException {
        if (event.key() == null || event.key().isEmpty()) {
            throw new IllegalStateException("an update of " + event.table() + " has unchanged TOAST columns "
                    + event.unchangedToast() + " and no key to read them by; set REPLICA IDENTITY FULL on the table");
        }
        Connection c = connections.get();
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
                if (!rs.next()) {
                    LOG.warn("{} row with key {} is gone; its unchanged TOAST columns {} are sent as null "
                            + "(a later delete supersedes this event)", event.table(), keyColumns, columns);
                    return event.resolved(after);
                }
                for (int i = 0; i < columns.size(); i++) {
                    ColumnType type = typesOf.get(columns.get(i));
                    PgType pgType = type == null ? PgType.unknown(0) : types.resolve(type.oid());
                    after.set(columns.get(i), PgJson.node(pgType, rs.getString(i + 1)));
                }
            }
        }
        return event.resolved(after);
    }

    private Map<String, ColumnType> columnTypes(Connection c, TableId table) throws SQLException {
        Map<String, ColumnType> cached = columnTypes.get(table);
        if (cached != null) {
            return cached;
        }
        Map<String, ColumnType> result = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, a.atttypid, pg_catalog.format_type(a.atttypid, a.atttypmod)
                FROM pg_catalog.pg_attribute a
                JOIN pg_catalog.pg_class r ON r.oid = a.attrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
                WHERE n.nspname = ? AND r.relname = ? AND a.attnum > 0 AND NOT a.attisdropped""")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString(1), new ColumnType(rs.getInt(2), rs.getString(3)));
                }
            }
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
