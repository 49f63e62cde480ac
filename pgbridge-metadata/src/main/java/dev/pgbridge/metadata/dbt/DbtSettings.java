package dev.pgbridge.metadata.dbt;

import dev.pgbridge.metadata.ingest.FilterPattern;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * What the dbt pipeline was asked to do ({@code dbtPipeline.json} with a {@code local} {@code dbtConfigSource}).
 *
 * @param manifest           {@code dbtManifestFilePath}: the project's nodes, sources, tests and lineage
 * @param catalog            {@code dbtCatalogFilePath}: the columns' types as the warehouse has them; null when not given
 * @param runResults         {@code dbtRunResultsFilePath}: the last run's test results; null when not given
 * @param updateDescriptions {@code dbtUpdateDescriptions}: dbt's descriptions replace the catalog's (else they only
 *                           fill the empty ones)
 * @param includeTags        {@code includeTags}: dbt's tags become tags of classification {@code classificationName}
 * @param classificationName {@code dbtClassificationName} ({@code dbtTags} by default)
 */
public record DbtSettings(Path manifest, Path catalog, Path runResults, boolean updateDescriptions,
                          boolean includeTags, String classificationName, FilterPattern databaseFilter,
                          FilterPattern schemaFilter, FilterPattern tableFilter) {
    public static final String DEFAULT_CLASSIFICATION = "dbtTags";

    public DbtSettings {
        requireNonNull(manifest, "manifest is null");
        requireNonNull(classificationName, "classificationName is null");
        requireNonNull(databaseFilter, "databaseFilter is null");
        requireNonNull(schemaFilter, "schemaFilter is null");
        requireNonNull(tableFilter, "tableFilter is null");
    }

    /** Local files, OpenMetadata's defaults for the rest. */
    public static DbtSettings of(Path manifest, Path catalog, Path runResults) {
        return new DbtSettings(manifest, catalog, runResults, false, true, DEFAULT_CLASSIFICATION, FilterPattern.NONE,
                FilterPattern.NONE, FilterPattern.NONE);
    }
}
