package dev.pgbridge.metadata.profile;

/** What the profiler pipeline was asked to do (placeholder: its keys come with the pipeline). */
public record ProfilerSettings() {
}
