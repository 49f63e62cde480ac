package dev.pgbridge.metadata.workflow;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.catalogstore.CatalogSink;
import dev.pgbridge.metadata.dbt.DbtIngestion;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.ingest.MetadataIngestion;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.openmetadata.RequestFile;
import dev.pgbridge.metadata.openmetadata.RequestSink;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.openmetadata.RestSink;
import dev.pgbridge.metadata.openmetadata.SinkFailure;
import dev.pgbridge.metadata.profile.Profiler;
import dev.pgbridge.metadata.quality.SensitiveColumns;
import dev.pgbridge.metadata.quality.TestSuiteRunner;
import dev.pgbridge.metadata.usage.LineageIngestion;
import dev.pgbridge.metadata.usage.UsageIngestion;
import dev.pgbridge.metadata.usage.UsageReadiness;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.store.StoreDatabase;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Runs a checked {@link Workflow}: resolves its connection (a pgbridge connection id, OpenMetadata's fields, or both),
 * runs its source into its sink, and keeps what each step did for the summary.
 */
public final class WorkflowRunner {
    /** What a run did, step by step. */
    public record Result(List<StepStatus> steps) {
        public Result {
            steps = List.copyOf(steps);
        }

        /** Whether any step had an error (the exit code is then 1). */
        public boolean failed() {
            return steps.stream().anyMatch(StepStatus::failed);
        }
    }

    private static final Supplier<StoreDatabase> NO_STORE = () -> {
        throw new PgBridgeException(ErrorCode.STORE, "this runner has no control store for the local catalog",
                "write the requests to a file: sink: {type: file, config: {filename: requests.jsonl}}");
    };

    private final ConnectionResolver resolver;
    private final String tenant;
    private final Supplier<StoreDatabase> store;
    private final Clock clock;

    /** A runner without the control store: workflows with the {@code file} sink only. */
    public WorkflowRunner(ConnectionResolver resolver, String tenant) {
        this(resolver, tenant, NO_STORE, Clock.systemUTC());
    }

    /** @param store the control store, opened when the local catalog ({@code pgbridge} sink) is written */
    public WorkflowRunner(ConnectionResolver resolver, String tenant, Supplier<StoreDatabase> store) {
        this(resolver, tenant, store, Clock.systemUTC());
    }

    /** A runner without the control store whose usage runs book their counts on {@code clock}'s day. */
    public WorkflowRunner(ConnectionResolver resolver, String tenant, Clock clock) {
        this(resolver, tenant, NO_STORE, clock);
    }

    /**
     * @param store the control store, opened when the local catalog ({@code pgbridge} sink) is written
     * @param clock the run's day (UTC) for usage: the day pg_stat_statements' counts are booked on
     */
    public WorkflowRunner(ConnectionResolver resolver, String tenant, Supplier<StoreDatabase> store, Clock clock) {
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Result run(Workflow workflow) {
        return run(workflow, MetadataIngestion.Progress.NONE);
    }

    /** Runs the workflow, telling {@code progress} where a metadata run is (for a progress line). */
    public Result run(Workflow workflow, MetadataIngestion.Progress progress) {
        ConnectionConfig config = connection(workflow.connection());
        StepStatus source = new StepStatus("Source");
        StepStatus sink = new StepStatus("Sink");
        RequestSink out;
        try {
            out = openSink(workflow.sink(), sink);
        }
        catch (PgBridgeException e) {
            sink.error(e.oneLine());
            return new Result(List.of(source, sink));
        }
        MetadataIngestion.Connector connector = new MetadataIngestion.Connector() {
            @Override
            public Connection connect(String database) throws SQLException {
                ConnectionConfig target = database == null ? config : config.toBuilder().database(database).build();
                return JdbcTarget.of(target).connect();
            }

            @Override
            public PgBridgeException translate(SQLException e) {
                return SqlErrors.translate(e, config);
            }
        };
        try (out) {
            boolean all = workflow.connection().ingestAllDatabases();
            Supplier<PgBridgeException> notReady = () -> UsageReadiness.notReady(config);
            LocalDate today = LocalDate.now(clock);
            switch (workflow.pipelineType()) {
                case WorkflowSchema.DATABASE_USAGE -> new UsageIngestion(workflow.serviceName(), workflow.usage(), all,
                        source, sink).run(connector, notReady, out, today);
                case WorkflowSchema.DATABASE_LINEAGE -> new LineageIngestion(workflow.serviceName(),
                        workflow.lineage(), all, source, sink).run(connector, notReady, out, today);
                case WorkflowSchema.PROFILER -> new Profiler(workflow.serviceName(), workflow.profiler(), source,
                        sink).run(connector, out, all);
                case WorkflowSchema.TEST_SUITE -> new TestSuiteRunner(workflow.serviceName(), workflow.testSuite(),
                        source, sink, progress instanceof TestSuiteRunner.Results r ? r : TestSuiteRunner.Results.NONE,
                        SensitiveColumns.PII_CLASSIFIER, out instanceof CatalogSink catalog ? catalog::columnTags
                        : TestSuiteRunner.ColumnTags.NONE, Clock.systemUTC()).run(connector, out);
                case WorkflowSchema.DBT -> new DbtIngestion(workflow.serviceName(), workflow.dbt(), source, sink,
                        clock).run(connector, out);
                default -> new MetadataIngestion(workflow.serviceName(), workflow.metadata(), all, source, sink,
                        progress).run(serviceRequest(workflow, config), connector, out);
            }
        }
        catch (SinkFailure e) {
            sink.error(e.oneLine());
        }
        catch (PgBridgeException e) {
            String failure = e.oneLine();
            if (e.code() == ErrorCode.IO || e.code() == ErrorCode.STORE) {
                sink.error(failure);
            }
            else {
                source.error(failure);
            }
        }
        return new Result(List.of(source, sink));
    }

    /**
     * The sink {@code sink.type} names: {@code pgbridge} (the local catalog in the control store, the default),
     * {@code file}, {@code metadata-rest} (an OpenMetadata server, asked its version first). The one place a sink
     * plugs in.
     */
    private RequestSink openSink(Workflow.Sink sink, StepStatus status) {
        return switch (sink.type()) {
            case "pgbridge" -> new CatalogSink(CatalogStore.open(store.get(), tenant), status::warning);
            case "file" -> new RequestFile(Path.of(sink.filename()));
            case "metadata-rest" -> RestSink.connect(sink.server(), new RestSink.Report(status::warning, status::error));
            default -> throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "sink.type " + sink.type()
                    + " is not a sink of pgbridge", "use pgbridge (the default), file or metadata-rest");
        };
    }

    /** The connection: a saved one (or AIRFLOW_CONN_&lt;ID&gt;) with the file's fields laid over it, or the fields. */
    ConnectionConfig connection(Workflow.ServiceConnection c) {
        ConnectionConfig.Builder builder = c.connId() != null
                ? resolver.resolve(c.connId(), tenant).config().toBuilder()
                : ConnectionConfig.builder().connType(ConnectionConfig.POSTGRES);
        if (c.hostPort() != null) {
            String hostPort = c.hostPort();
            int colon = hostPort.lastIndexOf(':');
            boolean hasPort = colon > 0 && hostPort.indexOf(']', colon) < 0;
            builder.host(hasPort ? hostPort.substring(0, colon) : hostPort);
            builder.port(hasPort ? hostPort.substring(colon + 1) : null);
        }
        if (c.username() != null) {
            builder.login(c.username());
        }
        if (c.password() != null) {
            builder.password(c.password());
        }
        if (c.database() != null) {
            builder.database(c.database());
        }
        ConnectionConfig config = builder.build();
        if (config.database() == null) {
            config = config.toBuilder().database(ConnectionConfig.POSTGRES).build();
        }
        if (c.sslMode() != null) {
            config = config.withExtra("sslmode", c.sslMode());
        }
        for (Map.Entry<String, String> option : c.connectionOptions().entrySet()) {
            config = config.withExtra(option.getKey(), option.getValue());
        }
        for (Map.Entry<String, String> argument : c.connectionArguments().entrySet()) {
            config = config.withExtra(argument.getKey(), argument.getValue());
        }
        return config;
    }

    /** The service as OpenMetadata creates it, its connection without any password. */
    private static Requests.CreateDatabaseService serviceRequest(Workflow workflow, ConnectionConfig config) {
        Map<String, Object> connection = new LinkedHashMap<>();
        connection.put("type", "Postgres");
        connection.put("scheme", "postgresql+psycopg2");
        if (config.login() != null) {
            connection.put("username", config.login());
        }
        connection.put("hostPort", (config.host() == null ? "localhost" : config.host()) + ":"
                + (config.port() == null ? ConnectionConfig.DEFAULT_PORT : config.port()));
        connection.put("database", config.database());
        connection.put("ingestAllDatabases", workflow.connection().ingestAllDatabases());
        return new Requests.CreateDatabaseService(workflow.serviceName(), "Postgres", Map.of("config", connection));
    }

    /** OpenMetadata's summary: per step, records processed and filtered, warnings and errors (with what they were). */
    public static void printSummary(Result result, PrintWriter out) {
        for (StepStatus step : result.steps()) {
            out.println("Workflow " + step.step() + " Summary:");
            out.println("  Processed records: " + step.processedCount());
            out.println("  Filtered records: " + step.filteredRecords().size());
            if (!step.deletedRecords().isEmpty()) {
                out.println("  Deleted records: " + step.deletedRecords().size());
                for (String d : step.deletedRecords()) {
                    out.println("    - " + d);
                }
            }
            out.println("  Warnings: " + step.warnings().size());
            for (String w : step.warnings()) {
                out.println("    - " + w);
            }
            out.println("  Errors: " + step.errors().size());
            for (String e : step.errors()) {
                out.println("    - " + e);
            }
        }
        long processed = result.steps().get(0).processedCount();
        long errors = result.steps().stream().mapToLong(s -> s.errors().size()).sum();
        out.println(result.failed() ? "Workflow finished with failures (" + errors + " errors, " + processed
                + " records processed)" : "Workflow finished successfully (" + processed + " records processed)");
        out.flush();
    }
}
