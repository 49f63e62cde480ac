package dev.pgbridge.cdc.backfill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.RowText;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;
import dev.pgbridge.pgtype.TypeResolver;
import dev.pgbridge.sql.Identifier;
import dev.pgbridge.sql.QualifiedName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * A table as a backfill reads it, from {@code pg_catalog}: the published columns (generated columns are not
 * published) with their types, the pagination key (the primary key, else the replica-identity index) and the event
 * key — chosen exactly as the stream's relation cache chooses it, so a backfill row and a log event of the same row
 * carry the same key.
 *
 * <p>Rows are read as PostgreSQL prints them (the connection must not use binary transfer) and kept as that text
 * ({@link RowText}); the sink maps them with {@link PgJson}, the mapping the log events use.
 */
final class TableShape {
    record Column(String name, int typeOid, String sqlType, PgType type) {
    }

    /**
     * A row read: its image as read (wire text), its event key, and the indexes of the pagination-key columns (shared
     * by the rows of a shape).
     */
    record Row(RowText after, ObjectNode key, int[] orderColumns) {
        /** The text of each pagination-key column, decoded when asked (a chunk needs it of its last rows only). */
        List<String> orderKeyText() {
            String[] text = new String[orderColumns.length];
            for (int k = 0; k < text.length; k++) {
                text[k] = after.text(orderColumns[k]);
            }
            return Arrays.asList(text);
        }
    }

    private final TableId table;
    private final long oid;
    private final String fingerprint;
    private final List<Column> columns;
    private final List<String> orderKey;
    private final List<String> eventKey;
    private final RowText.Columns rowColumns;
    private int[] orderIndexes;
    private int[] keyIndexes;

    private TableShape(TableId table, long oid, String fingerprint, List<Column> columns, List<String> orderKey,
                       List<String> eventKey) {
        this.table = requireNonNull(table, "table is null");
        this.oid = oid;
        this.fingerprint = fingerprint;
        this.columns = List.copyOf(columns);
        this.orderKey = List.copyOf(orderKey);
        this.eventKey = List.copyOf(eventKey);
        this.rowColumns = new RowText.Columns(table.toString(), columns.stream().map(Column::name).toList(),
                columns.stream().map(Column::type).toList());
    }

    /**
     * What the shape is read from, as one text for the table whose OID is {@code oid} (an SQL expression): replica
     * identity, the columns (name, type, modifier, generated) and the primary-key and identity indexes. Null when the
     * table is gone.
     */
    private static String fingerprintSql(String oid, boolean hasGenerated) {
        return "(SELECT fc.relreplident::text || ':' || coalesce((SELECT pg_catalog.string_agg(a.attnum || ' ' "
                + "|| a.attname || ' ' || a.atttypid || ' ' || a.atttypmod"
                + (hasGenerated ? " || ' ' || a.attgenerated::text" : "") + ", ',' ORDER BY a.attnum) "
                + "FROM pg_catalog.pg_attribute a WHERE a.attrelid = fc.oid AND a.attnum > 0 AND NOT a.attisdropped), "
                + "'') || ':' || coalesce((SELECT pg_catalog.string_agg(i.indexrelid || ' ' || i.indisprimary || ' ' "
                + "|| i.indisreplident || ' ' || i.indkey::text, ',' ORDER BY i.indexrelid) FROM pg_catalog.pg_index i "
                + "WHERE i.indrelid = fc.oid AND (i.indisprimary OR i.indisreplident)), '') "
                + "FROM pg_catalog.pg_class fc WHERE fc.oid = " + oid + ")";
    }

    /**
     * Reads the shape through core's {@link TableShapes}. The fingerprint is read first: a change committed after it
     * makes the first chunk stale, and the shape is then read again.
     */
    static TableShape read(Connection c, TableId table, TypeResolver types) throws SQLException {
        String fingerprint;
        try (PreparedStatement ps = c.prepareStatement("SELECT "
                + fingerprintSql("c.oid", c.getMetaData().getDatabaseMajorVersion() >= 12)
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                fingerprint = rs.next() ? rs.getString(1) : null;
            }
        }
        var shape = TableShapes.read(c, QualifiedName.of(table.schema(), table.table())).orElse(null);
        if (fingerprint == null || shape == null) {
            throw new SQLException("table " + table + " no longer exists", "42P01");
        }
        List<Column> columns = new ArrayList<>();
        for (var column : shape.writableColumns()) {
            columns.add(new Column(column.name(), column.typeOid(), column.type(), types.resolve(column.typeOid())));
        }
        long oid = shape.oid();
        char identity = shape.replicaIdentity().code();
        List<String> pk = shape.primaryKey();
        List<String> identityIndex = shape.identityIndex();
        List<String> names = columns.stream().map(Column::name).toList();
        List<String> orderKey = !pk.isEmpty() ? pk : identity == 'i' ? identityIndex : List.of();
        List<String> eventKey = switch (identity) {
            // as the relation cache: FULL is keyed by the primary key when there is one, else by the whole row
            case 'f' -> !pk.isEmpty() && names.containsAll(pk) ? pk : names;
            // DEFAULT and USING INDEX: the identity columns, in column order (the order of the Relation message)
            case 'd' -> names.stream().filter(pk::contains).toList();
            case 'i' -> names.stream().filter(identityIndex::contains).toList();
            default -> List.of();
        };
        return new TableShape(table, oid, fingerprint, columns, orderKey, eventKey);
    }

    TableId table() {
        return table;
    }

    /** The pagination key; empty for a table without a primary key or identity index. */
    List<String> orderKey() {
        return orderKey;
    }

    private String columnList() {
        return columns.stream().map(col -> "s." + Identifier.quote(col.name())).collect(Collectors.joining(", "));
    }

    private String from() {
        return " FROM " + QualifiedName.of(table.schema(), table.table()).quoted() + " AS s";
    }

    /** The next chunk: {@code WHERE (k1, k2) > (?, ?) ORDER BY k1, k2 LIMIT ?}; values bound as text, cast. */
    String chunkSql(boolean first) {
        String keys = orderKey.stream().map(k -> "s." + Identifier.quote(k)).collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder("SELECT ").append(columnList()).append(from());
        if (!first) {
            sql.append(" WHERE (").append(keys).append(") > (");
            for (int i = 0; i < orderKey.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(column(orderKey.get(i)).sqlType())
                        .append(')');
            }
            sql.append(')');
        }
        return sql.append(" ORDER BY ").append(keys).append(" LIMIT ?").toString();
    }

    /** Every row, in no particular order. */
    String allRowsSql() {
        return "SELECT " + columnList() + from();
    }

    /**
     * Rows read together with the snapshot they were read in ({@code txid_current_snapshot()} text); or, when the
     * table changed since this shape was read ({@code stale}), nothing.
     */
    record Chunk(List<Row> rows, String snapshot, boolean stale, boolean cutShort) {
        /** Nothing read: the table changed since its shape was read. */
        static Chunk staleAt(String snapshot) {
            return new Chunk(List.of(), snapshot, true, false);
        }
    }

    /**
     * Reads one chunk after {@code after} (null: from the start) in one transaction, with that transaction's
     * snapshot, so the caller can tell which transactions the rows include. The connection's transactions must be
     * REPEATABLE READ (one snapshot for both statements). The table is locked (ACCESS SHARE) before the snapshot is
     * taken; the first query also checks that the table still has this shape; if not, nothing is read and the chunk
     * is {@code stale}.
     */
    Chunk readChunkWithSnapshot(Connection c, List<String> after, int limit) throws SQLException {
        return readChunkWithSnapshot(c, after, limit, limit, Long.MAX_VALUE);
    }

    /**
     * {@link #readChunkWithSnapshot(Connection, List, int)} fetching {@code fetch} rows at a time and stopping once
     * the rows read hold {@code maxBytes} of text: such a chunk is {@code cutShort} (the table may go on after it).
     */
    Chunk readChunkWithSnapshot(Connection c, List<String> after, int limit, int fetch, long maxBytes)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            // the lock first, before the snapshot is taken: no DDL can commit until the chunk is read (a table
            // rewrite committed after the snapshot would look empty to it, as if the table were done); both
            // statements go in one round trip
            String snapshot;
            String now;
            try (PreparedStatement ps = c.prepareStatement("LOCK TABLE "
                    + QualifiedName.of(table.schema(), table.table()).quoted() + " IN ACCESS SHARE MODE; SELECT "
                    + "pg_catalog.txid_current_snapshot()::text, "
                    + fingerprintSql("?::oid", c.getMetaData().getDatabaseMajorVersion() >= 12))) {
                ps.setLong(1, oid);
                ps.execute();
                if (!ps.getMoreResults()) {
                    throw new IllegalStateException("the snapshot query of " + table + " returned no rows");
                }
                try (ResultSet rs = ps.getResultSet()) {
                    rs.next();
                    snapshot = rs.getString(1);
                    now = rs.getString(2);
                }
            }
            if (!java.util.Objects.equals(now, fingerprint)) {
                c.rollback();
                return Chunk.staleAt(snapshot);
            }
            List<Row> rows = new ArrayList<>();
            boolean cutShort = readChunk(c, after, limit, fetch, maxBytes, rows);
            c.commit();
            return new Chunk(rows, snapshot, false, cutShort);
        }
        catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
        finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Reads one chunk after {@code after} (null: from the start) into {@code rows}, {@code fetch} rows a round trip;
     * true when it stopped early because the rows read hold {@code maxBytes} of text.
     */
    private boolean readChunk(Connection c, List<String> after, int limit, int fetch, long maxBytes, List<Row> rows)
            throws SQLException {
        if (after != null && after.size() != orderKey.size()) {
            throw new IllegalStateException("the checkpoint's last key " + after + " of " + table + " does not fit its "
                    + "key " + orderKey + " (was the key changed?); drop the table's backfill entry to start over");
        }
        try (PreparedStatement ps = c.prepareStatement(chunkSql(after == null))) {
            int p = 1;
            if (after != null) {
                for (String value : after) {
                    ps.setString(p++, value);
                }
            }
            ps.setInt(p, limit);
            // inside the chunk's transaction: a cursor, so a cut-short read leaves the rest. Fewer rows a round trip
            // than the chunk (a table's first chunk, whose width is unknown): the first round trip is one row, each
            // next one as many as fit in what is left of maxBytes at the width read so far (at most fetch), so that a
            // round trip of rows of tens of megabytes never holds more than about maxBytes
            boolean widthUnknown = fetch < limit;
            ps.setFetchSize(widthUnknown ? 1 : fetch);
            long bytes = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row row = row(rs);
                    rows.add(row);
                    bytes += row.after().textBytes();
                    if (bytes >= maxBytes && rows.size() < limit) {
                        return true;
                    }
                    if (widthUnknown) {
                        long perRow = bytes / rows.size() + 1;
                        rs.setFetchSize((int) Math.max(1, Math.min(fetch, (maxBytes - bytes) / perRow)));
                    }
                }
            }
        }
        return false;
    }

    /**
     * The current row of {@code rs}: its values kept as the bytes that came in (no {@code String} or JSON node per
     * value; the sink writes them); the event key's columns decoded for its key.
     */
    Row row(ResultSet rs) throws SQLException {
        int[] order = orderIndexes();
        int[] keys = keyIndexes();
        int width = columns.size();
        byte[][] values = new byte[width][];
        for (int i = 0; i < width; i++) {
            values[i] = dev.pgbridge.query.Row.textBytes(rs, i + 1, columns.get(i).type());
        }
        RowText after = new RowText(rowColumns, values);
        ObjectNode key = null;
        if (keys.length > 0) {
            key = EventJson.MAPPER.createObjectNode();
            for (int i : keys) {
                Column col = columns.get(i);
                try {
                    key.set(col.name(), PgJson.node(col.type(), after.text(i)));
                }
                catch (RuntimeException e) {
                    throw after.cannotMapColumn(i, e);
                }
            }
        }
        return new Row(after, key, order);
    }

    /** The column index of each event-key column, found once. */
    private int[] keyIndexes() {
        if (keyIndexes == null) {
            keyIndexes = indexes(eventKey);
        }
        return keyIndexes;
    }

    /** The column index of each pagination-key column, found once. */
    private int[] orderIndexes() {
        if (orderIndexes == null) {
            orderIndexes = indexes(orderKey);
        }
        return orderIndexes;
    }

    private int[] indexes(List<String> names) {
        int[] found = new int[names.size()];
        for (int k = 0; k < found.length; k++) {
            found[k] = index(names.get(k));
        }
        return found;
    }

    private int index(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("key column " + name + " of " + table + " is not a published column");
    }

    private Column column(String name) {
        return columns.get(index(name));
    }
}
