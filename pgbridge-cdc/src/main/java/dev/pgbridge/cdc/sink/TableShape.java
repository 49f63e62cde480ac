package dev.pgbridge.cdc.sink;

import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.sql.QualifiedName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the PostgreSQL sink needs of a table, taken from core's {@link dev.pgbridge.catalog.TableShape}: its columns
 * as its database prints their types ({@code format_type}: {@code numeric(10,2)}, {@code timestamp with time zone[]},
 * an enum's name) and its primary key in key order. Generated columns are left out: logical replication does not
 * send them, and a copy computes its own or has none.
 */
record TableShape(List<Column> columns, List<String> primaryKey) {
    TableShape {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /** A column: its name, its type as SQL text and the type's oid in the database it was read from. */
    record Column(String name, String type, int typeOid) {
        Column {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    /**
     * The table {@code schema.table} of the connected database (an ordinary, partitioned or foreign table, read by
     * core's {@link TableShapes}); empty when there is no such table or it has no column to write.
     */
    static Optional<TableShape> read(Connection connection, String schema, String table) throws SQLException {
        return TableShapes.read(connection, QualifiedName.of(schema, table))
                .filter(shape -> shape.relkind() == 'r' || shape.relkind() == 'p' || shape.relkind() == 'f')
                .map(shape -> new TableShape(shape.writableColumns().stream()
                        .map(c -> new Column(c.name(), c.type(), c.typeOid())).toList(), shape.primaryKey()))
                .filter(shape -> !shape.columns().isEmpty());
    }

    Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
