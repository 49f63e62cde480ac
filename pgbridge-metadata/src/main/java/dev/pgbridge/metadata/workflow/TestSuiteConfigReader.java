package dev.pgbridge.metadata.workflow;

import dev.pgbridge.metadata.quality.TestSuiteSettings;

import java.util.Map;

/** The checked {@code sourceConfig.config} and {@code processor.config} of a TestSuite workflow as its settings. */
final class TestSuiteConfigReader {
    static TestSuiteSettings read(Map<?, ?> pipeline, Map<?, ?> processor) {
        return new TestSuiteSettings();
    }

    private TestSuiteConfigReader() {
    }
}
