package dev.pgbridge.copy;

import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.TypeCatalog;
import dev.pgbridge.pgtype.TypeResolver;
import dev.pgbridge.sql.Identifier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A table rows go into, read from pg_catalog: schema and name exactly as stored, the columns in table order, the
 * primary key, and every key an upsert can merge on ({@code uniqueKeys}: the columns of each unique index that
 * {@code INSERT … ON CONFLICT (columns)} can infer as its arbiter, the primary key first). {@link #find} lets PostgreSQL resolve the name the user typed ({@code to_regclass}: unquoted
 * parts fold to lower case, quoted parts keep their case, an unqualified name follows the search_path).
 */
public record LoadTable(String schema, String name, List<LoadColumn> columns, List<String> primaryKey,
                        List<List<String>> uniqueKeys) {
    /** Type oids below this are PostgreSQL's own (FirstNormalObjectId). */
    private static final long FIRST_NORMAL_OID = 16384;

    public LoadTable {
        requireNonNull(schema, "schema is null");
        requireNonNull(name, "name is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        primaryKey = List.copyOf(requireNonNull(primaryKey, "primaryKey is null"));
        uniqueKeys = requireNonNull(uniqueKeys, "uniqueKeys is null").stream().map(List::copyOf).toList();
    }

    /** The unique key whose columns are exactly {@code columns} (in any order), if there is one. */
    public Optional<List<String>> uniqueKey(List<String> columns) {
        Set<String> wanted = Set.copyOf(columns);
        return uniqueKeys.stream().filter(k -> k.size() == columns.size() && wanted.equals(Set.copyOf(k))).findFirst();
    }

    /** {@code "schema"."name"}, quoted by the one quoting function. */
    public String qualifiedName() {
        return Identifier.quote(schema) + "." + Identifier.quote(name);
    }

    public Optional<LoadColumn> column(String columnName) {
        for (LoadColumn c : columns) {
            if (c.name().equals(columnName)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The column names, in table order. */
    public List<String> columnNames() {
        return columns.stream().map(LoadColumn::name).toList();
    }

    @Override
    public String toString() {
        return qualifiedName();
    }

    /**
     * The table (or partitioned or foreign table, or view) the text {@code tableName} names on this connection, as
     * PostgreSQL resolves it; empty when there is none.
     */
    public static Optional<LoadTable> find(Connection c, String tableName) throws SQLException {
        requireNonNull(tableName, "tableName is null");
        long oid;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.to_regclass(?)::oid::bigint")) {
            ps.setString(1, tableName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                oid = rs.getLong(1);
                if (rs.wasNull()) {
                    return Optional.empty();
                }
            }
        }
        catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("42")) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "invalid table name '" + tableName + "': "
                        + e.getMessage(), "write it as table, schema.table, or with double quotes to keep case: "
                        + "\"Sales\".\"Orders\"", e);
            }
            throw e;
        }
        return read(c, oid);
    }

    /** The table with this oid, its columns and keys read by core's {@link TableShapes}; empty when it is gone. */
    private static Optional<LoadTable> read(Connection c, long oid) throws SQLException {
        Optional<TableShape> found = TableShapes.read(c, oid);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TableShape shape = found.get();
        Map<Long, TypeRow> types = types(c, shape);
        TypeResolver resolver = new TypeResolver(typeOid -> Optional.ofNullable(types.get(typeOid & 0xFFFFFFFFL))
                .map(t -> new TypeCatalog.TypeRow(typeOid, t.name, t.type, t.category, (int) t.element,
                        (int) t.baseType, types.containsKey(t.element) ? types.get(t.element).delimiter : ',')));
        List<LoadColumn> columns = new ArrayList<>();
        for (TableShape.Column column : shape.columns()) {
            long typeOid = column.typeOid() & 0xFFFFFFFFL;
            TypeRow type = types.get(typeOid);
            columns.add(new LoadColumn(column.name(), column.type(), !column.nullable(), column.isGenerated(),
                    column.identityAlways(), type == null ? "" : type.name, typeOid < FIRST_NORMAL_OID,
                    resolver.resolve(column.typeOid()).named(column.type())));
        }
        // every unique index ON CONFLICT (columns) can take as arbiter, the primary key first (TableShape.uniqueKeys)
        List<List<String>> uniqueKeys = shape.uniqueKeys().stream().filter(k -> !k.isEmpty()).distinct().toList();
        return Optional.of(new LoadTable(shape.name().schema(), shape.name().name(), columns, shape.primaryKey(),
                uniqueKeys));
    }

    private record TypeRow(String name, String schema, char type, long baseType, long element, char category,
                           char delimiter) {
    }

    /** Every type the columns of {@code shape} use, with the base types of domains and the element types of arrays. */
    private static Map<Long, TypeRow> types(Connection c, TableShape shape) throws SQLException {
        Map<Long, TypeRow> types = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                WITH RECURSIVE t(oid) AS (
                    SELECT pg_catalog.unnest(?::bigint[])::oid
                    UNION
                    SELECT v.x FROM pg_catalog.pg_type p JOIN t ON p.oid = t.oid
                    CROSS JOIN LATERAL (VALUES (p.typbasetype), (p.typelem)) AS v(x) WHERE v.x <> 0
                )
                SELECT p.oid, p.typname, n.nspname, p.typtype, p.typbasetype, p.typelem, p.typcategory, p.typdelim
                FROM pg_catalog.pg_type p JOIN pg_catalog.pg_namespace n ON n.oid = p.typnamespace
                WHERE p.oid IN (SELECT oid FROM t)""")) {
            ps.setArray(1, c.createArrayOf("bigint", shape.columns().stream()
                    .map(column -> column.typeOid() & 0xFFFFFFFFL).distinct().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getLong(1), new TypeRow(rs.getString(2), rs.getString(3), rs.getString(4).charAt(0),
                            rs.getLong(5), rs.getLong(6), rs.getString(7).charAt(0), rs.getString(8).charAt(0)));
                }
            }
        }
        return types;
    }
}
