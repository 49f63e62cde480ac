package dev.pgbridge.catalog;

import dev.pgbridge.sql.QualifiedName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The one reader of {@link TableShape}s: two queries (relations with their keys, then the columns of all of them)
 * whatever the number of tables, values bound, PostgreSQL 12 and later. Index keys are read in key order and without
 * an index's INCLUDE columns ({@code indnkeyatts}). The columns query joins the relations' oids as a set
 * ({@code unnest}): {@code attrelid = ANY (array)} of 10,000 oids took PostgreSQL 18 four times as long; column
 * comments are joined (one probe of {@code pg_description} per column took a third of the query's time).
 *
 * <p>The connection stays the caller's; {@link SQLException}s are left to the caller to translate.
 */
public final class TableShapes {
    /** The key columns of index {@code i} (INCLUDE columns left out) as attribute numbers in key order, e.g. "3 1". */
    private static final String INDEX_KEY = "pg_catalog.array_to_string((i.indkey::int2[])[0:i.indnkeyatts - 1], ' ')";

    private static final String RELATIONS = """
            SELECT c.oid::bigint, n.nspname, c.relname, c.relkind::text, c.relispartition, c.relreplident::text,
                   (SELECT %1$s FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),
                   (SELECT %1$s FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisreplident),
                   ARRAY(SELECT %1$s FROM pg_catalog.pg_index i
                         WHERE i.indrelid = c.oid AND i.indisunique AND i.indimmediate AND i.indisvalid AND i.indpred IS NULL
                           AND i.indexprs IS NULL
                         ORDER BY i.indisprimary DESC, i.indexrelid)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE %2$s
            ORDER BY n.nspname, c.relname""";

    private static final String COLUMNS = """
            SELECT a.attrelid::bigint, a.attnum, a.attname, a.atttypid::bigint, a.atttypmod,
                   pg_catalog.format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, a.attidentity::text,
                   a.attgenerated::text, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), d.description
            FROM unnest(?::oid[]) AS r(oid)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid
            LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
            LEFT JOIN pg_catalog.pg_description d ON d.objoid = a.attrelid
                 AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = a.attnum
            WHERE a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attrelid, a.attnum""";

    private TableShapes() {
    }

    /** The shape of {@code schema.name} (exactly as stored); empty when there is no such relation. */
    public static Optional<TableShape> read(Connection connection, QualifiedName table) throws SQLException {
        requireNonNull(table, "table is null");
        requireNonNull(table.schema(), "table must be schema-qualified");
        List<TableShape> shapes = query(connection, "n.nspname = ? AND c.relname = ?", table.schema(), table.name());
        return shapes.stream().findFirst();
    }

    /** The shape of the relation with this oid; empty when it is gone. */
    public static Optional<TableShape> read(Connection connection, long oid) throws SQLException {
        return query(connection, "c.oid = ?::oid", oid).stream().findFirst();
    }

    /**
     * The shapes of those of {@code names} (exactly as stored) that exist in {@code schema}, whatever their kind, in
     * one query; ordered by name.
     */
    public static List<TableShape> read(Connection connection, String schema, Collection<String> names)
            throws SQLException {
        requireNonNull(schema, "schema is null");
        return query(connection, "n.nspname = ? AND c.relname = ANY (?)", schema,
                connection.createArrayOf("text", names.toArray()));
    }

    /**
     * The shapes of every table, view, materialized view, partitioned and foreign table of {@code schema} (exactly as
     * stored), partitions left out (as {@link Catalog#tables} lists them), in two queries whatever their number;
     * ordered by name. This is the read for a whole schema: naming thousands of tables costs the server a comparison
     * per name and relation.
     */
    public static List<TableShape> schema(Connection connection, String schema) throws SQLException {
        requireNonNull(schema, "schema is null");
        return query(connection, "n.nspname = ? AND c.relkind IN ('r', 'v', 'm', 'p', 'f') AND NOT c.relispartition",
                schema);
    }

    /**
     * The shapes of the ordinary tables at the leaves of partitioned table {@code rootOid}'s partition tree (foreign
     * partitions left out), ordered by schema and name. PostgreSQL 12 and later ({@code pg_partition_tree}).
     */
    public static List<TableShape> leafPartitions(Connection connection, long rootOid) throws SQLException {
        return query(connection, "c.relkind = 'r' AND c.oid IN "
                + "(SELECT t.relid FROM pg_catalog.pg_partition_tree(?::oid) t WHERE t.isleaf)", rootOid);
    }

    /**
     * The shapes of every ordinary and partitioned table outside PostgreSQL's own schemas; partitions only with
     * {@code includePartitions}. Ordered by schema and name.
     */
    public static List<TableShape> tables(Connection connection, boolean includePartitions) throws SQLException {
        return query(connection, "c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
                + (includePartitions ? "" : " AND NOT c.relispartition"));
    }

    private static List<TableShape> query(Connection connection, String where, Object... values) throws SQLException {
        record Relation(long oid, QualifiedName name, char relkind, boolean partition, ReplicaIdentity identity,
                        String primaryKey, String identityIndex, List<String> uniqueKeys) {
        }
        Map<Long, Relation> relations = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(RELATIONS.formatted(INDEX_KEY, where))) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    relations.put(rs.getLong(1), new Relation(rs.getLong(1),
                            QualifiedName.of(rs.getString(2), rs.getString(3)), rs.getString(4).charAt(0),
                            rs.getBoolean(5), ReplicaIdentity.of(rs.getString(6).charAt(0)), rs.getString(7),
                            rs.getString(8), Arrays.asList((String[]) rs.getArray(9).getArray())));
                }
            }
        }
        if (relations.isEmpty()) {
            return List.of();
        }
        Map<Long, List<TableShape.Column>> columns = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setArray(1, connection.createArrayOf("bigint", relations.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new TableShape.Column(
                            rs.getInt(2), rs.getString(3), (int) rs.getLong(4), rs.getInt(5), rs.getString(6),
                            rs.getBoolean(7), code(rs.getString(8)), code(rs.getString(9)), rs.getString(10),
                            rs.getString(11)));
                }
            }
        }
        List<TableShape> out = new ArrayList<>(relations.size());
        for (Relation r : relations.values()) {
            List<TableShape.Column> own = columns.getOrDefault(r.oid(), List.of());
            List<List<String>> unique = new ArrayList<>();
            for (String key : r.uniqueKeys()) {
                unique.add(names(key, own));
            }
            out.add(new TableShape(r.name(), r.oid(), r.relkind(), r.partition(), r.identity(), own,
                    names(r.primaryKey(), own), names(r.identityIndex(), own), unique));
        }
        return out;
    }

    private static char code(String text) {
        return text == null || text.isEmpty() ? 0 : text.charAt(0);
    }

    /** The names of the columns whose attribute numbers {@code attnums} lists ("3 1"), in that order. */
    private static List<String> names(String attnums, List<TableShape.Column> columns) {
        if (attnums == null || attnums.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String n : attnums.split(" ")) {
            int attnum = Integer.parseInt(n);
            columns.stream().filter(c -> c.position() == attnum).findFirst()
                    .ifPresent(c -> out.add(c.name()));
        }
        return out;
    }
}
