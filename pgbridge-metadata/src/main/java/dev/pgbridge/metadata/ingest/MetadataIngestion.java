package dev.pgbridge.metadata.ingest;

import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.catalog.DatabaseInfo;
import dev.pgbridge.catalog.ForeignKeys;
import dev.pgbridge.catalog.SchemaInfo;
import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.catalog.TableKind;
import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.catalog.ViewDefinitions;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.RequestSink;
import dev.pgbridge.metadata.openmetadata.Requests;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A {@code DatabaseMetadata} run: the service, then each database, each of its schemas and the schema's tables, as
 * OpenMetadata's create requests in OpenMetadata's order. Every schema is read in a fixed number of queries whatever
 * the number of its tables (relations with sizes and comments, their keys, their columns, foreign keys, view
 * definitions); a schema whose read fails is an error of the source step and the run goes on with the next schema.
 */
public final class MetadataIngestion {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataIngestion.class);
    /** Opens connections to the source. */
    public interface Connector {
        /** A connection to {@code database}, or to the configured database when null. */
        Connection connect(String database) throws SQLException;

        /** The user's form of a driver failure (host, database and login named; no secret). */
        PgBridgeException translate(SQLException e);
    }

    /** Where a run is, for a progress line; called on the run's thread after every table and schema. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (database, schema, schemas, tables) -> {
        };

        /**
         * @param database the database being read
         * @param schema   which of its schemas is being read (1 for the first; 0 before the first), of {@code schemas}
         *                 that its filter keeps
         * @param tables   tables and views sent in the whole run so far
         */
        void update(String database, int schema, int schemas, long tables);
    }

    private final String service;
    private final MetadataSettings settings;
    private final boolean ingestAllDatabases;
    private final StepStatus source;
    private final StepStatus sinkStatus;
    private final Progress progress;
    private long tablesSent;

    public MetadataIngestion(String service, MetadataSettings settings, boolean ingestAllDatabases, StepStatus source,
                             StepStatus sinkStatus) {
        this(service, settings, ingestAllDatabases, source, sinkStatus, Progress.NONE);
    }

    public MetadataIngestion(String service, MetadataSettings settings, boolean ingestAllDatabases, StepStatus source,
                             StepStatus sinkStatus, Progress progress) {
        this.service = requireNonNull(service, "service is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.ingestAllDatabases = ingestAllDatabases;
        this.source = requireNonNull(source, "source is null");
        this.sinkStatus = requireNonNull(sinkStatus, "sinkStatus is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /**
     * Runs the ingestion into {@code sink}, starting with {@code serviceRequest}. A failure to reach the configured
     * database is thrown; a failure in one database or schema is recorded and skipped.
     */
    public void run(Requests.CreateDatabaseService serviceRequest, Connector connector, RequestSink sink) {
        settings.ignoredKeyWarnings().forEach(source::warning);
        send(sink, serviceRequest);
        try (Connection first = connector.connect(null)) {
            String current;
            List<DatabaseInfo> databases;
            try {
                Catalog catalog = new Catalog(first);
                current = first.getCatalog();
                databases = catalog.databases(!ingestAllDatabases);
            }
            catch (SQLException e) {
                throw connector.translate(e);
            }
            for (DatabaseInfo database : databases) {
                String fqn = Fqn.database(service, database.name());
                if (settings.databaseFilter().filters(settings.useFqnForFiltering() ? fqn : database.name())) {
                    source.filtered(fqn);
                    continue;
                }
                if (database.name().equals(current)) {
                    try {
                        database(first, database, sink, connector);
                    }
                    catch (SQLException e) {
                        source.error(fqn + ": " + failure(connector, e));
                    }
                    continue;
                }
                try (Connection other = connector.connect(database.name())) {
                    database(other, database, sink, connector);
                }
                catch (SQLException e) {
                    source.error(fqn + ": " + failure(connector, e));
                }
            }
        }
        catch (SQLException e) {
            throw connector.translate(e);
        }
    }

    /** A failure for the summary: what failed and, as every error of pgbridge, what to do. */
    private static String failure(Connector connector, SQLException e) {
        PgBridgeException p = connector.translate(e);
        return p.oneLine();
    }

    private void database(Connection connection, DatabaseInfo database, RequestSink sink, Connector connector)
            throws SQLException {
        String databaseFqn = Fqn.database(service, database.name());
        send(sink, new Requests.CreateDatabase(Fqn.encode(database.name()), database.comment(), Fqn.build(service)));
        Catalog catalog = new Catalog(connection);
        ColumnTypes types = new ColumnTypes(connection);
        List<SchemaInfo> schemas = catalog.schemas(false);
        int kept = (int) schemas.stream().filter(s -> !schemaFiltered(database, s)).count();
        int current = 0;
        progress.update(database.name(), current, kept, tablesSent);
        for (SchemaInfo schema : schemas) {
            String schemaFqn = Fqn.build(service, Fqn.encode(database.name()), Fqn.encode(schema.name()));
            if (schemaFiltered(database, schema)) {
                source.filtered(schemaFqn);
                continue;
            }
            progress.update(database.name(), ++current, kept, tablesSent);
            try {
                schema(connection, catalog, types, database, schema, schemaFqn, sink, connector, current, kept);
            }
            catch (PgBridgeException e) {
                throw e;
            }
            catch (RuntimeException e) {
                // a defect met in one schema is that schema's error: the run goes on and its summary prints
                LOG.error("{}: unexpected failure", schemaFqn, e);
                source.error(schemaFqn + ": unexpected failure (" + e + "); the schema was skipped and its tables "
                        + "were not marked deleted (hint: report it with the schema's and tables' names)");
            }
        }
    }

    /** @param current which of the database's {@code kept} schemas this is, for the progress line */
    private void schema(Connection connection, Catalog catalog, ColumnTypes types, DatabaseInfo database,
                        SchemaInfo schema, String schemaFqn, RequestSink sink, Connector connector, int current,
                        int kept) {
        String databaseFqn = Fqn.database(service, database.name());
        send(sink, new Requests.CreateDatabaseSchema(Fqn.encode(schema.name()), schema.comment(), databaseFqn));
        SchemaRead read;
        try {
            read = read(connection, catalog, schema.name());
        }
        catch (SQLException e) {
            source.error(schemaFqn + ": cannot read the schema: " + failure(connector, e));
            return;
        }
        Set<String> live = new HashSet<>();
        for (TableInfo table : read.tables()) {
            String tableFqn = Fqn.table(service, database.name(), schema.name(), table.name());
            live.add(tableFqn);
            if (!included(table.kind())) {
                source.filtered(tableFqn);
                continue;
            }
            if (settings.tableFilter().filters(settings.useFqnForFiltering() ? tableFqn : table.name())) {
                source.filtered(tableFqn);
                continue;
            }
            TableShape shape = read.shapes().get(table.name());
            if (shape == null) {
                source.warning(tableFqn + ": dropped while the schema was read; left out");
                live.remove(tableFqn);
                continue;
            }
            int sinkErrors = sinkStatus.errorCount();
            try {
                send(sink, TableRequests.build(service, database.name(), schemaFqn, table, shape,
                        read.foreignKeys().getOrDefault(table.name(), List.of()),
                        read.definitions().get(table.name()), types, settings.includeOwners()));
            }
            catch (SQLException e) {
                source.error(tableFqn + ": " + failure(connector, e));
                continue;
            }
            if (sinkStatus.errorCount() == sinkErrors) { // a table the sink refused has no profile to take
                TableRequests.profile(tableFqn, table, shape, read.readAt()).ifPresent(p -> sent(sink, p));
            }
            progress.update(database.name(), current, kept, ++tablesSent);
        }
        if (settings.markDeletedTables()) {
            markDeleted(sink, schemaFqn, live);
        }
    }

    /**
     * {@code markDeletedTables} for a schema read whole: {@code live} holds every table it has now, ingested or
     * filtered out, so only tables that are gone are deleted; deletions and a refusal go to the sink's summary.
     */
    private void markDeleted(RequestSink sink, String schemaFqn, Set<String> live) {
        RequestSink.StaleTables stale = sink.markDeleted(schemaFqn, live, settings.allowEmptyingSchema());
        stale.deleted().stream().sorted().forEach(sinkStatus::deleted);
        if (stale.refusal() != null) {
            sinkStatus.warning(stale.refusal());
        }
    }

    private boolean schemaFiltered(DatabaseInfo database, SchemaInfo schema) {
        return settings.schemaFilter().filters(settings.useFqnForFiltering()
                ? Fqn.build(service, Fqn.encode(database.name()), Fqn.encode(schema.name())) : schema.name());
    }

    private boolean included(TableKind kind) {
        return switch (kind) {
            case VIEW, MATERIALIZED_VIEW -> settings.includeViews();
            case TABLE, PARTITIONED_TABLE, FOREIGN_TABLE -> settings.includeTables();
        };
    }

    /** @param readAt when the schema was read, epoch milliseconds (the profiles' timestamp) */
    private record SchemaRead(List<TableInfo> tables, Map<String, TableShape> shapes,
                              Map<String, List<ForeignKeys.ForeignKey>> foreignKeys, Map<String, String> definitions,
                              long readAt) {
    }

    /**
     * The whole schema in five queries: relations with owners, sizes, row estimates and comments, their keys, their
     * columns, foreign keys, view definitions.
     */
    private static SchemaRead read(Connection connection, Catalog catalog, String schema) throws SQLException {
        long readAt = System.currentTimeMillis();
        List<TableInfo> tables = catalog.tables(schema, false);
        Map<String, TableShape> shapes = new HashMap<>();
        for (TableShape shape : TableShapes.schema(connection, schema)) {
            shapes.put(shape.name().name(), shape);
        }
        Map<String, List<ForeignKeys.ForeignKey>> foreignKeys = new HashMap<>();
        for (ForeignKeys.ForeignKey fk : ForeignKeys.read(connection, schema)) {
            foreignKeys.computeIfAbsent(fk.table().name(), k -> new java.util.ArrayList<>()).add(fk);
        }
        return new SchemaRead(tables, shapes, foreignKeys, ViewDefinitions.read(connection, schema), readAt);
    }

    private void send(RequestSink sink, Object body) {
        source.processed();
        sent(sink, Requests.Request.put(body));
    }

    /** Sends one request; one the sink failed is its error, not also processed. */
    private void sent(RequestSink sink, Requests.Request request) {
        int errors = sinkStatus.errorCount();
        sink.send(request);
        if (sinkStatus.errorCount() == errors) {
            sinkStatus.processed();
        }
    }
}
