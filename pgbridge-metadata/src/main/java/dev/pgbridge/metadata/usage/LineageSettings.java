package dev.pgbridge.metadata.usage;

import dev.pgbridge.metadata.ingest.FilterPattern;

import static java.util.Objects.requireNonNull;

/**
 * {@code sourceConfig.config} of a {@code DatabaseLineage} pipeline. The filters decide which relations may be an end
 * of an edge (on plain names, as OpenMetadata's lineage source applies them); an edge with a filtered-out end is left
 * out and counted as filtered.
 *
 * @param views   lineage from view and materialized view definitions ({@code processViewLineage}, default true)
 * @param queries lineage from the query log's writing statements ({@code processQueryLineage}, default true)
 */
public record LineageSettings(QueryLogSettings log, FilterPattern databaseFilter, FilterPattern schemaFilter,
                              FilterPattern tableFilter, boolean views, boolean queries) {
    public LineageSettings {
        requireNonNull(log, "log is null");
        requireNonNull(databaseFilter, "databaseFilter is null");
        requireNonNull(schemaFilter, "schemaFilter is null");
        requireNonNull(tableFilter, "tableFilter is null");
    }

    public static LineageSettings defaults() {
        return new LineageSettings(QueryLogSettings.defaults(), FilterPattern.NONE, FilterPattern.NONE,
                FilterPattern.NONE, true, true);
    }
}
