package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Figures;
import dev.pgbridge.cli.output.Progress;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.copy.Export;
import dev.pgbridge.copy.ExportFormat;
import dev.pgbridge.copy.ExportOptions;
import dev.pgbridge.copy.ExportResult;
import dev.pgbridge.copy.ExportSource;
import dev.pgbridge.copy.ParallelExport;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Write the rows of a query or a table to a file or stdout, with memory that stays flat whatever "
                        + "their number: CSV straight from PostgreSQL's COPY … TO STDOUT (what psql \\copy writes), "
                        + "JSON lines through a server-side cursor (types mapped as docs/types.md describes).",
                "The query runs in a read-only transaction. A file appears only when complete (written beside it, "
                        + "then renamed). Progress shows on a terminal, one summary line on stderr "
                        + "otherwise (--quiet: none); Ctrl-C cancels the query on the server."},
        footer = {"", "Examples:",
                "  pgbridge export warehouse --table sales.orders --output orders.csv",
                "  pgbridge export warehouse -c \"SELECT * FROM events WHERE day = current_date\" --format jsonl | gzip > events.jsonl.gz"})
final class ExportCommand implements Callable<Integer> {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption connection;

    @Option(names = {"-c", "--command"}, paramLabel = "SQL", description = "One query that returns rows (SELECT, VALUES, TABLE, WITH …).")
    String sql;

    @Option(names = "--table", paramLabel = "TABLE", description = "A table or view, named as in SQL: orders, "
            + "sales.orders, \"Sales\".\"Orders\" (unquoted names fold to lower case; unqualified ones follow the search_path).")
    String table;

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv or jsonl (default: from the --output "
            + "file's extension, .csv, .jsonl or .ndjson; csv on stdout).")
    ExportFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "-",
            description = "The file to write, or - for stdout (the default).")
    String output;

    @Option(names = "--no-header", description = "CSV: no header line.")
    boolean noHeader;

    @Option(names = "--fetch-size", paramLabel = "N", defaultValue = "10000",
            description = "JSON lines: rows per round trip of the cursor (default: ${DEFAULT-VALUE}).")
    int fetchSize;

    @Option(names = "--timeout", paramLabel = "D", converter = DurationConverter.class,
            description = "Cancel the query on the server if it runs longer: 500ms, 30s, 5m, 1h.")
    Duration timeout;

    @Option(names = "--parallel", paramLabel = "N",
            description = "--table: read with up to N sessions in ONE exported snapshot (one consistent image), split "
                    + "by heap pages (PostgreSQL 14+) or by an integer primary key (12, 13); default: the number of "
                    + "cores for a --table, 1 for -c (a query always runs in one session). 1: one session.")
    Integer parallel;

    @Option(names = "--split", description = "With --parallel: one file per session, FILE's name with .part-0001, "
            + ".part-0002, … before its extension (orders.csv: orders.part-0001.csv); each CSV part has the header "
            + "only in the first. All files appear only when all are complete.")
    boolean split;

    @Option(names = "--no-progress", description = "No progress line, even on a terminal (the summary line stays; "
            + "--quiet drops both).")
    boolean noProgress;

    @Mixin
    QuietOption quiet;

    ExportCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        ExportSource source = source();
        if (fetchSize < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fetch-size must be at least 1");
        }
        ExportFormat format = FormatByExtension.choose(this.format, output, ExportFormat.class, ExportFormat.CSV);
        ConnectionConfig config = connection.resolve(environment, spec.commandLine().getErr()).config();
        ExportOptions options = new ExportOptions(!noHeader, fetchSize, timeout);
        boolean toStdout = output.equals("-");
        if (parallel != null && parallel < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parallel must be at least 1");
        }
        if (split && table == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--split needs --table (a query runs in one session)");
        }
        if (split && toStdout) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--split needs --output FILE (one file per session)");
        }
        int workers = parallel != null ? parallel : table != null ? Runtime.getRuntime().availableProcessors() : 1;
        if (table != null && (workers > 1 || split)) {
            return parallel(config, format, options, workers, toStdout);
        }
        if (sql != null && workers > 1 && !quiet.quiet()) {
            spec.commandLine().getErr().println("export: a query runs in one session (--parallel applies to --table)");
        }
        // rows on stdout: no redrawn line in between them, only the summary at the end
        Progress progress = Progress.on(spec.commandLine().getErr(), quiet.quiet(), !noProgress && !toStdout);
        try (Connection c = connect(config); Output out = Output.open(output)) {
            Export export = Export.of(format, c, config, options);
            ExportResult result;
            StopOnExit cancelOnExit = StopOnExit.cancelling(export::cancel);
            try {
                result = export.run(source, out.stream(), progress::update);
                out.commit();
            }
            catch (RuntimeException e) {
                progress.interrupt();
                throw e;
            }
            finally {
                cancelOnExit.close();
            }
            progress.finish(Figures.summary("exported", result.rows(), result.bytes(), null, result.elapsed()));
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, config);
        }
        return 0;
    }

    /** --table with more than one session, or --split: a {@link ParallelExport}. */
    private int parallel(ConnectionConfig config, ExportFormat format, ExportOptions options, int workers,
                         boolean toStdout) {
        Progress progress = Progress.on(spec.commandLine().getErr(), quiet.quiet(), !noProgress && !toStdout);
        try (ParallelExport export = ParallelExport.open(config, table, workers, format, options)) {
            // how the table is read, when it is more than one session or more was asked for
            if (!quiet.quiet() && (export.method() != ParallelExport.Method.SINGLE || (parallel != null && parallel > 1))) {
                spec.commandLine().getErr().println("export: " + export.describe());
            }
            List<Output> outs = new ArrayList<>();
            StopOnExit cancelOnExit = StopOnExit.cancelling(export::cancel);
            ExportResult result;
            try {
                if (split) {
                    for (int i = 0; i < export.ranges(); i++) {
                        outs.add(Output.open(partName(output, i + 1)));
                    }
                    result = export.runSplit(outs.stream().map(Output::stream).toList(), progress::update);
                }
                else {
                    outs.add(Output.open(output));
                    Path spill = toStdout ? Path.of(System.getProperty("java.io.tmpdir"))
                            : Path.of(output).toAbsolutePath().getParent();
                    result = export.run(outs.getFirst().stream(), spill, progress::update);
                }
                for (Output out : outs) {
                    out.commit();
                }
            }
            catch (RuntimeException e) {
                progress.interrupt();
                throw e;
            }
            finally {
                cancelOnExit.close();
                for (Output out : outs) {
                    out.close();
                }
            }
            progress.finish(Figures.summary("exported", result.rows(), result.bytes(), null, result.elapsed()));
        }
        return 0;
    }

    /** orders.csv, 3 → orders.part-0003.csv; a name without extension gets .part-0003 at its end. */
    static String partName(String name, int part) {
        String suffix = String.format(java.util.Locale.ROOT, ".part-%04d", part);
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf(java.io.File.separatorChar));
        int dot = name.lastIndexOf('.');
        return dot > slash + 1 ? name.substring(0, dot) + suffix + name.substring(dot) : name + suffix;
    }

    private ExportSource source() {
        if ((sql == null) == (table == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of -c SQL and --table TABLE");
        }
        return sql != null ? ExportSource.query(sql) : ExportSource.table(table);
    }

    private static Connection connect(ConnectionConfig config) throws SQLException {
        return JdbcTarget.of(config).connect();
    }

    /**
     * Where the rows go. A regular file is written beside its final name and renamed when complete, so it never
     * exists half-written; stdout and special files (/dev/null, a FIFO) are written directly.
     */
    private static final class Output implements AutoCloseable {
        private final OutputStream stream;
        private final Path target;
        private final Path partial;
        private boolean committed;

        private Output(OutputStream stream, Path target, Path partial) {
            this.stream = stream;
            this.target = target;
            this.partial = partial;
        }

        static Output open(String name) {
            if (name.equals("-")) {
                return new Output(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), null, null);
            }
            Path target = Path.of(name).toAbsolutePath();
            try {
                if (Files.exists(target) && !Files.isRegularFile(target)) {
                    return new Output(new BufferedOutputStream(Files.newOutputStream(target), 1 << 16), null, null);
                }
                if (Files.isDirectory(target.getParent()) && !Files.isWritable(target.getParent())) {
                    throw new IOException("the directory " + target.getParent() + " is not writable");
                }
                Path partial = target.resolveSibling("." + target.getFileName() + "."
                        + suffix() + ".part");
                OutputStream stream = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new Output(new BufferedOutputStream(stream, 1 << 16), target, partial);
            }
            catch (IOException e) {
                throw new PgBridgeException(ErrorCode.IO, "cannot write " + name + ": " + e.getMessage(),
                        "check the path and that its directory exists and is writable", e);
            }
        }

        OutputStream stream() {
            return stream;
        }

        private static String suffix() {
            byte[] random = new byte[4];
            RANDOM.nextBytes(random);
            return HexFormat.of().formatHex(random);
        }

        /** Everything is written: flush, and put the file in place. */
        void commit() {
            try {
                stream.close();
                if (partial != null) {
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                committed = true;
            }
            catch (IOException e) {
                throw new PgBridgeException(ErrorCode.IO, "cannot finish " + (target == null ? "the output" : target)
                        + ": " + e.getMessage(), "check free space and permissions", e);
            }
        }

        @Override
        public void close() {
            if (committed) {
                return;
            }
            try {
                stream.close();
            }
            catch (IOException e) {
                // the export failed already; that failure is the one to report
            }
            if (partial != null) {
                try {
                    Files.deleteIfExists(partial);
                }
                catch (IOException e) {
                    // nothing more to do: the partial file keeps a name that says what it is
                }
            }
        }
    }
}
