package dev.pgbridge.metadata.ingest;

import static java.util.Objects.requireNonNull;

/**
 * {@code sourceConfig.config} of a {@code DatabaseMetadata} pipeline, defaults as OpenMetadata's (tables and views
 * included, {@code markDeletedTables} on, filters on plain names).
 */
public record MetadataSettings(boolean markDeletedTables, boolean includeTables, boolean includeViews,
                               boolean includeOwners, boolean useFqnForFiltering, FilterPattern databaseFilter,
                               FilterPattern schemaFilter, FilterPattern tableFilter) {
    public MetadataSettings {
        requireNonNull(databaseFilter, "databaseFilter is null");
        requireNonNull(schemaFilter, "schemaFilter is null");
        requireNonNull(tableFilter, "tableFilter is null");
    }

    public static MetadataSettings defaults() {
        return new MetadataSettings(true, true, true, false, false, FilterPattern.NONE, FilterPattern.NONE,
                FilterPattern.NONE);
    }
}
