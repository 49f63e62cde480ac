package dev.pgbridge.metadata.usage;

import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.catalog.DatabaseInfo;
import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.catalog.ViewDefinitions;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.ingest.MetadataIngestion;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.ingest.TableRequests;
import dev.pgbridge.metadata.lineage.ColumnEdge;
import dev.pgbridge.metadata.lineage.StatementKind;
import dev.pgbridge.metadata.lineage.StatementLineage;
import dev.pgbridge.metadata.lineage.TableEdge;
import dev.pgbridge.metadata.lineage.TableName;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.RequestSink;
import dev.pgbridge.metadata.openmetadata.Requests;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * A {@code DatabaseLineage} run: {@code AddLineage} edges from the definitions of views and materialized views
 * ({@code ViewLineage}, the statement {@code CREATE [MATERIALIZED] VIEW … AS <definition>} as {@code sqlQuery}) and from
 * the query log's writing statements ({@code QueryLineage}), each with its column lineage as column FQNs. An edge
 * joins two relations that metadata ingestion makes entities of, never a relation to itself, never PostgreSQL's own
 * catalogs; an edge with an end not in the catalog (a temporary or dropped table) is skipped and counted, one with an
 * end the filters exclude is filtered.
 *
 * <p>One {@code AddLineage} per pair of tables: OpenMetadata's {@code PUT /v1/lineage} replaces an edge's details, so
 * two statements feeding the same edge sent one by one would leave only the last one's columns on the server. Edges are
 * gathered over the whole run and merged before they are sent: the union of their column edges; {@code sqlQuery} and
 * {@code source} of the first statement seen, except that a view's edge ({@code ViewLineage}, with the view's
 * statement) wins over the query log's ({@code QueryLineage}).
 */
public final class LineageIngestion {
    private final String service;
    private final LineageSettings settings;
    private final boolean ingestAllDatabases;
    private final StepStatus source;
    private final StepStatus sinkStatus;

    public LineageIngestion(String service, LineageSettings settings, boolean ingestAllDatabases, StepStatus source,
                            StepStatus sinkStatus) {
        this.service = requireNonNull(service, "service is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.ingestAllDatabases = ingestAllDatabases;
        this.source = requireNonNull(source, "source is null");
        this.sinkStatus = requireNonNull(sinkStatus, "sinkStatus is null");
    }

    /** Runs the lineage into {@code sink}; {@code notReady} gives the error for a query log that cannot be read. */
    public void run(MetadataIngestion.Connector connector, Supplier<PgBridgeException> notReady, RequestSink sink,
                    LocalDate today) {
        settings.log().ignoredKeyWarnings().forEach(source::warning);
        Set<String> unknown = new TreeSet<>();
        Map<List<String>, PendingEdge> sent = new LinkedHashMap<>();
        try (Connection first = connector.connect(null)) {
            String current = first.getCatalog();
            Map<String, DatabaseRelations> databases = new LinkedHashMap<>();
            for (DatabaseInfo database : new Catalog(first).databases(!ingestAllDatabases)) {
                if (settings.databaseFilter().filters(database.name())) {
                    source.filtered(Fqn.database(service, database.name()));
                    continue;
                }
                if (database.name().equals(current)) {
                    databases.put(current, views(database.name(), first, unknown, sent));
                    continue;
                }
                try (Connection other = connector.connect(database.name())) {
                    databases.put(database.name(), views(database.name(), other, unknown, sent));
                }
                catch (SQLException e) {
                    PgBridgeException p = connector.translate(e);
                    source.error(Fqn.database(service, database.name()) + ": " + p.oneLine());
                }
            }
            if (settings.queries()) {
                QueryLog.read(settings.log(), first, List.copyOf(databases.keySet()), today, notReady, source, q -> {
                    String database = q.database() == null ? current : q.database();
                    DatabaseRelations relations = databases.get(database);
                    if (relations == null || StatementKind.of(q.text()) != StatementKind.WRITES) {
                        source.filtered(QueryAnalysis.start(q.text()));
                        return false;
                    }
                    StatementLineage lineage = QueryAnalysis.analyze(q.text(), q.schema(), relations, source);
                    if (lineage == null) {
                        return false;
                    }
                    if (lineage.writes().isEmpty()) {
                        source.filtered(QueryAnalysis.start(q.text()));
                        return false;
                    }
                    // counted once, as processed or as filtered (a statement writing nothing was both)
                    source.processed();
                    edges(relations, lineage, q.text(), "QueryLineage", unknown, sent);
                    return true;
                });
            }
        }
        catch (SQLException e) {
            throw connector.translate(e);
        }
        finally {
            send(sent, sink); // what was gathered before a failure (e.g. the views' edges) still goes out
        }
        if (!unknown.isEmpty()) {
            source.warning(unknown.size() + " tables named in lineage are not in the catalog (temporary, dropped, or "
                    + "partitions); their edges were skipped: " + String.join(", ", unknown.stream().limit(20).toList())
                    + (unknown.size() > 20 ? ", …" : ""));
        }
    }

    /** Reads the database's relations and sends the lineage of its views (when asked for). */
    private DatabaseRelations views(String database, Connection connection, Set<String> unknown,
                                    Map<List<String>, PendingEdge> sent) throws SQLException {
        DatabaseRelations relations = DatabaseRelations.read(database, connection);
        if (!settings.views()) {
            return relations;
        }
        for (String schema : relations.schemas()) {
            List<TableInfo> views = relations.views(schema);
            if (views.isEmpty() || settings.schemaFilter().filters(schema)) {
                continue;
            }
            Map<String, String> definitions = ViewDefinitions.read(connection, schema);
            for (TableInfo view : views) {
                String definition = definitions.get(view.name());
                if (definition == null || settings.tableFilter().filters(view.name())) {
                    continue;
                }
                source.processed();
                String statement = TableRequests.viewStatement(view, definition);
                StatementLineage lineage = QueryAnalysis.analyzeView(new TableName(view.schema(), view.name()),
                        definition, statement, relations, source);
                if (lineage != null) {
                    edges(relations, lineage, statement, "ViewLineage", unknown, sent);
                }
            }
        }
        return relations;
    }

    /** One {@code AddLineage} per gathered edge. */
    private void send(Map<List<String>, PendingEdge> sent, RequestSink sink) {
        sent.forEach((ends, edge) -> {
            List<Requests.ColumnLineage> columnsLineage = new ArrayList<>();
            edge.columns.forEach((toColumn, fromColumns) -> columnsLineage.add(
                    new Requests.ColumnLineage(List.copyOf(fromColumns), toColumn)));
            int errors = sinkStatus.errorCount();
            sink.send(Requests.Request.put(new Requests.AddLineage(EntityRef.table(ends.get(0)),
                    EntityRef.table(ends.get(1)), edge.sql, columnsLineage.isEmpty() ? null : columnsLineage,
                    edge.kind)));
            // a request the sink failed is its error, not also processed
            if (sinkStatus.errorCount() == errors) {
                sinkStatus.processed();
            }
        });
    }

    /** Gathers the statement's table edges, with the column edges between the two tables, into {@code sent}. */
    private void edges(DatabaseRelations relations, StatementLineage lineage, String sql, String kind,
                       Set<String> unknown, Map<List<String>, PendingEdge> sent) {
        String database = relations.database();
        for (TableEdge edge : lineage.tableEdges()) {
            TableName from = edge.from();
            TableName to = edge.to();
            if (from.equals(to) || from.system() || to.system()) {
                continue;
            }
            boolean known = true;
            for (TableName end : List.of(from, to)) {
                if (!relations.exists(end)) {
                    unknown.add(database + "." + end);
                    known = false;
                }
            }
            if (!known) {
                continue;
            }
            String fromFqn = tableFqn(database, from);
            String toFqn = tableFqn(database, to);
            if (filtered(from) || filtered(to)) {
                source.filtered(fromFqn + " -> " + toFqn);
                continue;
            }
            PendingEdge pending = sent.computeIfAbsent(List.of(fromFqn, toFqn), k -> new PendingEdge(sql, kind));
            if (kind.equals("ViewLineage") && !pending.kind.equals("ViewLineage")) {
                pending.kind = kind;
                pending.sql = sql;
            }
            for (ColumnEdge c : lineage.columnEdges()) {
                if (c.from().table().equals(from) && c.to().table().equals(to)) {
                    pending.columns.computeIfAbsent(columnFqn(toFqn, c.to().column()), k -> new TreeSet<>())
                            .add(columnFqn(fromFqn, c.from().column()));
                }
            }
        }
    }

    /** An edge gathered from one or more statements, sent once at the end of the run. */
    private static final class PendingEdge {
        private final Map<String, Set<String>> columns = new TreeMap<>();
        private String sql;
        private String kind;

        private PendingEdge(String sql, String kind) {
            this.sql = sql;
            this.kind = kind;
        }
    }

    private boolean filtered(TableName table) {
        return settings.schemaFilter().filters(table.schema()) || settings.tableFilter().filters(table.name());
    }

    private String tableFqn(String database, TableName table) {
        return Fqn.table(service, database, table.schema(), table.name());
    }

    private static String columnFqn(String tableFqn, String column) {
        return Fqn.column(tableFqn, column);
    }
}
