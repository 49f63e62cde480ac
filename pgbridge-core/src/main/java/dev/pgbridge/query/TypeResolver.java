package dev.pgbridge.query;

import org.postgresql.PGResultSetMetaData;
import org.postgresql.jdbc.PgResultSet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Finds the {@link ValueType} of a type OID on one connection: built-in types from a fixed table, every other
 * type (enums, domains, composite types, arrays of them, extension types) from {@code pg_type}, once per OID.
 * A domain maps as its base type; an array as an array of its element type; anything else as text.
 *
 * <p>Not thread-safe: use it from the thread that uses the connection.
 */
public final class TypeResolver {
    private static final String LOOKUP = """
            SELECT t.typname, t.typtype, t.typbasetype, t.typelem, t.typcategory, t.typlen, e.typdelim
            FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem
            WHERE t.oid = ?""";
    private static final int MAX_DEPTH = 16;

    private final Connection connection;
    private final Map<Integer, ValueType> cache = new HashMap<>();

    public TypeResolver(Connection connection) {
        this.connection = requireNonNull(connection, "connection is null");
    }

    /**
     * The columns of a result: names exactly as PostgreSQL labels them, and their types. Values must come in
     * PostgreSQL's text format (pgbridge never lets pgjdbc switch a statement to binary results); a binary column
     * is a bug and fails here rather than print pgjdbc's rendering of it.
     */
    public List<Column> columns(ResultSet rs) throws SQLException {
        ResultSetMetaData metaData = rs.getMetaData();
        PGResultSetMetaData pgMetaData = metaData.unwrap(PGResultSetMetaData.class);
        PgResultSet pgResult = rs.unwrap(PgResultSet.class);
        int count = metaData.getColumnCount();
        List<Column> columns = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            if (pgMetaData.getFormat(i) != 0) {
                throw new IllegalStateException("column " + i + " arrived in binary format; pgbridge reads text only");
            }
            int oid = pgResult.getColumnOID(i);
            columns.add(new Column(metaData.getColumnLabel(i), resolve(oid), oid));
        }
        return List.copyOf(columns);
    }

    /**
     * The current row of {@code rs} as a {@link Row}: the text of each value as the bytes that came in (bytea too:
     * its text form, not the decoded bytes).
     */
    static Row row(ResultSet rs, List<Column> columns) throws SQLException {
        int width = columns.size();
        byte[][] values = new byte[width][];
        for (int i = 0; i < width; i++) {
            if (columns.get(i).type().kind() == ValueType.Kind.BYTEA) {
                String text = rs.getString(i + 1); // getBytes would decode it
                values[i] = text == null ? null : text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            else {
                values[i] = rs.getBytes(i + 1); // text format: the bytes as received, not copied
            }
        }
        return Row.wrapUtf8(values);
    }

    /** The type with this OID. */
    public ValueType resolve(int oid) throws SQLException {
        return resolve(oid, 0);
    }

    private ValueType resolve(int oid, int depth) throws SQLException {
        ValueType known = ValueType.builtIn(oid).orElse(cache.get(oid));
        if (known != null) {
            return known;
        }
        if (depth > MAX_DEPTH) {
            return ValueType.text("oid " + oid);
        }
        ValueType type;
        try (PreparedStatement ps = connection.prepareStatement(LOOKUP)) {
            ps.setInt(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    type = ValueType.text("oid " + oid);
                }
                else {
                    type = describe(rs, depth);
                }
            }
        }
        cache.put(oid, type);
        return type;
    }

    private ValueType describe(ResultSet rs, int depth) throws SQLException {
        String name = rs.getString(1);
        String typtype = rs.getString(2);
        int baseType = rs.getInt(3);
        int element = rs.getInt(4);
        String category = rs.getString(5);
        int length = rs.getInt(6);
        String delimiter = rs.getString(7);
        if ("d".equals(typtype) && baseType != 0) {
            ValueType base = resolve(baseType, depth + 1);
            return new ValueType(base.kind(), name, base.element(), base.delimiter());
        }
        if ("A".equals(category) && element != 0 && length == -1) {
            ValueType elementType = resolve(element, depth + 1);
            char d = delimiter == null || delimiter.isEmpty() ? ',' : delimiter.charAt(0);
            return ValueType.arrayOf(elementType, d);
        }
        return ValueType.text(name);
    }
}
