package dev.pgbridge.cli.command;

import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.SqlErrors;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One connection for one catalog command: opened through the one JDBC conversion, closed at the end, and the
 * boundary where a {@link SQLException} is translated (with the connection's host, database and login).
 */
final class CatalogSession {
    /** What a command does with the catalog. */
    interface Work<T> {
        T apply(Catalog catalog) throws SQLException;
    }

    private CatalogSession() {
    }

    static <T> T run(ConnectionConfig config, Work<T> work) {
        try (Connection connection = JdbcTarget.of(config).connect()) {
            return work.apply(new Catalog(connection));
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, config);
        }
    }
}
