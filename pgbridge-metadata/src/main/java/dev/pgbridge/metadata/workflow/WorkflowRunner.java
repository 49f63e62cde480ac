package dev.pgbridge.metadata.workflow;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.ingest.MetadataIngestion;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.openmetadata.RequestFile;
import dev.pgbridge.metadata.openmetadata.RequestSink;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.store.ConnectionResolver;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private final ConnectionResolver resolver;
    private final String tenant;

    public WorkflowRunner(ConnectionResolver resolver, String tenant) {
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.tenant = requireNonNull(tenant, "tenant is null");
    }

    public Result run(Workflow workflow) {
        return run(workflow, MetadataIngestion.Progress.NONE);
    }

    /** Runs the workflow, telling {@code progress} where it is (for a progress line). */
    public Result run(Workflow workflow, MetadataIngestion.Progress progress) {
        if (!workflow.pipelineType().equals(WorkflowSchema.DATABASE_METADATA)) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "source.sourceConfig.config.type "
                    + workflow.pipelineType() + " does not run in this version of pgbridge",
                    "run a DatabaseMetadata workflow (source.type: postgres)");
        }
        if (!workflow.sink().type().equals("file")) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "sink.type " + workflow.sink().type()
                    + " does not run in this version of pgbridge"
                    + (workflow.sink().type().equals("pgbridge") ? " (it is the default when sink is left out)" : ""),
                    "write the requests to a file: sink: {type: file, config: {filename: requests.jsonl}}");
        }
        ConnectionConfig config = connection(workflow.connection());
        StepStatus source = new StepStatus("Source");
        StepStatus sink = new StepStatus("Sink");
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
        try (RequestSink out = new RequestFile(Path.of(workflow.sink().filename()))) {
            new MetadataIngestion(workflow.serviceName(), workflow.metadata(),
                    workflow.connection().ingestAllDatabases(), source, sink, progress)
                    .run(serviceRequest(workflow, config), connector, out);
        }
        catch (PgBridgeException e) {
            if (e.code() == ErrorCode.IO) {
                sink.error(e.getMessage());
            }
            else {
                source.error(e.getMessage());
            }
        }
        return new Result(List.of(source, sink));
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
