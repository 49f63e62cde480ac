package dev.pgbridge.metadata.usage;

import dev.pgbridge.metadata.ingest.IgnoredKeys;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a usage or lineage run reads its queries and how many, as OpenMetadata's {@code sourceConfig.config} says it
 * ({@code databaseServiceQueryUsagePipeline.json}, {@code databaseServiceQueryLineagePipeline.json}), defaults as
 * OpenMetadata's.
 *
 * @param queryLogDuration days back from now; {@code pg_stat_statements} keeps no timestamps (see {@link StatStatements})
 * @param resultLimit      at most this many queries (from {@code pg_stat_statements} the most called first)
 * @param queryLogFile     a CSV of queries in OpenMetadata's columns read instead of the server; null for the server
 * @param filterCondition  an SQL condition on the server's query log (OpenMetadata's column names); null for none
 * @param ignoredKeys      keys of the file's {@code sourceConfig.config} that OpenMetadata defines and pgbridge accepts
 *                         without effect, in file order: each is a warning of the run
 */
public record QueryLogSettings(int queryLogDuration, int resultLimit, Path queryLogFile, String filterCondition,
                               List<String> ignoredKeys) {
    public static final int DEFAULT_DURATION = 1;
    public static final int DEFAULT_RESULT_LIMIT = 1000;

    public QueryLogSettings {
        if (queryLogDuration < 1) {
            throw new IllegalArgumentException("queryLogDuration must be at least 1: " + queryLogDuration);
        }
        if (resultLimit < 1) {
            throw new IllegalArgumentException("resultLimit must be at least 1: " + resultLimit);
        }
        ignoredKeys = List.copyOf(ignoredKeys);
    }

    public QueryLogSettings(int queryLogDuration, int resultLimit, Path queryLogFile, String filterCondition) {
        this(queryLogDuration, resultLimit, queryLogFile, filterCondition, List.of());
    }

    /** One warning per ignored key, for the run's summary. */
    public List<String> ignoredKeyWarnings() {
        return IgnoredKeys.warnings(ignoredKeys);
    }

    public static QueryLogSettings defaults() {
        return new QueryLogSettings(DEFAULT_DURATION, DEFAULT_RESULT_LIMIT, null, null);
    }
}
