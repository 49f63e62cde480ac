package dev.pgbridge.metadata.ingest;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * {@code sourceConfig.config} of a {@code DatabaseMetadata} pipeline, defaults as OpenMetadata's (tables and views
 * included, {@code markDeletedTables} on, filters on plain names).
 *
 * @param allowEmptyingSchema OpenMetadata's guard: whether {@code markDeletedTables} may delete every table of a
 *                            schema (off: such a run keeps them and says so)
 * @param ignoredKeys         keys OpenMetadata defines that the file holds and pgbridge does not act on
 */
public record MetadataSettings(boolean markDeletedTables, boolean includeTables, boolean includeViews,
                               boolean includeOwners, boolean useFqnForFiltering, FilterPattern databaseFilter,
                               FilterPattern schemaFilter, FilterPattern tableFilter, boolean allowEmptyingSchema,
                               List<String> ignoredKeys) {
    public MetadataSettings(boolean markDeletedTables, boolean includeTables, boolean includeViews,
                            boolean includeOwners, boolean useFqnForFiltering, FilterPattern databaseFilter,
                            FilterPattern schemaFilter, FilterPattern tableFilter, boolean allowEmptyingSchema) {
        this(markDeletedTables, includeTables, includeViews, includeOwners, useFqnForFiltering, databaseFilter,
                schemaFilter, tableFilter, allowEmptyingSchema, List.of());
    }

    public MetadataSettings(boolean markDeletedTables, boolean includeTables, boolean includeViews,
                            boolean includeOwners, boolean useFqnForFiltering, FilterPattern databaseFilter,
                            FilterPattern schemaFilter, FilterPattern tableFilter) {
        this(markDeletedTables, includeTables, includeViews, includeOwners, useFqnForFiltering, databaseFilter,
                schemaFilter, tableFilter, false);
    }

    public MetadataSettings {
        requireNonNull(databaseFilter, "databaseFilter is null");
        requireNonNull(schemaFilter, "schemaFilter is null");
        requireNonNull(tableFilter, "tableFilter is null");
        ignoredKeys = List.copyOf(ignoredKeys);
    }

    /** One warning per ignored key, for the run's summary. */
    public List<String> ignoredKeyWarnings() {
        return IgnoredKeys.warnings(ignoredKeys);
    }

    public static MetadataSettings defaults() {
        return new MetadataSettings(true, true, true, false, false, FilterPattern.NONE, FilterPattern.NONE,
                FilterPattern.NONE);
    }
}
