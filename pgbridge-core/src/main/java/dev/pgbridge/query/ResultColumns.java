package dev.pgbridge.query;

import org.postgresql.PGResultSetMetaData;
import org.postgresql.jdbc.PgResultSet;

import dev.pgbridge.pgtype.PgType;
import dev.pgbridge.pgtype.TypeCatalog;
import dev.pgbridge.pgtype.TypeResolver;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The columns of a result as pgbridge maps them: names exactly as PostgreSQL labels them, types resolved by oid
 * through the one resolver ({@link TypeResolver}, over this connection's {@code pg_type}), values as their text.
 *
 * <p>Not thread-safe: use it from the thread that uses the connection.
 */
final class ResultColumns {
    private final TypeResolver types;

    ResultColumns(Connection connection) {
        this.types = new TypeResolver(TypeCatalog.of(requireNonNull(connection, "connection is null")));
    }

    /**
     * The columns of a result: names exactly as PostgreSQL labels them, and their types. Values must come in
     * PostgreSQL's text format (pgbridge never lets pgjdbc switch a statement to binary results); a binary column
     * is a bug and fails here rather than print pgjdbc's rendering of it.
     */
    List<Column> columns(ResultSet rs) throws SQLException {
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

    private PgType resolve(int oid) throws SQLException {
        try {
            return types.resolve(oid);
        }
        catch (TypeCatalog.ReadFailure e) {
            throw e.getCause();
        }
    }

    /**
     * The current row of {@code rs} as a {@link Row}: the text of each value as the bytes that came in (bytea too:
     * its text form, not the decoded bytes).
     */
    static Row row(ResultSet rs, List<Column> columns) throws SQLException {
        int width = columns.size();
        byte[][] values = new byte[width][];
        for (int i = 0; i < width; i++) {
            values[i] = Row.textBytes(rs, i + 1, columns.get(i).type());
        }
        return Row.wrapUtf8(values);
    }
}
