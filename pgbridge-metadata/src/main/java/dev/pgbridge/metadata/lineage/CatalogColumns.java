package dev.pgbridge.metadata.lineage;

import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.sql.QualifiedName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * A {@link ColumnCatalog} read from a database through core's one table-shape reader ({@link TableShapes}), each
 * relation asked once and remembered (also when it does not exist). Dropped columns are left out; generated ones are
 * kept (they can be read). The connection stays the caller's. Not thread-safe, like the connection.
 */
public final class CatalogColumns implements ColumnCatalog {
    private final Connection connection;
    private final Function<SQLException, PgBridgeException> translate;
    private final Map<TableName, List<String>> cache = new HashMap<>();

    private CatalogColumns(Connection connection, Function<SQLException, PgBridgeException> translate) {
        this.connection = requireNonNull(connection, "connection is null");
        this.translate = translate;
    }

    /** The catalog of {@code connection}'s database; a failed read is translated with {@code config}'s names. */
    public static CatalogColumns of(Connection connection, ConnectionConfig config) {
        requireNonNull(config, "config is null");
        return new CatalogColumns(connection, e -> SqlErrors.translate(e, config));
    }

    /**
     * The catalog of {@code connection}'s database, for callers without the connection's configuration: a failed
     * read is a {@link ErrorCode#SQL_ERROR} that keeps the {@link SQLException} as its cause.
     */
    public static CatalogColumns of(Connection connection) {
        return new CatalogColumns(connection, e -> new PgBridgeException(ErrorCode.SQL_ERROR,
                "cannot read column names from the catalog: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")",
                "check the connection; lineage without it leaves * over real tables unexpanded", e));
    }

    @Override
    public List<String> columns(TableName table) {
        requireNonNull(table, "table is null");
        List<String> known = cache.get(table);
        if (known == null) {
            known = read(table);
            cache.put(table, known);
        }
        return known;
    }

    private List<String> read(TableName table) {
        Optional<TableShape> shape;
        try {
            shape = TableShapes.read(connection, QualifiedName.of(table.schema(), table.name()));
        }
        catch (SQLException e) {
            throw translate.apply(e);
        }
        return shape.map(s -> s.columns().stream().map(TableShape.Column::name).toList()).orElse(List.of());
    }
}
