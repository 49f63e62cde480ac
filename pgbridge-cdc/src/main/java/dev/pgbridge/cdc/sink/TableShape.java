package dev.pgbridge.cdc.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A table's columns as its database prints their types ({@code format_type}: {@code numeric(10,2)},
 * {@code timestamp with time zone[]}, an enum's name) and its primary key in key order, read from
 * {@code pg_catalog} in one query. Generated columns are left out: logical replication does not send them, and a
 * copy computes its own or has none.
 */
record TableShape(List<Column> columns, List<String> primaryKey) {
    TableShape {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /** A column: its name, its type as SQL text and the type's oid in the database it was read from. */
    record Column(String name, String type, int typeOid) {
        Column {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    private static final String COLUMNS = """
            SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid::bigint,
                   (SELECT pg_catalog.array_position(i.indkey::int2[], a.attnum) FROM pg_catalog.pg_index i
                    WHERE i.indrelid = c.oid AND i.indisprimary) AS key_position
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
            WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'f')
              AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            ORDER BY a.attnum
            """;

    /** The table {@code schema.table} of the connected database; empty when there is no such table. */
    static Optional<TableShape> read(Connection connection, String schema, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        TreeMap<Integer, String> key = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), (int) rs.getLong(3)));
                    int position = rs.getInt(4);
                    if (!rs.wasNull()) {
                        key.put(position, rs.getString(1));
                    }
                }
            }
        }
        return columns.isEmpty() ? Optional.empty() : Optional.of(new TableShape(columns, List.copyOf(key.values())));
    }

    Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
