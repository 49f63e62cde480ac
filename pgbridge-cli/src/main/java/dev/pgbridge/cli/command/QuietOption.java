package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Progress;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * {@code -q/--quiet} of long work (export, load, copy, capture run): no progress line on a terminal and no summary
 * line on stderr; errors are still printed.
 */
public final class QuietOption {
    @Option(names = {"-q", "--quiet"}, description = "No progress line and no summary line on stderr (errors still show).")
    boolean quiet;

    /** The progress of this command on {@code err}. */
    Progress progress(PrintWriter err) {
        return Progress.on(err, quiet);
    }

    boolean quiet() {
        return quiet;
    }
}
