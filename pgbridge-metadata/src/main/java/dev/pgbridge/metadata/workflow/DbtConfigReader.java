package dev.pgbridge.metadata.workflow;

import dev.pgbridge.metadata.dbt.DbtSettings;

import java.nio.file.Path;
import java.util.Map;

import static dev.pgbridge.metadata.workflow.WorkflowReader.filter;
import static dev.pgbridge.metadata.workflow.WorkflowReader.flag;
import static dev.pgbridge.metadata.workflow.WorkflowReader.mapAt;
import static dev.pgbridge.metadata.workflow.WorkflowReader.string;
import static dev.pgbridge.metadata.workflow.WorkflowReader.valueAt;

/** The checked {@code sourceConfig.config} of a DBT workflow as its settings. */
final class DbtConfigReader {
    static DbtSettings read(Map<?, ?> pipeline) {
        String classification = string(pipeline.get("dbtClassificationName"));
        return new DbtSettings(path(valueAt(pipeline, "dbtConfigSource", "dbtManifestFilePath")),
                path(valueAt(pipeline, "dbtConfigSource", "dbtCatalogFilePath")),
                path(valueAt(pipeline, "dbtConfigSource", "dbtRunResultsFilePath")),
                flag(pipeline, "dbtUpdateDescriptions", false), flag(pipeline, "includeTags", true),
                classification == null || classification.isBlank() ? DbtSettings.DEFAULT_CLASSIFICATION
                        : classification,
                filter(mapAt(pipeline, "databaseFilterPattern")), filter(mapAt(pipeline, "schemaFilterPattern")),
                filter(mapAt(pipeline, "tableFilterPattern")));
    }

    private static Path path(Object value) {
        String text = string(value);
        return text == null ? null : Path.of(text);
    }

    private DbtConfigReader() {
    }
}
