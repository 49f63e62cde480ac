package dev.pgbridge.metadata.workflow;

import dev.pgbridge.metadata.dbt.DbtSettings;
import dev.pgbridge.metadata.ingest.MetadataSettings;
import dev.pgbridge.metadata.openmetadata.ServerConfig;
import dev.pgbridge.metadata.profile.ProfilerSettings;
import dev.pgbridge.metadata.quality.TestSuiteSettings;
import dev.pgbridge.metadata.usage.LineageSettings;
import dev.pgbridge.metadata.usage.QueryLogSettings;
import dev.pgbridge.secret.Secret;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A checked workflow: where to read (the source and its connection), what to ingest, where the requests go.
 *
 * @param sourceType   {@code postgres} (metadata), {@code postgres-usage} or {@code postgres-lineage}
 * @param pipelineType {@code sourceConfig.config.type}: {@code DatabaseMetadata}, {@code DatabaseUsage}, …
 * @param metadata     the metadata pipeline's settings; null for other pipeline types
 * @param usage        the usage pipeline's query log; null for other pipeline types
 * @param lineage      the lineage pipeline's settings; null for other pipeline types
 * @param profiler     the profiler pipeline's settings (with its processor's); null for other pipeline types
 * @param testSuite    the test suite pipeline's settings (with its processor's); null for other pipeline types
 * @param dbt          the dbt pipeline's settings; null for other pipeline types
 */
public record Workflow(String sourceType, String serviceName, ServiceConnection connection, String pipelineType,
                       MetadataSettings metadata, Sink sink, QueryLogSettings usage, LineageSettings lineage,
                       ProfilerSettings profiler, TestSuiteSettings testSuite, DbtSettings dbt) {
    public Workflow {
        requireNonNull(sourceType, "sourceType is null");
        requireNonNull(serviceName, "serviceName is null");
        requireNonNull(connection, "connection is null");
        requireNonNull(pipelineType, "pipelineType is null");
        requireNonNull(sink, "sink is null");
    }

    /** A metadata workflow. */
    public Workflow(String sourceType, String serviceName, ServiceConnection connection, String pipelineType,
                    MetadataSettings metadata, Sink sink) {
        this(sourceType, serviceName, connection, pipelineType, metadata, sink, null, null);
    }

    /** A metadata, usage or lineage workflow. */
    public Workflow(String sourceType, String serviceName, ServiceConnection connection, String pipelineType,
                    MetadataSettings metadata, Sink sink, QueryLogSettings usage, LineageSettings lineage) {
        this(sourceType, serviceName, connection, pipelineType, metadata, sink, usage, lineage, null, null, null);
    }

    /**
     * {@code serviceConnection.config}: a pgbridge connection id, or OpenMetadata's fields, or both (the fields
     * given override the saved connection's).
     *
     * @param connId   pgbridge's {@code connection}: a saved connection or AIRFLOW_CONN_&lt;ID&gt;; null when not given
     * @param password {@code authType.password} or {@code password}; null when not given
     */
    public record ServiceConnection(String connId, String hostPort, String username, Secret password, String database,
                                    boolean ingestAllDatabases, String sslMode, Map<String, String> connectionOptions,
                                    Map<String, String> connectionArguments) {
        public ServiceConnection {
            connectionOptions = Map.copyOf(connectionOptions);
            connectionArguments = Map.copyOf(connectionArguments);
        }

        @Override
        public String toString() {
            return "ServiceConnection[connId=" + connId + ", hostPort=" + hostPort + ", username=" + username
                    + ", password=" + (password == null ? "none" : "****") + ", database=" + database + "]";
        }
    }

    /**
     * Where the requests go.
     *
     * @param type     {@code pgbridge} (the default), {@code file} or {@code metadata-rest}
     * @param filename the {@code file} sink's {@code config.filename}; null otherwise
     * @param server   the {@code metadata-rest} sink's server ({@code workflowConfig.openMetadataServerConfig});
     *                 null otherwise
     */
    public record Sink(String type, String filename, ServerConfig server) {
        public Sink {
            requireNonNull(type, "type is null");
        }

        public Sink(String type, String filename) {
            this(type, filename, null);
        }
    }
}
