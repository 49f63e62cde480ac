package dev.pgbridge.metadata.workflow;

import dev.pgbridge.metadata.dbt.DbtSettings;

import java.util.Map;

/** The checked {@code sourceConfig.config} of a DBT workflow as its settings. */
final class DbtConfigReader {
    static DbtSettings read(Map<?, ?> pipeline) {
        return new DbtSettings();
    }

    private DbtConfigReader() {
    }
}
