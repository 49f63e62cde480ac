package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.OutputFormat;
import picocli.CommandLine.Option;

/** {@code --format table|json|csv}. */
public final class FormatOption {
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output: table (default), json or csv.")
    OutputFormat format;

    public OutputFormat format() {
        return format;
    }
}
