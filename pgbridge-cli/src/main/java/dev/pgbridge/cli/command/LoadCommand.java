package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Figures;
import dev.pgbridge.cli.output.Progress;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.copy.CommitGate;
import dev.pgbridge.copy.LoadFormat;
import dev.pgbridge.copy.LoadInput;
import dev.pgbridge.copy.LoadOptions;
import dev.pgbridge.copy.LoadResult;
import dev.pgbridge.copy.Loader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Load a CSV or JSON-lines file into a table through COPY, in chunks, in ONE transaction: all rows or "
                + "none. A bad row anywhere fails the load with its line (the CSV header is line 1) and column, and the table "
                + "stays exactly as it was (also with --truncate, which runs in the same transaction). Only a clean end of "
                + "the input commits: Ctrl-C or SIGTERM (also when it kills the producer piping into standard input) "
                + "rolls back and prints '" + StopOnExit.MESSAGE + "'.",
                "Progress shows on a terminal; the summary line goes to stderr (--quiet: neither).",
                "CSV is RFC 4180 with a header: NULL is an unquoted empty field, the empty string is \"\". JSON lines: one "
                + "object per line, values as JSON output writes them (numbers exact, ISO-8601 dates and times, base64 "
                + "bytea, nested JSON, arrays). Header names and JSON keys are the column names exactly as the table has "
                + "them (no case folding)."})
final class LoadCommand implements Callable<Integer> {
    /** How long a load from standard input waits, at its end, for the signal that may have killed its producer. */
    private static final Duration STDIN_SETTLE = Duration.ofMillis(250);
    /** The exit code of an interrupted load when the JVM is not already exiting with 128 + the signal. */
    static final int INTERRUPTED_EXIT = 130;

    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption conn;

    @Option(names = "--table", required = true, paramLabel = "TABLE",
            description = "Target table: table, schema.table, or \"Quoted\".\"Names\" to keep case.")
    String table;

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv or jsonl (default: from the --file's "
            + "extension, .csv, .jsonl or .ndjson; needed for standard input).")
    LoadFormat format;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The input file, or - for standard input.")
    String file;

    @Option(names = "--columns", split = ",", paramLabel = "COL",
            description = {"CSV: the columns the fields go to, in order (a header line is then skipped).",
                    "JSON lines: the keys to load (others are ignored). Default: the header, or the keys of the first object."})
    List<String> columns = new ArrayList<>();

    @Option(names = "--create", description = "Create the table when it does not exist, with types inferred from every value "
            + "(and the upsert key as primary key); prints what it created.")
    boolean create;

    @Option(names = "--truncate", description = "Empty the table first, in the same transaction.")
    boolean truncate;

    @Option(names = "--upsert-key", split = ",", paramLabel = "COL",
            description = "Merge on these columns (a primary key or unique constraint) instead of appending: "
                    + "INSERT … ON CONFLICT DO UPDATE from a temporary staging table.")
    List<String> upsertKey = new ArrayList<>();

    @Option(names = "--chunk-rows", paramLabel = "N", defaultValue = "" + LoadOptions.DEFAULT_CHUNK_ROWS,
            description = "Rows per COPY statement (default ${DEFAULT-VALUE}); all chunks are one transaction.")
    int chunkRows;

    @Option(names = "--no-header", description = "The CSV input has no header line.")
    boolean noHeader;

    @Mixin
    QuietOption quiet;

    LoadCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (chunkRows < 1) {
            throw new ParameterException(spec.commandLine(), "--chunk-rows must be at least 1, not " + chunkRows);
        }
        LoadFormat format = FormatByExtension.choose(this.format, file, LoadFormat.class, null);
        if (noHeader && format == LoadFormat.JSONL) {
            throw new ParameterException(spec.commandLine(), "--no-header is for CSV; JSON lines has no header");
        }
        ConnectionConfig config = conn.resolve(environment, err).config();
        LoadInput input = file.equals("-") ? LoadInput.stream(environment.stdin(), "standard input") : LoadInput.file(Path.of(file));
        LoadOptions options = LoadOptions.of(table, format).withColumns(columns).withCreate(create).withTruncate(truncate)
                .withUpsertKey(upsertKey).withChunkRows(chunkRows).withHeader(!noHeader);
        // standard input from a pipe: its producer gets the same Ctrl-C, and its end may arrive before the signal
        CommitGate gate = file.equals("-") ? CommitGate.settling(STDIN_SETTLE) : CommitGate.create();
        Progress progress = quiet.progress(err);
        try (StopOnExit guard = StopOnExit.rollingBack(gate, err)) {
            LoadResult result;
            try {
                result = new Loader(config).load(input, options, gate, progress::update);
            }
            catch (RuntimeException e) {
                progress.interrupt();
                if (guard.interrupted()) {
                    return INTERRUPTED_EXIT;
                }
                throw e;
            }
            print(result, out, progress);
        }
        return 0;
    }

    /**
     * The DDL of a created table on stdout (it is a result); the summary on stderr, as every long command's:
     * {@code loaded 3 rows (120 B) into "public"."t" in 0.1 s, 30 rows/s; 1 chunk in one transaction}.
     */
    private void print(LoadResult result, PrintWriter out, Progress progress) {
        if (result.created()) {
            out.println("created table " + result.table() + ":");
            out.println(result.createdTable() + ";");
            out.flush();
        }
        String chunks = Figures.count(result.chunks(), "chunk") + " in one transaction";
        if (result.upserted()) {
            progress.finish(Figures.summary("merged", result.rows(), result.bytes(), result.table() + " on ("
                    + String.join(", ", upsertKey) + ")", result.elapsed()) + ": " + Figures.count(result.merged())
                    + " inserted or updated; " + chunks);
        }
        else {
            progress.finish(Figures.summary("loaded", result.rows(), result.bytes(), result.table(), result.elapsed())
                    + "; " + chunks);
        }
    }
}
