package dev.pgbridge.metadata.dbt;

/** What the dbt pipeline was asked to do (placeholder: its keys come with the pipeline). */
public record DbtSettings() {
}
