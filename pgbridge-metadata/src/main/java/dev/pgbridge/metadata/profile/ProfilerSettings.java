package dev.pgbridge.metadata.profile;

import dev.pgbridge.metadata.ingest.FilterPattern;
import dev.pgbridge.metadata.ingest.IgnoredKeys;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a Profiler workflow was asked to do, with OpenMetadata's names ({@code databaseServiceProfilerPipeline.json}
 * 1.4, plus {@code samplingMethodType} of newer servers) and the {@code orm-profiler} processor's {@code tableConfig}.
 *
 * @param profileSample     the sample's size (a percentage or a number of rows); null: the whole table
 * @param threadCount       tables profiled at once (each on its own connection)
 * @param timeoutSeconds    the most one table may take, enforced on the server ({@code statement_timeout})
 * @param confidence        0–100: the least confidence of the PII classifier for a tag (and for masking)
 * @param ignoredKeys       keys accepted for OpenMetadata compatibility that have no effect
 */
public record ProfilerSettings(FilterPattern databaseFilter, FilterPattern schemaFilter, FilterPattern tableFilter,
                               boolean useFqnForFiltering, boolean includeViews, boolean generateSampleData,
                               int sampleDataCount, boolean computeMetrics, boolean processPiiSensitive,
                               double confidence, Double profileSample, SampleType profileSampleType,
                               SamplingMethod samplingMethodType, int threadCount, int timeoutSeconds,
                               List<TableConfig> tableConfig, List<String> ignoredKeys) {
    public static final int DEFAULT_SAMPLE_DATA_COUNT = 50;
    public static final int DEFAULT_THREAD_COUNT = 5;
    public static final int DEFAULT_TIMEOUT_SECONDS = 43200;
    public static final double DEFAULT_CONFIDENCE = 80;

    /** {@code profileSampleType}. */
    public enum SampleType { PERCENTAGE, ROWS }

    /** {@code samplingMethodType}: how a PERCENTAGE sample picks rows ({@code TABLESAMPLE BERNOULLI|SYSTEM}). */
    public enum SamplingMethod { BERNOULLI, SYSTEM }

    public ProfilerSettings {
        requireNonNull(databaseFilter, "databaseFilter is null");
        requireNonNull(schemaFilter, "schemaFilter is null");
        requireNonNull(tableFilter, "tableFilter is null");
        requireNonNull(profileSampleType, "profileSampleType is null");
        requireNonNull(samplingMethodType, "samplingMethodType is null");
        tableConfig = List.copyOf(tableConfig);
        ignoredKeys = List.copyOf(ignoredKeys);
    }

    /** OpenMetadata's defaults: every table, whole, 50 sample rows, 5 threads, 12 hours per table, no PII tags. */
    public static ProfilerSettings defaults() {
        return new ProfilerSettings(FilterPattern.NONE, FilterPattern.NONE, FilterPattern.NONE, false, true, true,
                DEFAULT_SAMPLE_DATA_COUNT, true, false, DEFAULT_CONFIDENCE, null, SampleType.PERCENTAGE,
                SamplingMethod.BERNOULLI, DEFAULT_THREAD_COUNT, DEFAULT_TIMEOUT_SECONDS, List.of(), List.of());
    }

    /** The {@code tableConfig} entry of a table, or null. */
    public TableConfig tableConfigOf(String tableFqn) {
        return tableConfig.stream().filter(t -> t.fullyQualifiedName().equals(tableFqn)).findFirst().orElse(null);
    }

    /** One warning per ignored key, for the run's summary. */
    public List<String> ignoredKeyWarnings() {
        return IgnoredKeys.warnings(ignoredKeys);
    }

    /**
     * {@code processor.config.tableConfig[]}: one table's own settings.
     *
     * @param profileSample     null: the workflow's
     * @param profileSampleType null: the workflow's
     * @param profileQuery      a query whose rows are the sample (run read-only); null: none
     * @param columnConfig      null: every column, every metric
     * @param partitionConfig   null: no partition filter
     */
    public record TableConfig(String fullyQualifiedName, Double profileSample, SampleType profileSampleType,
                              Integer sampleDataCount, String profileQuery, ColumnConfig columnConfig,
                              PartitionConfig partitionConfig) {
        public TableConfig {
            requireNonNull(fullyQualifiedName, "fullyQualifiedName is null");
        }
    }

    /** {@code columnConfig}: columns left out, or only some columns (each with only some metrics when given). */
    public record ColumnConfig(List<String> excludeColumns, List<IncludeColumn> includeColumns) {
        public ColumnConfig {
            excludeColumns = List.copyOf(excludeColumns);
            includeColumns = List.copyOf(includeColumns);
        }
    }

    /** @param metrics OpenMetadata metric names; empty: every metric */
    public record IncludeColumn(String columnName, List<String> metrics) {
        public IncludeColumn {
            requireNonNull(columnName, "columnName is null");
            metrics = List.copyOf(metrics);
        }
    }

    /** {@code partitionIntervalType}. */
    public enum PartitionIntervalType {
        TIME_UNIT("TIME-UNIT"), INGESTION_TIME("INGESTION-TIME"), COLUMN_VALUE("COLUMN-VALUE"),
        INTEGER_RANGE("INTEGER-RANGE");

        private final String label;

        PartitionIntervalType(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static PartitionIntervalType of(String label) {
            for (PartitionIntervalType t : values()) {
                if (t.label.equals(label)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("no partitionIntervalType " + label);
        }
    }

    /**
     * {@code partitionConfig}: profile only the rows of a time window ({@code TIME-UNIT}, {@code INGESTION-TIME}: the
     * last {@code partitionInterval} {@code partitionIntervalUnit}s of {@code partitionColumnName}), of some values
     * ({@code COLUMN-VALUE}) or of an integer range ({@code INTEGER-RANGE}, both ends included).
     */
    public record PartitionConfig(boolean enablePartitioning, String partitionColumnName,
                                  PartitionIntervalType partitionIntervalType, Integer partitionInterval,
                                  String partitionIntervalUnit, List<String> partitionValues,
                                  Long partitionIntegerRangeStart, Long partitionIntegerRangeEnd) {
        public PartitionConfig {
            partitionValues = List.copyOf(partitionValues);
        }
    }
}
