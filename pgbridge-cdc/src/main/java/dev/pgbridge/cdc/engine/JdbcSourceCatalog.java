package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.event.SourceCatalog;
import dev.pgbridge.cdc.event.ToastResolver;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.TypeCatalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@link SourceCatalog} read from the source's {@code pg_catalog} over the capture's normal connection. A failure is
 * a {@link PgBridgeException} translated by SQLSTATE with the {@link SQLException} as its cause, so the capture's
 * classifier retries a lost connection and stops on anything else.
 */
final class JdbcSourceCatalog implements SourceCatalog {
    private final ToastResolver.ConnectionSource connections;
    private final ConnectionConfig source;

    JdbcSourceCatalog(ToastResolver.ConnectionSource connections, ConnectionConfig source) {
        this.connections = requireNonNull(connections, "connections is null");
        this.source = requireNonNull(source, "source is null");
    }

    private PgBridgeException failure(String what, SQLException e) {
        PgBridgeException translated = SqlErrors.translate(e, source);
        return new PgBridgeException(translated.code(), what + ": " + translated.getMessage(), translated.hint(), e);
    }

    @Override
    public Optional<List<String>> primaryKey(int relationOid) {
        try (PreparedStatement ps = connections.get().prepareStatement("""
                SELECT a.attname FROM pg_catalog.pg_index i
                JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
                JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE i.indrelid = ?::oid AND i.indisprimary ORDER BY k.ord""")) {
            ps.setLong(1, relationOid & 0xFFFFFFFFL);
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            return columns.isEmpty() ? Optional.empty() : Optional.of(columns);
        }
        catch (SQLException e) {
            throw failure("cannot read the primary key of relation " + relationOid, e);
        }
    }

    @Override
    public Optional<TypeRow> type(int typeOid) {
        try {
            return TypeCatalog.lookup(connections.get(), typeOid);
        }
        catch (SQLException e) {
            throw failure("cannot read type " + typeOid + " of the source", e);
        }
    }
}
