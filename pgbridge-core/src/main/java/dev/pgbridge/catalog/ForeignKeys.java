package dev.pgbridge.catalog;

import dev.pgbridge.sql.QualifiedName;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The foreign keys declared on the tables of a schema, in one query per schema. A partitioned table's foreign key is
 * listed once, on the partitioned table (the copies PostgreSQL makes on its partitions are left out). PostgreSQL 12
 * and later. The connection stays the caller's; {@link SQLException}s are left to the caller to translate.
 */
public final class ForeignKeys {
    /**
     * One foreign key.
     *
     * @param table             the referencing table
     * @param columns           its columns, in key order
     * @param referenced        the referenced table
     * @param referencedColumns the referenced columns, in key order (matching {@code columns} one to one)
     */
    public record ForeignKey(QualifiedName table, String name, List<String> columns, QualifiedName referenced,
                             List<String> referencedColumns) {
        public ForeignKey {
            requireNonNull(table, "table is null");
            requireNonNull(name, "name is null");
            requireNonNull(referenced, "referenced is null");
            columns = List.copyOf(columns);
            referencedColumns = List.copyOf(referencedColumns);
        }
    }

    private static final String KEY_COLUMNS = """
            ARRAY(SELECT a.attname FROM unnest(con.%s) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.%s AND a.attnum = k.attnum ORDER BY k.ord)""";

    private static final String FOREIGN_KEYS = """
            SELECT n.nspname, t.relname, con.conname, %s, rn.nspname, rt.relname, %s
            FROM pg_catalog.pg_constraint con
            JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_catalog.pg_class rt ON rt.oid = con.confrelid
            JOIN pg_catalog.pg_namespace rn ON rn.oid = rt.relnamespace
            WHERE con.contype = 'f' AND con.conparentid = 0 AND n.nspname = ?
            ORDER BY t.relname, con.conname""".formatted(KEY_COLUMNS.formatted("conkey", "conrelid"),
            KEY_COLUMNS.formatted("confkey", "confrelid"));

    private ForeignKeys() {
    }

    /** The foreign keys of the tables in {@code schema} (exactly as stored), by table and constraint name. */
    public static List<ForeignKey> read(Connection connection, String schema) throws SQLException {
        requireNonNull(schema, "schema is null");
        List<ForeignKey> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(FOREIGN_KEYS)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ForeignKey(QualifiedName.of(rs.getString(1), rs.getString(2)), rs.getString(3),
                            strings(rs.getArray(4)), QualifiedName.of(rs.getString(5), rs.getString(6)),
                            strings(rs.getArray(7))));
                }
            }
        }
        return out;
    }

    private static List<String> strings(Array array) throws SQLException {
        try {
            return Arrays.asList((String[]) array.getArray());
        }
        finally {
            array.free();
        }
    }
}
