package dev.pgbridge.copy;

import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.PgType;
import dev.pgbridge.pgtype.TypeCatalog;
import dev.pgbridge.pgtype.TypeResolver;
import dev.pgbridge.sql.QualifiedName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        return QualifiedName.of(schema, name).quoted();
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

    /**
     * The table with this oid, its columns and keys read by core's {@link TableShapes}, each column's type resolved by
     * the one {@link TypeResolver} over this connection's {@code pg_type}; empty when it is gone.
     */
    private static Optional<LoadTable> read(Connection c, long oid) throws SQLException {
        Optional<TableShape> found = TableShapes.read(c, oid);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TableShape shape = found.get();
        TypeResolver types = new TypeResolver(TypeCatalog.of(c));
        List<LoadColumn> columns = new ArrayList<>();
        for (TableShape.Column column : shape.columns()) {
            PgType type;
            try {
                type = types.resolve(column.typeOid());
            }
            catch (TypeCatalog.ReadFailure e) {
                throw e.getCause();
            }
            columns.add(new LoadColumn(column.name(), column.type(), !column.nullable(), column.isGenerated(),
                    column.identityAlways(), column.typeOid(), type.named(column.type())));
        }
        // every unique index ON CONFLICT (columns) can take as arbiter, the primary key first (TableShape.uniqueKeys)
        List<List<String>> uniqueKeys = shape.uniqueKeys().stream().filter(k -> !k.isEmpty()).distinct().toList();
        return Optional.of(new LoadTable(shape.name().schema(), shape.name().name(), columns, shape.primaryKey(),
                uniqueKeys));
    }

}
