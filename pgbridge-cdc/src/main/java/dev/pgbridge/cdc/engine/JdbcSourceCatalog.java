package dev.pgbridge.cdc.engine;

import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.cdc.event.SourceCatalog;
import dev.pgbridge.cdc.event.ToastResolver;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.TypeCatalog;

import java.sql.SQLException;
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
        try {
            return TableShapes.read(connections.get(), relationOid & 0xFFFFFFFFL)
                    .map(TableShape::primaryKey).filter(key -> !key.isEmpty());
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
