package dev.pgbridge.catalog;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.sql.QualifiedName;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The catalog of the database a {@link Connection} is connected to, read from {@code pg_catalog}. Every query binds
 * its values; names only enter SQL text through {@code Identifier.quote}. Listing a schema is one query whatever the
 * number of tables in it (sizes and partition sums included). Works on PostgreSQL 12 and later.
 *
 * <p>The connection stays the caller's: it is neither closed nor reconfigured. {@link SQLException}s are left to the
 * caller to translate (it knows the connection's configuration); a missing schema or table is a
 * {@link PgBridgeException} with code {@link ErrorCode#NOT_FOUND} and a "did you mean" hint.
 *
 * <p>Sizes come from {@code pg_total_relation_size}, which takes (and at once releases) a share lock on each table:
 * a table under an exclusive lock (a running {@code ALTER TABLE}, say) makes the listing wait for it.
 */
public final class Catalog {
    /** The relkinds listed: tables, views, materialized views, partitioned tables, foreign tables. */
    private static final String LISTED = "('r', 'v', 'm', 'p', 'f')";
    private static final String NOT_SYSTEM = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";

    private static final String SCHEMAS = """
            SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) AS owner, COALESCE(t.tables, 0) AS tables,
                   (SELECT d.description FROM pg_catalog.pg_description d
                    WHERE d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
                      AND d.objsubid = 0) AS description
            FROM pg_catalog.pg_namespace n
            LEFT JOIN (SELECT c.relnamespace, count(*) AS tables
                       FROM pg_catalog.pg_class c
                       WHERE c.relkind IN %s AND NOT c.relispartition
                       GROUP BY c.relnamespace) t ON t.relnamespace = n.oid
            WHERE %s
            ORDER BY n.nspname
            """;

    /**
     * Whether {@code pg_class.reltuples} of {@code %1$s} is an estimate: never analyzed or vacuumed it is -1 on
     * PostgreSQL 14 and later, and 0 with {@code relpages} 0 before (where an empty analyzed table looks the same).
     */
    private static final String ROWS_KNOWN = "(%1$s.reltuples > 0 OR %1$s.reltuples = 0 AND (%1$s.relpages > 0"
            + " OR pg_catalog.current_setting('server_version_num')::int >= 140000))";

    /**
     * Partitions are folded into their root: the lateral part runs only for a partitioned table (its WHERE is a
     * one-time filter), counts its direct partitions and sums rows and sizes over its leaves. The comment is a
     * subquery on pg_description's index, so many comments cannot turn the listing into a nested-loop scan.
     */
    private static final String TABLES = """
            SELECT n.nspname, c.relname, c.relkind, pg_catalog.pg_get_userbyid(c.relowner) AS owner,
                   CASE WHEN c.relkind IN ('r', 'm', 'f') AND %3$s THEN c.reltuples::bigint END AS own_rows,
                   CASE WHEN c.relkind IN ('r', 'm') THEN pg_catalog.pg_total_relation_size(c.oid) END AS own_bytes,
                   part.partitions, part.leaves, part.leaf_rows, part.leaf_bytes,
                   (SELECT d.description FROM pg_catalog.pg_description d
                    WHERE d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
                      AND d.objsubid = 0) AS description
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN LATERAL (
                SELECT count(*) FILTER (WHERE t.level = 1) AS partitions,
                       count(*) FILTER (WHERE t.isleaf) AS leaves,
                       sum(p.reltuples::float8) FILTER (WHERE t.isleaf AND %4$s)::bigint AS leaf_rows,
                       sum(pg_catalog.pg_total_relation_size(t.relid)) FILTER (WHERE t.isleaf) AS leaf_bytes
                FROM pg_catalog.pg_partition_tree(c.oid) t
                JOIN pg_catalog.pg_class p ON p.oid = t.relid
                WHERE c.relkind = 'p'
            ) part ON c.relkind = 'p'
            WHERE c.relkind IN %1$s AND NOT c.relispartition AND %2$s
            ORDER BY n.nspname, c.relname
            """;

    /** The databases one can connect to (templates left out), or only the current one. */
    private static final String DATABASES = """
            SELECT d.datname, pg_catalog.pg_get_userbyid(d.datdba), pg_catalog.shobj_description(d.oid, 'pg_database')
            FROM pg_catalog.pg_database d
            WHERE %s
            ORDER BY d.datname
            """;

    private static final String SCHEMA_EXISTS = "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?";

    private static final String RELATION_IN_SCHEMA = """
            SELECT n.nspname, c.relname, c.relkind
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND c.relname = ?
            """;

    /** The first relation of that name along the effective search path (temp schema and pg_catalog included). */
    private static final String RELATION_ON_PATH = """
            SELECT n.nspname, c.relname, c.relkind
            FROM unnest(pg_catalog.current_schemas(true)) WITH ORDINALITY AS s(nspname, ord)
            JOIN pg_catalog.pg_namespace n ON n.nspname = s.nspname
            JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
            WHERE c.relname = ?
            ORDER BY s.ord
            LIMIT 1
            """;

    private static final String SEARCH_PATH = "SELECT pg_catalog.current_schemas(true), pg_catalog.current_schemas(false)";

    private static final String TABLE_CANDIDATES = """
            SELECT n.nspname, c.relname, pg_catalog.quote_ident(n.nspname), pg_catalog.quote_ident(c.relname)
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN %s
              AND (n.nspname = ANY (pg_catalog.current_schemas(true)) OR n.nspname = ? OR (%s))
            """.formatted(LISTED, NOT_SYSTEM);

    private static final String SCHEMA_CANDIDATES =
            "SELECT nspname, pg_catalog.quote_ident(nspname) FROM pg_catalog.pg_namespace";

    private final Connection connection;

    public Catalog(Connection connection) {
        this.connection = requireNonNull(connection, "connection is null");
    }

    /** Whether a schema is PostgreSQL's own: {@code pg_catalog}, {@code information_schema}, {@code pg_toast}, {@code pg_temp_N}, … */
    public static boolean isSystemSchema(String name) {
        return name.startsWith("pg_") || name.equals("information_schema");
    }

    /** The schemas by name; without {@code includeSystem}, PostgreSQL's own schemas are left out. */
    public List<SchemaInfo> schemas(boolean includeSystem) throws SQLException {
        String sql = SCHEMAS.formatted(LISTED, includeSystem ? "true" : NOT_SYSTEM);
        List<SchemaInfo> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new SchemaInfo(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4)));
            }
        }
        return out;
    }

    /**
     * The databases of the server that accept connections ({@code datallowconn}, templates left out) by name; with
     * {@code currentOnly}, the database of this connection alone.
     */
    public List<DatabaseInfo> databases(boolean currentOnly) throws SQLException {
        String sql = DATABASES.formatted(currentOnly ? "d.datname = pg_catalog.current_database()"
                : "d.datallowconn AND NOT d.datistemplate");
        List<DatabaseInfo> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new DatabaseInfo(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return out;
    }

    /**
     * The tables, views, materialized views, partitioned tables and foreign tables of one schema (its name exactly as
     * stored), or with a null schema of every schema (PostgreSQL's own only with {@code includeSystem}), ordered by
     * schema and name. Partitions are not listed: they are counted and summed under their partitioned table.
     * One query, whatever the number of tables.
     *
     * @throws PgBridgeException {@link ErrorCode#NOT_FOUND} when the schema does not exist
     */
    public List<TableInfo> tables(String schemaOrNull, boolean includeSystem) throws SQLException {
        String filter = schemaOrNull != null ? "n.nspname = ?" : includeSystem ? "true" : NOT_SYSTEM;
        List<TableInfo> out = new ArrayList<>();
        String sql = TABLES.formatted(LISTED, filter, ROWS_KNOWN.formatted("c"), ROWS_KNOWN.formatted("p"));
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (schemaOrNull != null) {
                ps.setString(1, schemaOrNull);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(table(rs));
                }
            }
        }
        if (out.isEmpty() && schemaOrNull != null && !schemaExists(schemaOrNull)) {
            throw missingSchema(schemaOrNull);
        }
        return out;
    }

    private static TableInfo table(ResultSet rs) throws SQLException {
        char relkind = rs.getString(3).charAt(0);
        TableKind kind = TableKind.ofRelkind(relkind).orElseThrow(
                () -> new IllegalStateException("unexpected relkind " + relkind));
        Long rows = nullableLong(rs, 5);
        Long bytes = nullableLong(rs, 6);
        Integer partitions = null;
        if (kind == TableKind.PARTITIONED_TABLE) {
            partitions = rs.getInt(7);
            long leaves = rs.getLong(8);
            Long leafRows = nullableLong(rs, 9);
            Long leafBytes = nullableLong(rs, 10);
            rows = leaves == 0 ? Long.valueOf(0) : leafRows;
            bytes = leafBytes == null ? Long.valueOf(0) : leafBytes;
        }
        return new TableInfo(rs.getString(1), rs.getString(2), kind, rs.getString(4), rows, bytes, partitions,
                rs.getString(11));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /**
     * The table, view, materialized view, partitioned, foreign table or partition that {@code name} means, with its
     * schema: a qualified name is looked up in its schema; an unqualified one along the session's search_path, as
     * PostgreSQL does (the session's temporary schema and {@code pg_catalog} first unless the path places them).
     *
     * @throws PgBridgeException {@link ErrorCode#NOT_FOUND} with the closest names as a hint when there is none, or
     *                           when the name belongs to something else (an index, a sequence, …)
     */
    public QualifiedName resolve(QualifiedName name) throws SQLException {
        requireNonNull(name, "name is null");
        try (PreparedStatement ps = connection.prepareStatement(name.qualified() ? RELATION_IN_SCHEMA : RELATION_ON_PATH)) {
            int i = 1;
            if (name.qualified()) {
                ps.setString(i++, name.schema());
            }
            ps.setString(i, name.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    QualifiedName found = QualifiedName.of(rs.getString(1), rs.getString(2));
                    char relkind = rs.getString(3).charAt(0);
                    if (TableKind.ofRelkind(relkind).isEmpty()) {
                        throw new PgBridgeException(ErrorCode.NOT_FOUND,
                                found + " is " + otherKind(relkind) + ", not a table or view",
                                "give the name of a table, view, materialized view or foreign table");
                    }
                    return found;
                }
            }
        }
        throw missingTable(name);
    }

    private static String otherKind(char relkind) {
        return switch (relkind) {
            case 'i' -> "an index";
            case 'I' -> "a partitioned index";
            case 'S' -> "a sequence";
            case 't' -> "a TOAST table";
            case 'c' -> "a composite type";
            default -> "a relation of kind '" + relkind + "'";
        };
    }

    /**
     * The session's search_path as PostgreSQL applies it to unqualified names: the schemas that exist, in order,
     * without the implicit ones ({@code pg_catalog}, the temporary schema) unless the path names them.
     */
    public List<String> searchPath() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SEARCH_PATH); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return strings(rs.getArray(2));
        }
    }

    /**
     * The columns of a table or view ({@link #resolve resolved} first), in position order.
     *
     * @throws PgBridgeException {@link ErrorCode#NOT_FOUND} when there is no such table
     */
    public List<ColumnInfo> columns(QualifiedName table) throws SQLException {
        QualifiedName resolved = resolve(table);
        Optional<TableShape> found = TableShapes.read(connection, resolved);
        if (found.isEmpty()) {
            throw missingTable(table); // dropped since it was resolved
        }
        TableShape shape = found.get();
        List<ColumnInfo> out = new ArrayList<>();
        for (TableShape.Column c : shape.columns()) {
            out.add(new ColumnInfo(c.position(), c.name(), c.type(), c.nullable(),
                    defaultValue(c.defaultExpression(), c.identity(), c.generated()),
                    shape.primaryKey().contains(c.name()), c.comment()));
        }
        return out;
    }

    /** The default as psql shows it: the expression, or the identity / generated clause. */
    private static String defaultValue(String expression, char identity, char generated) {
        if (identity == 'a') {
            return "generated always as identity";
        }
        if (identity == 'd') {
            return "generated by default as identity";
        }
        if (generated == 's') {
            return "generated always as (" + expression + ") stored";
        }
        if (generated == 'v') {
            return "generated always as (" + expression + ")";
        }
        return expression;
    }

    /**
     * The first {@code limit} rows of a table or view ({@link #resolve resolved} first), in no particular order:
     * {@code SELECT * FROM "schema"."table" LIMIT ?} with the limit bound, every value in its text form.
     *
     * @throws PgBridgeException {@link ErrorCode#NOT_FOUND} when there is no such table
     */
    public TablePreview preview(QualifiedName table, int limit) throws SQLException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit is negative: " + limit);
        }
        QualifiedName resolved = resolve(table);
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT * FROM " + resolved.quoted() + " LIMIT ?")) {
            ps.setLong(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(meta.getColumnLabel(i));
                    types.add(meta.getColumnTypeName(i));
                }
                while (rs.next()) {
                    List<String> row = new ArrayList<>(columns.size());
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
            }
        }
        return new TablePreview(resolved, columns, types, rows);
    }

    private boolean schemaExists(String schema) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SCHEMA_EXISTS)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private PgBridgeException missingSchema(String schema) throws SQLException {
        List<NameSuggestions.Candidate> candidates = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(SCHEMA_CANDIDATES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                candidates.add(new NameSuggestions.Candidate(name, rs.getString(2), isSystemSchema(name) ? 1 : 0));
            }
        }
        return new PgBridgeException(ErrorCode.NOT_FOUND,
                "schema " + QualifiedName.display(schema) + " does not exist",
                NameSuggestions.hint(NameSuggestions.closest(schema, candidates),
                        "schema names are case-sensitive when quoted; list the schemas with pgbridge schemas"));
    }

    /**
     * The error {@link #resolve} throws for a table that does not exist ({@link ErrorCode#NOT_FOUND}, the nearest
     * names as its hint), for commands that find out in their own way that a table is missing (export, load, copy).
     */
    public PgBridgeException notFound(QualifiedName name) throws SQLException {
        return missingTable(requireNonNull(name, "name is null"));
    }

    private PgBridgeException missingTable(QualifiedName name) throws SQLException {
        List<String> path = new ArrayList<>();
        List<String> explicitPath = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(SEARCH_PATH); ResultSet rs = ps.executeQuery()) {
            rs.next();
            path.addAll(strings(rs.getArray(1)));
            explicitPath.addAll(strings(rs.getArray(2)));
        }

        record Row(String schema, String name, String quotedSchema, String quotedName) {
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(TABLE_CANDIDATES)) {
            if (name.qualified()) {
                ps.setString(1, name.schema());
            }
            else {
                ps.setNull(1, Types.VARCHAR);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }

        // where an unqualified name resolves today: its first schema on the path
        Map<String, Integer> firstOnPath = new HashMap<>();
        for (Row row : rows) {
            int position = path.indexOf(row.schema());
            if (position >= 0) {
                firstOnPath.merge(row.name(), position, Math::min);
            }
        }
        List<NameSuggestions.Candidate> candidates = new ArrayList<>();
        for (Row row : rows) {
            String qualified = row.quotedSchema() + "." + row.quotedName();
            if (name.qualified()) {
                candidates.add(new NameSuggestions.Candidate(row.schema() + "." + row.name(), qualified,
                        isSystemSchema(row.schema()) ? 1 : 0));
            }
            else {
                int position = path.indexOf(row.schema());
                boolean visible = position >= 0 && firstOnPath.get(row.name()) == position;
                candidates.add(new NameSuggestions.Candidate(row.name(), visible ? row.quotedName() : qualified,
                        visible ? 0 : isSystemSchema(row.schema()) ? 2 : 1));
            }
        }
        String typed = name.qualified() ? name.schema() + "." + name.name() : name.name();
        List<String> suggestions = NameSuggestions.closest(typed, candidates);

        String message;
        String fallback;
        if (name.qualified() && !schemaExists(name.schema())) {
            message = "table " + name + " does not exist: there is no schema " + QualifiedName.display(name.schema());
            fallback = "names are case-sensitive when quoted; list the schemas with pgbridge schemas";
        }
        else if (name.qualified()) {
            message = "table " + name + " does not exist";
            fallback = "names are case-sensitive when quoted; list the tables with pgbridge tables --schema "
                    + QualifiedName.display(name.schema());
        }
        else {
            message = "table " + name + " does not exist in any schema of the search_path ("
                    + (explicitPath.isEmpty() ? "none of its schemas exist" : String.join(", ", displayAll(explicitPath))) + ")";
            fallback = "qualify the name with its schema (schema.table), or list the tables with pgbridge tables";
        }
        return new PgBridgeException(ErrorCode.NOT_FOUND, message, NameSuggestions.hint(suggestions, fallback));
    }

    private static List<String> displayAll(List<String> names) {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(QualifiedName.display(n));
        }
        return out;
    }

    private static List<String> strings(Array array) throws SQLException {
        List<String> out = new ArrayList<>();
        if (array != null) {
            for (Object o : (Object[]) array.getArray()) {
                out.add(String.valueOf(o));
            }
            array.free();
        }
        return out;
    }
}
