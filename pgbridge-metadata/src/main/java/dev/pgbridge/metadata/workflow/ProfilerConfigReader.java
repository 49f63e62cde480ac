package dev.pgbridge.metadata.workflow;

import dev.pgbridge.metadata.profile.ProfilerSettings;

import java.util.Map;

/** The checked {@code sourceConfig.config} and {@code processor.config} of a Profiler workflow as its settings. */
final class ProfilerConfigReader {
    static ProfilerSettings read(Map<?, ?> pipeline, Map<?, ?> processor) {
        return new ProfilerSettings();
    }

    private ProfilerConfigReader() {
    }
}
