package dev.pgbridge.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The definitions ({@code pg_get_viewdef}) of the views and materialized views of a schema, in one query per schema,
 * with every name in them schema-qualified: they are read with {@code search_path} set to {@code pg_catalog} alone
 * (the session's own search_path is put back afterwards). The connection stays the caller's; {@link SQLException}s
 * are left to the caller to translate.
 */
public final class ViewDefinitions {
    private static final String DEFINITIONS = """
            SELECT c.relname, pg_catalog.pg_get_viewdef(c.oid, true)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND c.relkind IN ('v', 'm')
            ORDER BY c.relname""";

    private ViewDefinitions() {
    }

    /** View and materialized view name (as stored) to its definition, the {@code SELECT …} after {@code AS}. */
    public static Map<String, String> read(Connection connection, String schema) throws SQLException {
        requireNonNull(schema, "schema is null");
        String searchPath;
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.current_setting('search_path')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            searchPath = rs.getString(1);
        }
        setSearchPath(connection, "pg_catalog");
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(DEFINITIONS)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        catch (SQLException | RuntimeException e) {
            try {
                setSearchPath(connection, searchPath);
            }
            catch (SQLException restore) {
                e.addSuppressed(restore); // in a failed transaction the restore fails too: the read's error is the one
            }
            throw e;
        }
        setSearchPath(connection, searchPath);
        return out;
    }

    private static void setSearchPath(Connection connection, String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.set_config('search_path', ?, false)")) {
            ps.setString(1, value);
            ps.executeQuery().close();
        }
    }
}
