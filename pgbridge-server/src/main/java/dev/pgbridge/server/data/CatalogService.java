package dev.pgbridge.server.data;

import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.catalog.ColumnInfo;
import dev.pgbridge.catalog.SchemaInfo;
import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.catalog.TablePreview;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.connections.ConnectionService;
import dev.pgbridge.sql.QualifiedName;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A tenant's catalog as the CLI's {@code schemas}, {@code tables}, {@code columns} and {@code preview} read it (core's
 * {@link Catalog}, nothing of its own), on the connection's pool: every read runs in a read-only transaction with a
 * statement timeout, so a preview of a slow view cannot hold a pooled connection for long, whatever the role.
 */
public final class CatalogService {
    /** Rows of a preview unless asked otherwise, and the most one may ask for. */
    public static final int DEFAULT_PREVIEW_ROWS = 20;
    public static final int MAX_PREVIEW_ROWS = 1000;
    private static final String READ_TIMEOUT = "30s";

    /** What one call does with the catalog. */
    private interface Work<T> {
        T apply(Catalog catalog) throws SQLException;
    }

    private final ConnectionService connections;

    public CatalogService(ConnectionService connections) {
        this.connections = requireNonNull(connections, "connections is null");
    }

    /** The schemas of the connection's database, PostgreSQL's own left out. */
    public List<SchemaInfo> schemas(Principal principal, String connId) {
        return run(principal, connId, catalog -> catalog.schemas(false));
    }

    /** The tables, views, … of one schema (its name exactly as stored); NOT_FOUND when there is no such schema. */
    public List<TableInfo> tables(Principal principal, String connId, String schema) {
        requireNonNull(schema, "schema is null");
        return run(principal, connId, catalog -> catalog.tables(schema, false));
    }

    /** The columns of a table or view (names exactly as stored), with type, nullability, default, PK flag, comment. */
    public List<ColumnInfo> columns(Principal principal, String connId, QualifiedName table) {
        requireNonNull(table, "table is null");
        return run(principal, connId, catalog -> catalog.columns(table));
    }

    /** The first {@code limit} rows of a table or view, every value in PostgreSQL's text form. */
    public TablePreview preview(Principal principal, String connId, QualifiedName table, int limit) {
        requireNonNull(table, "table is null");
        if (limit < 0 || limit > MAX_PREVIEW_ROWS) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "a preview shows 0 to " + MAX_PREVIEW_ROWS
                    + " rows, not " + limit, "give limit=" + DEFAULT_PREVIEW_ROWS + ", or run a query for more rows");
        }
        return run(principal, connId, catalog -> catalog.preview(table, limit));
    }

    private <T> T run(Principal principal, String connId, Work<T> work) {
        principal.require(Role.VIEWER);
        ConnectionConfig config = connections.get(principal, connId).config();
        DataSource pool = connections.dataSource(principal, connId);
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                connection.setReadOnly(true);
                try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT pg_catalog.set_config('statement_timeout', ?, true)")) {
                    ps.setString(1, READ_TIMEOUT);
                    ps.execute();
                }
                return work.apply(new Catalog(connection));
            }
            finally {
                connection.rollback(); // read only: nothing to keep; the pool restores autocommit and read-only
            }
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, config);
        }
    }
}
