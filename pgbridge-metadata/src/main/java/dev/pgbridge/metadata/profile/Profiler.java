package dev.pgbridge.metadata.profile;

import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.catalog.DatabaseInfo;
import dev.pgbridge.catalog.SchemaInfo;
import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.catalog.TableKind;
import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.query.SqlScript;
import dev.pgbridge.metadata.ingest.MetadataIngestion;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.RequestSink;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.profile.pii.PiiClassifier;
import dev.pgbridge.sql.Identifier;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.util.Objects.requireNonNull;

/**
 * Runs a Profiler workflow into a sink: lists the tables with the catalog reading the metadata run uses
 * ({@link Catalog#tables}, {@link TableShapes#schema}), keeps those the filters let through, and profiles them on
 * {@code threadCount} threads, each table on its own connection in its own read-only transaction under its
 * {@code timeoutSeconds} (see {@link TableProfiler}). Requests go to the sink from the calling thread, table by table
 * in the catalog's order; a table that fails or runs out of time is an error of the source step naming it, and the
 * others go on.
 */
public final class Profiler {
    private final String serviceName;
    private final ProfilerSettings settings;
    private final StepStatus source;
    private final StepStatus sink;
    private final PiiClassifier classifier = new PiiClassifier();

    public Profiler(String serviceName, ProfilerSettings settings, StepStatus source, StepStatus sink) {
        this.serviceName = requireNonNull(serviceName, "serviceName is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.source = requireNonNull(source, "source is null");
        this.sink = requireNonNull(sink, "sink is null");
    }

    /** One table to profile. */
    private record Job(String database, String fqn, TableInfo table, TableShape shape) {
    }

    /** @param ingestAllDatabases every database of the server, not only the connection's */
    public void run(MetadataIngestion.Connector connector, RequestSink out, boolean ingestAllDatabases) {
        settings.ignoredKeyWarnings().forEach(source::warning);
        List<Job> jobs = new ArrayList<>();
        try (Connection first = connector.connect(null)) {
            List<DatabaseInfo> databases = new Catalog(first).databases(!ingestAllDatabases);
            String current = first.getCatalog();
            for (DatabaseInfo database : databases) {
                String fqn = Fqn.database(serviceName, database.name());
                if (settings.databaseFilter().filters(settings.useFqnForFiltering() ? fqn : database.name())) {
                    source.filtered(fqn);
                    continue;
                }
                if (database.name().equals(current)) {
                    list(first, database.name(), jobs);
                    continue;
                }
                try (Connection other = connector.connect(database.name())) {
                    list(other, database.name(), jobs);
                }
                catch (SQLException e) {
                    source.error(fqn + ": " + connector.translate(e).oneLine());
                }
            }
        }
        catch (SQLException e) {
            throw connector.translate(e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(settings.threadCount(),
                jobs.size())), r -> {
                    Thread t = new Thread(r, "pgbridge-profiler");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<Future<TableProfiler.Outcome>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> profile(connector, job)));
            }
            for (int i = 0; i < jobs.size(); i++) {
                Job job = jobs.get(i);
                TableProfiler.Outcome outcome;
                try {
                    outcome = futures.get(i).get();
                }
                catch (ExecutionException e) {
                    source.error(job.fqn() + ": " + describe(e.getCause(), connector));
                    continue;
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    source.error(job.fqn() + ": interrupted");
                    return;
                }
                source.processed();
                for (Requests.Request request : outcome.requests()) {
                    int errors = sink.errorCount();
                    out.send(request);
                    if (sink.errorCount() == errors) {
                        sink.processed();
                    }
                }
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    private String describe(Throwable cause, MetadataIngestion.Connector connector) {
        return switch (cause) {
            case TableProfiler.TimedOut t -> "profiling ran out of time (timeoutSeconds: " + settings.timeoutSeconds()
                    + "); the table was left out (hint: raise timeoutSeconds, or profile a sample with "
                    + "profileSample / profileSampleType)";
            case SQLException e -> connector.translate(e).oneLine();
            case PgBridgeException e -> e.oneLine();
            default -> "unexpected failure (" + cause + ") (hint: report it with the table's name and columns' types)";
        };
    }

    /** The tables of one database the filters keep, with their shapes: four catalog queries per schema. */
    private void list(Connection connection, String database, List<Job> jobs) throws SQLException {
        Catalog catalog = new Catalog(connection);
        for (SchemaInfo schema : catalog.schemas(false)) {
            String schemaFqn = Fqn.build(serviceName, Fqn.encode(database), Fqn.encode(schema.name()));
            if (settings.schemaFilter().filters(settings.useFqnForFiltering() ? schemaFqn : schema.name())) {
                source.filtered(schemaFqn);
                continue;
            }
            Map<String, TableShape> shapes = new HashMap<>();
            for (TableShape shape : TableShapes.schema(connection, schema.name())) {
                shapes.put(shape.name().name(), shape);
            }
            for (TableInfo table : catalog.tables(schema.name(), false)) {
                String fqn = Fqn.table(serviceName, database, schema.name(), table.name());
                boolean view = table.kind() == TableKind.VIEW || table.kind() == TableKind.MATERIALIZED_VIEW;
                // foreign tables are left out: profiling them would scan another server
                if (view && !settings.includeViews() || table.kind() == TableKind.FOREIGN_TABLE
                        || settings.tableFilter().filters(settings.useFqnForFiltering() ? fqn : table.name())
                        || !shapes.containsKey(table.name())) {
                    source.filtered(fqn);
                    continue;
                }
                jobs.add(new Job(database, fqn, table, shapes.get(table.name())));
            }
        }
    }

    private TableProfiler.Outcome profile(MetadataIngestion.Connector connector, Job job) throws Exception {
        long deadline = System.nanoTime() + settings.timeoutSeconds() * 1_000_000_000L;
        long timestamp = System.currentTimeMillis();
        ProfilerSettings.TableConfig config = settings.tableConfigOf(job.fqn());
        List<ProfiledColumn> columns = columns(job.shape(), config);
        TableProfiler.Sample sample = sample(job.table(), config);
        int sampleRows = config != null && config.sampleDataCount() != null ? config.sampleDataCount()
                : settings.sampleDataCount();
        try (Connection connection = connector.connect(job.database())) {
            return new TableProfiler(connection, job.fqn(), job.table(), job.shape(), columns, sample, settings,
                    sampleRows, classifier, deadline, timestamp).run();
        }
    }

    /** The columns to profile and each one's metrics: {@code columnConfig}'s include and exclude lists applied. */
    static List<ProfiledColumn> columns(TableShape shape, ProfilerSettings.TableConfig config) {
        ProfilerSettings.ColumnConfig columnConfig = config == null ? null : config.columnConfig();
        List<ProfiledColumn> out = new ArrayList<>();
        for (TableShape.Column c : shape.columns()) {
            ProfiledColumn.Kind kind = ProfiledColumn.kindOf(c.typeOid());
            Set<Metric> metrics = EnumSet.allOf(Metric.class);
            if (columnConfig != null) {
                if (columnConfig.excludeColumns().contains(c.name())) {
                    continue;
                }
                if (!columnConfig.includeColumns().isEmpty()) {
                    ProfilerSettings.IncludeColumn include = columnConfig.includeColumns().stream()
                            .filter(i -> i.columnName().equals(c.name())).findFirst().orElse(null);
                    if (include == null) {
                        continue;
                    }
                    if (!include.metrics().isEmpty()) {
                        metrics = EnumSet.noneOf(Metric.class);
                        for (String name : include.metrics()) {
                            Metric.ofName(name).ifPresent(metrics::add);
                        }
                    }
                }
            }
            out.add(new ProfiledColumn(c.name(), c.type(), kind, metrics));
        }
        return out;
    }

    /** The table's sample as a derived table {@code s}: see {@link TableProfiler} for why it is not copied. */
    TableProfiler.Sample sample(TableInfo table, ProfilerSettings.TableConfig config) {
        String relation = Identifier.quote(table.schema()) + "." + Identifier.quote(table.name());
        Double size = config != null && config.profileSample() != null ? config.profileSample()
                : settings.profileSample();
        ProfilerSettings.SampleType type = config != null && config.profileSampleType() != null
                ? config.profileSampleType() : settings.profileSampleType();
        List<Object> parameters = new ArrayList<>();
        List<String> where = new ArrayList<>();
        ProfilerSettings.PartitionConfig partition = config == null ? null : config.partitionConfig();
        if (partition != null && partition.enablePartitioning()) {
            where.add(partitionFilter(partition, parameters));
        }
        // the user's query as one reading statement inside its parentheses (checked when the file was read too)
        String base = config != null && config.profileQuery() != null
                ? "(" + SqlScript.query(config.profileQuery(), "profileQuery").text() + ") AS q" : relation;
        boolean sampleable = config == null || config.profileQuery() == null;
        boolean storage = sampleable && table.kind().hasStorage();
        boolean random = false;
        String limit = "";
        String tablesample = "";
        boolean sampled = size != null && !(type == ProfilerSettings.SampleType.PERCENTAGE && size >= 100);
        if (sampled && type == ProfilerSettings.SampleType.PERCENTAGE) {
            if (storage) {
                tablesample = " TABLESAMPLE " + settings.samplingMethodType().name() + " (" + size + ") REPEATABLE ("
                        + 20240521 + ")";
            }
            else {
                where.add("random() < " + size / 100);
                random = true;
            }
        }
        else if (sampled) {
            long rows = size.longValue();
            limit = " LIMIT " + rows;
            random = true; // the same rows before the LIMIT in every statement: one plan, no parallel workers
            Long estimate = table.estimatedRows();
            if (storage && estimate != null && estimate > 0) {
                double percent = Math.min(100, 150.0 * rows / estimate);
                if (percent < 100) {
                    tablesample = " TABLESAMPLE " + settings.samplingMethodType().name() + " ("
                            + String.format(Locale.ROOT, "%.6f", percent) + ") REPEATABLE (" + 20240521 + ")";
                }
            }
        }
        String from = "(SELECT * FROM " + base + tablesample + (where.isEmpty() ? "" : " WHERE "
                + String.join(" AND ", where)) + limit + ") AS s";
        boolean whole = !sampled && where.isEmpty() && (config == null || config.profileQuery() == null);
        return new TableProfiler.Sample(from, parameters, random, whole, sampled ? size : null, type);
    }

    /** OpenMetadata's partition filters, the values bound. */
    private static String partitionFilter(ProfilerSettings.PartitionConfig p, List<Object> parameters) {
        String column = Identifier.quote(p.partitionColumnName());
        return switch (p.partitionIntervalType()) {
            case TIME_UNIT, INGESTION_TIME -> {
                parameters.add(p.partitionInterval() + " " + p.partitionIntervalUnit().toLowerCase(Locale.ROOT));
                yield column + " >= now() - CAST(? AS interval)";
            }
            case COLUMN_VALUE -> {
                parameters.addAll(p.partitionValues());
                yield "CAST(" + column + " AS text) IN (" + String.join(", ", p.partitionValues().stream()
                        .map(v -> "?").toList()) + ")";
            }
            case INTEGER_RANGE -> {
                parameters.add(p.partitionIntegerRangeStart());
                parameters.add(p.partitionIntegerRangeEnd());
                yield column + " BETWEEN ? AND ?";
            }
        };
    }
}
