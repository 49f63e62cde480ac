package dev.pgbridge.metadata.workflow;

import java.util.List;
import java.util.Map;

import static dev.pgbridge.metadata.workflow.Shape.Key.dependent;
import static dev.pgbridge.metadata.workflow.Shape.Key.optional;
import static dev.pgbridge.metadata.workflow.Shape.Key.required;
import static dev.pgbridge.metadata.workflow.Shape.choice;
import static dev.pgbridge.metadata.workflow.Shape.flag;
import static dev.pgbridge.metadata.workflow.Shape.text;
import static dev.pgbridge.metadata.workflow.Shape.whole;

/**
 * The keys of an OpenMetadata workflow file that pgbridge reads, as OpenMetadata 1.4 declares them
 * ({@code metadataIngestion/workflow.json}, {@code postgresConnection.json},
 * {@code databaseServiceMetadataPipeline.json}, {@code databaseServiceQueryUsagePipeline.json},
 * {@code databaseServiceQueryLineagePipeline.json}), plus pgbridge's {@code serviceConnection.config.connection}.
 */
final class WorkflowSchema {
    static final String DATABASE_METADATA = "DatabaseMetadata";
    static final String DATABASE_USAGE = "DatabaseUsage";
    static final String DATABASE_LINEAGE = "DatabaseLineage";
    static final String PROFILER = "Profiler";
    static final String TEST_SUITE = "TestSuite";
    static final String DBT = "DBT";

    static final Shape FILTER = Shape.Keys.of(
            optional("includes", new Shape.Regexes()),
            optional("excludes", new Shape.Regexes()));

    static final Shape.Keys POSTGRES_CONNECTION = Shape.Keys.of(
            optional("type", choice("Postgres")),
            optional("connection", text()),
            optional("scheme", choice("postgresql+psycopg2", "pgspider+psycopg2")),
            optional("username", text()),
            optional("authType", Shape.Keys.of(required("password", text()))),
            optional("password", text()),
            optional("hostPort", text()),
            optional("database", text()),
            optional("ingestAllDatabases", flag()),
            optional("sslMode", choice("disable", "allow", "prefer", "require", "verify-ca", "verify-full")),
            optional("sslConfig", Shape.Keys.of(optional("caCertificate", text()),
                    optional("sslCertificate", text()), optional("sslKey", text()))),
            optional("classificationName", text()),
            optional("connectionOptions", new Shape.Pairs()),
            optional("connectionArguments", new Shape.Pairs()),
            optional("supportsMetadataExtraction", flag()),
            optional("supportsUsageExtraction", flag()),
            optional("supportsLineageExtraction", flag()),
            optional("supportsDBTExtraction", flag()),
            optional("supportsProfiler", flag()),
            optional("supportsDatabase", flag()),
            optional("supportsQueryComment", flag()));

    static final Shape.Keys METADATA_CONFIG = Shape.Keys.of(
            required("type", choice(DATABASE_METADATA)),
            optional("markDeletedTables", flag()),
            optional("allowEmptyingSchema", flag()),
            optional("markDeletedStoredProcedures", flag()),
            optional("includeTables", flag()),
            optional("includeViews", flag()),
            optional("includeTags", flag()),
            optional("includeOwners", flag()),
            optional("includeStoredProcedures", flag()),
            optional("includeDDL", flag()),
            optional("queryLogDuration", whole()),
            optional("queryParsingTimeoutLimit", whole()),
            optional("useFqnForFiltering", flag()),
            optional("databaseFilterPattern", FILTER),
            optional("schemaFilterPattern", FILTER),
            optional("tableFilterPattern", FILTER),
            optional("threads", whole()),
            optional("incremental", new Shape.Anything()));

    /** {@code databaseServiceQueryUsagePipeline.json} (1.4), and {@code processQueryCostAnalysis} of newer servers. */
    static final Shape.Keys USAGE_CONFIG = Shape.Keys.of(
            required("type", choice(DATABASE_USAGE)),
            optional("queryLogDuration", whole()),
            optional("stageFileLocation", text()),
            optional("filterCondition", text()),
            optional("resultLimit", whole()),
            optional("queryLogFilePath", text()),
            optional("processQueryCostAnalysis", flag()));

    /** {@code databaseServiceQueryLineagePipeline.json} (1.4), and the switches newer servers added. */
    static final Shape.Keys LINEAGE_CONFIG = Shape.Keys.of(
            required("type", choice(DATABASE_LINEAGE)),
            optional("queryLogDuration", whole()),
            optional("queryLogFilePath", text()),
            optional("resultLimit", whole()),
            optional("parsingTimeoutLimit", whole()),
            optional("filterCondition", text()),
            optional("databaseFilterPattern", FILTER),
            optional("schemaFilterPattern", FILTER),
            optional("tableFilterPattern", FILTER),
            optional("processViewLineage", flag()),
            optional("processQueryLineage", flag()),
            optional("processStoredProcedureLineage", flag()),
            optional("overrideViewLineage", flag()),
            optional("processCrossDatabaseLineage", flag()),
            optional("crossDatabaseServiceNames", new Shape.Anything()),
            optional("enableTempTableLineage", flag()),
            optional("incrementalLineageProcessing", flag()),
            optional("storedProcedureFilterPattern", FILTER),
            optional("threads", whole()));

    /** Keys of {@link #METADATA_CONFIG} pgbridge accepts for OpenMetadata compatibility and ignores. */
    static final List<String> METADATA_IGNORED = List.of("markDeletedStoredProcedures", "includeTags",
            "includeStoredProcedures", "includeDDL", "queryLogDuration", "queryParsingTimeoutLimit", "threads",
            "incremental");
    /** Keys of {@link #USAGE_CONFIG} pgbridge accepts for OpenMetadata compatibility and ignores. */
    static final List<String> USAGE_IGNORED = List.of("stageFileLocation", "processQueryCostAnalysis");
    /** Keys of {@link #LINEAGE_CONFIG} pgbridge accepts for OpenMetadata compatibility and ignores. */
    static final List<String> LINEAGE_IGNORED = List.of("parsingTimeoutLimit", "processStoredProcedureLineage",
            "overrideViewLineage", "processCrossDatabaseLineage", "crossDatabaseServiceNames", "enableTempTableLineage",
            "incrementalLineageProcessing", "storedProcedureFilterPattern", "threads");

    // ---- Profiler: databaseServiceProfilerPipeline.json and the orm-profiler processor (pgbridge.metadata.profile)

    /**
     * {@code databaseServiceProfilerPipeline.json} (1.4), and the keys newer servers added. Numbers OpenMetadata
     * declares as {@code number} ({@code profileSample}, {@code confidence}, {@code threadCount}) are checked with their
     * ranges by {@link ProfilerConfigReader#check}.
     */
    static final Shape.Keys PROFILER_CONFIG = Shape.Keys.of(
            required("type", choice(PROFILER)),
            optional("databaseFilterPattern", FILTER),
            optional("schemaFilterPattern", FILTER),
            optional("tableFilterPattern", FILTER),
            optional("includeViews", flag()),
            optional("useFqnForFiltering", flag()),
            optional("generateSampleData", flag()),
            optional("sampleDataCount", whole()),
            optional("computeMetrics", flag()),
            optional("computeTableMetrics", flag()),
            optional("computeColumnMetrics", flag()),
            optional("useStatistics", flag()),
            optional("processPiiSensitive", flag()),
            optional("autoTagPII", flag()),
            optional("confidence", new Shape.Anything()),
            optional("profileSampleType", choice("PERCENTAGE", "ROWS")),
            optional("profileSample", new Shape.Anything()),
            optional("samplingMethodType", choice("BERNOULLI", "SYSTEM")),
            optional("randomizedSample", flag()),
            optional("threadCount", new Shape.Anything()),
            optional("timeoutSeconds", whole()));

    /** Keys of {@link #PROFILER_CONFIG} pgbridge accepts for OpenMetadata compatibility and ignores. */
    static final List<String> PROFILER_IGNORED = List.of("computeTableMetrics", "computeColumnMetrics",
            "useStatistics", "randomizedSample");

    /** {@code tableProfilerConfig.partitioning} as the processor's {@code tableConfig[].partitionConfig}. */
    static final Shape PARTITION_CONFIG = Shape.Keys.of(
            optional("enablePartitioning", flag()),
            optional("partitionColumnName", text()),
            optional("partitionIntervalType", choice("TIME-UNIT", "INGESTION-TIME", "COLUMN-VALUE",
                    "INTEGER-RANGE")),
            optional("partitionInterval", whole()),
            optional("partitionIntervalUnit", choice("YEAR", "MONTH", "DAY", "HOUR")),
            optional("partitionValues", new Shape.Anything()),
            optional("partitionIntegerRangeStart", whole()),
            optional("partitionIntegerRangeEnd", whole()));

    /** One entry of the processor's {@code tableConfig} list (checked item by item by the reader). */
    static final Shape TABLE_CONFIG = Shape.Keys.of(
            required("fullyQualifiedName", text()),
            optional("profileSample", new Shape.Anything()),
            optional("profileSampleType", choice("PERCENTAGE", "ROWS")),
            optional("sampleDataCount", whole()),
            optional("profileQuery", text()),
            optional("columnConfig", Shape.Keys.of(
                    optional("excludeColumns", new Shape.Anything()),
                    optional("includeColumns", new Shape.Anything()))),
            optional("partitionConfig", PARTITION_CONFIG));

    /** {@code columnConfig.includeColumns[]}. */
    static final Shape INCLUDE_COLUMN = Shape.Keys.of(
            required("columnName", text()),
            optional("metrics", new Shape.Anything()));

    /** The {@code orm-profiler} processor's {@code config}: {@code tableConfig[]} (and OpenMetadata's metric set). */
    static final Shape PROFILER_PROCESSOR_CONFIG = Shape.Keys.of(
            optional("tableConfig", new Shape.Anything()),
            optional("profiler", new Shape.Anything()));

    /** The {@code orm-profiler} processor's {@code config}. */
    static final Shape PROFILER_PROCESSOR = Shape.Keys.of(
            optional("type", choice("orm-profiler")),
            optional("config", PROFILER_PROCESSOR_CONFIG));

    // ---- end of Profiler

    // ---- TestSuite: testSuitePipeline.json and the orm-test-runner processor (pgbridge.metadata.quality)

    /**
     * {@code testSuitePipeline.json}: the table to test ({@code entityFullyQualifiedName}, checked by
     * {@link TestSuiteConfigReader}: required unless every test case names its own table).
     */
    static final Shape.Keys TEST_SUITE_CONFIG = Shape.Keys.of(
            required("type", choice(TEST_SUITE)),
            optional("entityFullyQualifiedName", text()),
            optional("profileSample", new Shape.Anything()),
            optional("profileSampleType", choice("PERCENTAGE", "ROWS")));

    /** Keys of {@link #TEST_SUITE_CONFIG} pgbridge accepts and ignores (tests always read the whole table). */
    static final List<String> TEST_SUITE_IGNORED = List.of("profileSample", "profileSampleType");

    /** {@code parameterValues[]} of a test case: {@code {name, value}}. */
    static final Shape.Keys TEST_CASE_PARAMETER = Shape.Keys.of(
            required("name", text()),
            required("value", new Shape.Anything()));

    /**
     * One of {@code processor.config.testCases[]} (OpenMetadata's {@code TestCaseDefinition}); its own
     * {@code entityFullyQualifiedName} is pgbridge's addition (tests of several tables in one file).
     */
    static final Shape.Keys TEST_CASE = Shape.Keys.of(
            required("name", text()),
            required("testDefinitionName", text()),
            optional("columnName", text()),
            optional("parameterValues", new Shape.Anything()),
            optional("description", text()),
            optional("displayName", text()),
            optional("computePassedFailedRowCount", flag()),
            optional("useDynamicAssertion", flag()),
            optional("tags", new Shape.Anything()),
            optional("entityFullyQualifiedName", text()));

    /** The {@code orm-test-runner} processor's {@code config}; {@code timeoutSeconds} is pgbridge's addition. */
    static final Shape TEST_SUITE_PROCESSOR = Shape.Keys.of(
            required("type", choice("orm-test-runner")),
            optional("config", Shape.Keys.of(
                    optional("testCases", new Shape.Anything()),
                    optional("forceUpdate", flag()),
                    optional("timeoutSeconds", whole()))));

    // ---- end of TestSuite

    // ---- DBT: dbtPipeline.json (pgbridge.metadata.dbt)

    /** {@code dbtconfig/dbtLocalConfig.json}: the one {@code dbtConfigSource} pgbridge reads (files on disk). */
    static final Shape.Keys DBT_LOCAL_CONFIG = Shape.Keys.of(
            required("dbtConfigType", choice("local")),
            required("dbtManifestFilePath", text()),
            optional("dbtCatalogFilePath", text()),
            optional("dbtRunResultsFilePath", text()));

    /**
     * {@code dbtConfigSource}: by its {@code dbtConfigType}. Only {@code local} is read; OpenMetadata's {@code s3},
     * {@code gcs}, {@code azure}, {@code http} and {@code cloud} are refused as invalid choices naming {@code local}.
     */
    static final Shape DBT_CONFIG_SOURCE = new Shape.ByType("dbtConfigType", Map.of("local", DBT_LOCAL_CONFIG));

    /** {@code dbtPipeline.json}. */
    static final Shape.Keys DBT_CONFIG = Shape.Keys.of(
            required("type", choice(DBT)),
            required("dbtConfigSource", DBT_CONFIG_SOURCE),
            optional("dbtUpdateDescriptions", flag()),
            optional("includeTags", flag()),
            optional("dbtClassificationName", text()),
            optional("databaseFilterPattern", FILTER),
            optional("schemaFilterPattern", FILTER),
            optional("tableFilterPattern", FILTER),
            optional("parsingTimeoutLimit", whole()));

    // ---- end of DBT

    static final Shape SOURCE_CONFIG = Shape.Keys.of(required("config", new Shape.ByType("type", Map.of(
            DATABASE_METADATA, METADATA_CONFIG,
            DATABASE_USAGE, USAGE_CONFIG,
            DATABASE_LINEAGE, LINEAGE_CONFIG,
            PROFILER, PROFILER_CONFIG,
            TEST_SUITE, TEST_SUITE_CONFIG,
            DBT, DBT_CONFIG))));

    /**
     * {@code serviceConnection}: required, except for a dbt workflow (it reads files, not the database); a TestSuite
     * workflow's is checked by {@link TestSuiteConfigReader} (OpenMetadata takes it from its server: its message says so).
     */
    static final Shape SERVICE_CONNECTION = Shape.Keys.of(required("config", POSTGRES_CONNECTION));
    static final Shape OPTIONAL_SERVICE_CONNECTION = Shape.Keys.of(optional("config", POSTGRES_CONNECTION));

    static final Shape SOURCE = Shape.Keys.of(
            required("type", choice("postgres", "postgres-usage", "postgres-lineage", "TestSuite", "testsuite",
                    "dbt")),
            required("serviceName", text()),
            dependent("serviceConnection", source -> DBT.equals(pipelineTypeOfSource(source))
                    || TEST_SUITE.equals(pipelineTypeOfSource(source))
                    ? OPTIONAL_SERVICE_CONNECTION : SERVICE_CONNECTION),
            required("sourceConfig", SOURCE_CONFIG));

    static final Shape.Keys FILE_SINK = Shape.Keys.of(required("filename", text()));
    static final Shape.Keys NO_CONFIG = Shape.Keys.of();
    static final Shape.Keys REST_SINK = Shape.Keys.of(
            optional("api_endpoint", text()),
            optional("bulk_sink_batch_size", whole()),
            optional("override_metadata", flag()));

    static final Shape SINK = Shape.Keys.of(
            required("type", choice("pgbridge", "file", "metadata-rest")),
            dependent("config", parent -> switch (String.valueOf(parent.get("type"))) {
                case "file" -> FILE_SINK;
                case "metadata-rest" -> REST_SINK;
                default -> NO_CONFIG;
            }));

    static final Shape COMPONENT = Shape.Keys.of(required("type", text()),
            optional("config", new Shape.Anything()));

    /** A usage workflow's steps as OpenMetadata writes them; pgbridge does all three in one process. */
    static final Shape USAGE_PROCESSOR = Shape.Keys.of(optional("type", choice("query-parser")),
            optional("config", new Shape.Anything()));
    static final Shape USAGE_STAGE = Shape.Keys.of(optional("type", choice("table-usage")),
            optional("config", Shape.Keys.of(optional("filename", text()))));
    static final Shape USAGE_BULK_SINK = Shape.Keys.of(optional("type", choice("metadata-usage")),
            optional("config", Shape.Keys.of(optional("filename", text()))));

    static final List<String> AUTH_PROVIDERS = List.of("openmetadata", "no-auth", "basic",
            "google", "okta", "auth0", "aws-cognito", "azure", "custom-oidc", "saml", "ldap");

    /** OpenMetadata 1.4's {@code openMetadataConnection.json} (and the older {@code no-auth}). */
    static final Shape SERVER = Shape.Keys.of(
            optional("hostPort", text()),
            optional("authProvider", new Shape.Choice(AUTH_PROVIDERS)),
            optional("securityConfig", Shape.Keys.of(optional("jwtToken", text()))),
            optional("verifySSL", choice("no-ssl", "ignore", "validate")),
            optional("sslConfig", Shape.Keys.of(optional("caCertificate", text()),
                    optional("sslCertificate", text()), optional("sslKey", text()))),
            optional("type", choice("OpenMetadata")),
            optional("clusterName", text()),
            optional("apiVersion", choice("v1")),
            optional("enableVersionValidation", flag()),
            optional("forceEntityOverwriting", flag()),
            optional("extraHeaders", new Shape.Pairs()),
            optional("storeServiceConnection", flag()),
            optional("supportsMetadataExtraction", flag()));

    static final Shape WORKFLOW_CONFIG = Shape.Keys.of(
            optional("loggerLevel", choice("DEBUG", "INFO", "WARN", "ERROR")),
            optional("openMetadataServerConfig", SERVER),
            optional("config", new Shape.Anything()),
            optional("raiseOnError", flag()),
            optional("successThreshold", whole()));

    static final Shape WORKFLOW = Shape.Keys.of(
            required("source", SOURCE),
            dependent("processor", root -> switch (String.valueOf(pipelineType(root))) {
                case PROFILER -> PROFILER_PROCESSOR;
                case TEST_SUITE -> TEST_SUITE_PROCESSOR;
                default -> usage(root) || !root.containsKey("processor") ? USAGE_PROCESSOR : COMPONENT;
            }),
            step("stage", USAGE_STAGE),
            step("bulkSink", USAGE_BULK_SINK),
            optional("sink", SINK),
            optional("workflowConfig", WORKFLOW_CONFIG),
            optional("ingestionPipelineFQN", text()),
            optional("pipelineRunId", text()));

    /**
     * An optional workflow step: in a usage workflow {@code usageShape}, else any {@link #COMPONENT}. (A dependent key
     * whose shape has required keys counts as required itself, so an absent step gets the all-optional shape.)
     */
    private static Shape.Key step(String name, Shape usageShape) {
        return dependent(name, root -> usage(root) || !root.containsKey(name) ? usageShape : COMPONENT);
    }

    /** Whether the file is a usage workflow ({@code source.sourceConfig.config.type: DatabaseUsage}). */
    static boolean usage(Map<?, ?> root) {
        return DATABASE_USAGE.equals(pipelineType(root));
    }

    /** The file's {@code source.sourceConfig.config.type}; null when absent. */
    static Object pipelineType(Map<?, ?> root) {
        return pipelineTypeOfSource(root.get("source"));
    }

    private static Object pipelineTypeOfSource(Object source) {
        Object sourceConfig = source instanceof Map<?, ?> m ? m.get("sourceConfig") : null;
        Object config = sourceConfig instanceof Map<?, ?> m ? m.get("config") : null;
        return config instanceof Map<?, ?> m ? m.get("type") : null;
    }

    private WorkflowSchema() {
    }
}
