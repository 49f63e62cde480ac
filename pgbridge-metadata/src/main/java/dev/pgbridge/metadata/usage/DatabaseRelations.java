package dev.pgbridge.metadata.usage;

import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.catalog.TableKind;
import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.metadata.lineage.ColumnCatalog;
import dev.pgbridge.metadata.lineage.SqlLineage;
import dev.pgbridge.metadata.lineage.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The relations of one database that usage and lineage may name — what metadata ingestion makes entities of: tables,
 * views, materialized views, partitioned and foreign tables outside PostgreSQL's own schemas, partitions folded into
 * their root — with their columns, read in one query for the relations and one per schema for the columns. Doubles as
 * the lineage parser's {@link ColumnCatalog}, so parsing never waits on the database.
 */
final class DatabaseRelations implements ColumnCatalog {
    private final String database;
    private final Map<TableName, TableInfo> relations;
    private final Map<TableName, List<String>> columns;
    private final List<String> searchPath;
    /**
     * One parser per search_path: each {@link SqlLineage} owns a parser thread, so one per statement would leave a
     * thread per statement alive for its idle time.
     */
    private final Map<List<String>, SqlLineage> parsers = new ConcurrentHashMap<>();

    private DatabaseRelations(String database, Map<TableName, TableInfo> relations,
                              Map<TableName, List<String>> columns, List<String> searchPath) {
        this.database = requireNonNull(database, "database is null");
        this.relations = relations;
        this.columns = columns;
        this.searchPath = List.copyOf(searchPath);
    }

    static DatabaseRelations read(String database, Connection connection) throws SQLException {
        Map<TableName, TableInfo> relations = new LinkedHashMap<>();
        Map<String, List<String>> bySchema = new LinkedHashMap<>();
        for (TableInfo table : new Catalog(connection).tables(null, false)) {
            relations.put(new TableName(table.schema(), table.name()), table);
            bySchema.computeIfAbsent(table.schema(), s -> new ArrayList<>()).add(table.name());
        }
        Map<TableName, List<String>> columns = new HashMap<>();
        for (Map.Entry<String, List<String>> schema : bySchema.entrySet()) {
            for (TableShape shape : TableShapes.read(connection, schema.getKey(), schema.getValue())) {
                columns.put(new TableName(shape.name().schema(), shape.name().name()),
                        shape.columns().stream().map(TableShape.Column::name).toList());
            }
        }
        List<String> searchPath = new Catalog(connection).searchPath();
        return new DatabaseRelations(database, relations, columns, searchPath.isEmpty() ? List.of("public") : searchPath);
    }

    String database() {
        return database;
    }

    /** The search_path for a statement run with {@code schema} first (null: the database's own). */
    List<String> searchPath(String schema) {
        if (schema == null || searchPath.contains(schema) && searchPath.get(0).equals(schema)) {
            return searchPath;
        }
        List<String> path = new ArrayList<>();
        path.add(schema);
        searchPath.stream().filter(s -> !s.equals(schema)).forEach(path::add);
        return path;
    }

    /** The lineage parser for statements run with {@code schema} first (null: the database's own search_path). */
    SqlLineage lineage(String schema) {
        return parsers.computeIfAbsent(searchPath(schema), path -> new SqlLineage(path, this));
    }

    /** Whether {@code table} is one of the relations (never PostgreSQL's own). */
    boolean exists(TableName table) {
        return !table.system() && relations.containsKey(table);
    }

    TableKind kind(TableName table) {
        TableInfo info = relations.get(table);
        return info == null ? null : info.kind();
    }

    /** The views and materialized views of {@code schema}. */
    List<TableInfo> views(String schema) {
        return relations.values().stream().filter(t -> t.schema().equals(schema))
                .filter(t -> t.kind() == TableKind.VIEW || t.kind() == TableKind.MATERIALIZED_VIEW).toList();
    }

    /** The schemas that hold relations, in order. */
    List<String> schemas() {
        return relations.keySet().stream().map(TableName::schema).distinct().toList();
    }

    @Override
    public List<String> columns(TableName table) {
        return columns.getOrDefault(table, List.of());
    }
}
