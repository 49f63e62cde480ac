package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.sql.Identifier;
import dev.pgbridge.sql.QualifiedName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How the source's table definitions reach the target schema of the PostgreSQL sink, read from the source's catalog
 * when a table or column is first seen (which may be later than the change that carries it).
 *
 * <ul>
 *   <li>A missing target table is created with every column logical replication sends, typed as the source prints
 *       the type ({@code format_type}), and the source's primary key as its only constraint. A type the target lacks
 *       (an enum, a domain) fails with what to create first. An existing target table is used as it is, except that
 *       one without a primary key whose source has one is refused.</li>
 *   <li>A column that appears in events is added ({@code ALTER TABLE … ADD COLUMN}, with the source's type; as
 *       {@code text} when the source has dropped it again by then).</li>
 *   <li>A dropped column is kept: it is nullable in the target, so later inserts leave it NULL and updates leave it
 *       as it was. A changed type is not altered: values that no longer fit fail the apply with PostgreSQL's
 *       error.</li>
 * </ul>
 *
 * <p>DDL runs in the sink's open target transaction, so it commits with the rows that needed it.
 */
final class SchemaChanges {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaChanges.class);

    private final Connection target;
    private final String schema;
    private final JdbcTarget source;
    /** Read-only and autocommit, opened on first need and again when it was lost. */
    private Connection sourceConnection;

    SchemaChanges(Connection target, String schema, JdbcTarget source) {
        this.target = requireNonNull(target, "target is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.source = requireNonNull(source, "source is null");
    }

    /**
     * The target table {@code <schema>.<table of id>}: as it is when it exists (refused when it lacks the primary key
     * its source has), else created from the source's catalog.
     */
    TableShape table(TableId id) throws SQLException {
        String name = id.table();
        Optional<TableShape> existing = TableShape.read(target, schema, name);
        if (existing.isEmpty()) {
            return create(id);
        }
        TableShape shape = existing.get();
        if (shape.primaryKey().isEmpty()) {
            sourceShape(id).filter(s -> !s.primaryKey().isEmpty()).ifPresent(s -> {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "target table " + schema + "." + name
                        + " has no primary key, but its source " + id + " has " + s.primaryKey(),
                        "add it: ALTER TABLE " + QualifiedName.of(schema, name).quoted()
                                + " ADD PRIMARY KEY (" + TargetTable.quoteAll(s.primaryKey()) + ")");
            });
        }
        return shape;
    }

    private TableShape create(TableId id) throws SQLException {
        TableShape src = sourceShape(id).orElseThrow(() -> new PgBridgeException(ErrorCode.NOT_FOUND,
                "source table " + id + " no longer exists, so its column types are unknown and " + schema + "."
                        + id.table() + " cannot be created", "create " + schema + "." + id.table() + " in the target "
                        + "by hand (the columns the events carry, and the primary key), then start the capture again"));
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(qualified(id.table())).append(" (");
        for (int i = 0; i < src.columns().size(); i++) {
            TableShape.Column c = src.columns().get(i);
            sql.append(i == 0 ? "" : ", ").append(Identifier.quote(c.name())).append(' ').append(c.type());
        }
        if (!src.primaryKey().isEmpty()) {
            sql.append(", PRIMARY KEY (").append(TargetTable.quoteAll(src.primaryKey())).append(')');
        }
        sql.append(')');
        try {
            execute(sql.toString());
        }
        catch (SQLException e) {
            if ("42704".equals(e.getSQLState())) {
                throw new PgBridgeException(ErrorCode.NOT_FOUND, "cannot create " + schema + "." + id.table()
                        + " in the target: " + e.getMessage(), "create the type in the target database as it is "
                        + "in the source (CREATE TYPE / CREATE DOMAIN), then start the capture again", e);
            }
            throw e;
        }
        LOG.info("postgres sink: created {}.{} from {} ({} columns, primary key {})", schema, id.table(), id,
                src.columns().size(), src.primaryKey().isEmpty() ? "none: applied as a multiset" : src.primaryKey());
        return TableShape.read(target, schema, id.table()).orElseThrow(() -> new IllegalStateException(
                "table " + schema + "." + id.table() + " is not there right after it was created"));
    }

    /**
     * Adds {@code columns} (which events of {@code id} carry) to its target table {@code <schema>.<table>}, typed as
     * the source has them now; returns the target table as it is then.
     */
    TableShape addColumns(TableId id, String table, List<String> columns) throws SQLException {
        Optional<TableShape> src = sourceShape(id);
        for (String column : columns) {
            Optional<TableShape.Column> known = src.flatMap(s -> s.column(column));
            String type = known.map(TableShape.Column::type).orElse("text");
            if (known.isEmpty()) {
                LOG.warn("postgres sink: column {} of {} is no longer in the source catalog; adding it to {}.{} "
                        + "as text", column, id, schema, table);
            }
            execute("ALTER TABLE " + qualified(table) + " ADD COLUMN IF NOT EXISTS " + Identifier.quote(column) + " "
                    + type);
            LOG.info("postgres sink: added column {} {} to {}.{} (the source table {} has it now)", column, type,
                    schema, table, id);
        }
        return TableShape.read(target, schema, table).orElseThrow(() -> new IllegalStateException(
                "target table " + schema + "." + table + " disappeared"));
    }

    private Optional<TableShape> sourceShape(TableId id) throws SQLException {
        if (sourceConnection == null || sourceConnection.isClosed() || !sourceConnection.isValid(5)) {
            if (sourceConnection != null) {
                sourceConnection.abort(Runnable::run);
            }
            sourceConnection = source.connect();
            sourceConnection.setAutoCommit(true);
            sourceConnection.setReadOnly(true);
        }
        return TableShape.read(sourceConnection, id.schema(), id.table());
    }

    private String qualified(String table) {
        return QualifiedName.of(schema, table).quoted();
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute(sql);
        }
    }

    /** Closes the connection to the source, if one was opened. */
    void close() {
        Connection c = sourceConnection;
        sourceConnection = null;
        if (c != null) {
            try {
                if (!c.isClosed() && !c.getAutoCommit()) {
                    c.rollback();
                }
                c.close();
            }
            catch (SQLException e) {
                LOG.debug("closing a connection: {}", e.getMessage());
            }
        }
    }
}
