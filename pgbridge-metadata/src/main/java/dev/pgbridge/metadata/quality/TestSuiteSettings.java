package dev.pgbridge.metadata.quality;

/** What the test suite pipeline was asked to do (placeholder: its keys come with the pipeline). */
public record TestSuiteSettings() {
}
