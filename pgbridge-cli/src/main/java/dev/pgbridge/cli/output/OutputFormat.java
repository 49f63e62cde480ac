package dev.pgbridge.cli.output;

/** How a command prints rows: an aligned table for people, JSON or CSV for machines. */
public enum OutputFormat {
    TABLE, JSON, CSV
}
