package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Figures;
import dev.pgbridge.cli.output.Progress;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.copy.CommitGate;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.transfer.TableTransfer;
import dev.pgbridge.transfer.TransferOptions;
import dev.pgbridge.transfer.TransferResult;
import dev.pgbridge.transfer.TransferSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "copy", mixinStandardHelpOptions = true,
        description = {"Copy a table or the rows of a query from one PostgreSQL into a table of another: COPY out of the "
                + "source piped into COPY in of the target through a bounded buffer, both sides streaming, in ONE target "
                + "transaction. A failure on either side rolls the target back and says which side failed; Ctrl-C or "
                + "SIGTERM rolls it back and prints '" + StopOnExit.MESSAGE + "'.",
                "FROM and TO (or --from and --to) each take a connection id (saved, or AIRFLOW_CONN_<ID>) or a libpq URL:",
                "  pgbridge copy demo warehouse --table sales.orders --create",
                "Progress shows on a terminal; the summary line goes to stderr (--quiet: neither)."})
final class CopyCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FROM", description = "The source (the same as --from).")
    String fromArgument;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TO", description = "The target (the same as --to).")
    String toArgument;

    @Option(names = "--from", paramLabel = "ID|URL", description = "The source: a connection id or a libpq URL.")
    String from;

    @Option(names = "--from-env", paramLabel = "VAR", description = "Read the source (id or URL) from this environment variable.")
    String fromEnv;

    @Option(names = "--to", paramLabel = "ID|URL", description = "The target: a connection id or a libpq URL.")
    String to;

    @Option(names = "--to-env", paramLabel = "VAR", description = "Read the target (id or URL) from this environment variable.")
    String toEnv;

    @Option(names = "--tenant", paramLabel = "TENANT", defaultValue = ConnectionConfig.DEFAULT_TENANT,
            description = "Tenant of saved connections (default: ${DEFAULT-VALUE}).")
    String tenant;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--table", paramLabel = "TABLE", description = "Source table: table, schema.table or \"Quoted\".\"Names\".")
        String table;

        @Option(names = {"-c", "--command"}, paramLabel = "SQL", description = "Source query (SELECT, VALUES, TABLE, WITH … SELECT).")
        String sql;
    }

    @Option(names = "--target-table", paramLabel = "TABLE", description = "Target table (default: the --table name).")
    String targetTable;

    @Option(names = "--create", description = "Create the target table from the source's columns (types, NOT NULL, primary key; "
            + "else the upsert key as primary key) when it does not exist.")
    boolean create;

    @Option(names = "--truncate", description = "Empty the target table first, in the same transaction.")
    boolean truncate;

    @Option(names = "--upsert-key", split = ",", paramLabel = "COL", description = "Merge on these target columns instead of appending.")
    List<String> upsertKey = new ArrayList<>();

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
            description = "--table: read the source with up to N sessions in ONE exported snapshot (split by heap "
                    + "pages on PostgreSQL 14+, by an integer primary key on 12 and 13), all feeding the target's one "
                    + "COPY in its one transaction (default: ${DEFAULT-VALUE}; a query is read by one session).")
    int parallel;

    @Mixin
    QuietOption quiet;

    CopyCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String target = targetTable != null ? targetTable : source.table;
        if (target == null) {
            throw new ParameterException(spec.commandLine(), "give --target-table with -c: a query has no table name to reuse");
        }
        ConnectionConfig fromConfig = resolve("--from", once("FROM", fromArgument, "--from", from), "--from-env", fromEnv, err);
        ConnectionConfig toConfig = resolve("--to", once("TO", toArgument, "--to", to), "--to-env", toEnv, err);
        TransferSource what = source.table != null ? new TransferSource.Table(source.table) : new TransferSource.Query(source.sql);
        TransferOptions options = TransferOptions.of(what, target).withCreate(create).withTruncate(truncate)
                .withUpsertKey(upsertKey);
        if (parallel < 1) {
            throw new ParameterException(spec.commandLine(), "--parallel must be at least 1");
        }
        options = options.withParallel(parallel);
        CommitGate gate = CommitGate.create();
        Progress progress = quiet.progress(err);
        try (StopOnExit guard = StopOnExit.rollingBack(gate, err)) {
            TransferResult result;
            TableTransfer transfer = new TableTransfer(fromConfig, toConfig);
            try {
                result = transfer.run(options, gate, progress::update);
            }
            catch (RuntimeException e) {
                progress.interrupt();
                if (guard.interrupted()) {
                    return LoadCommand.INTERRUPTED_EXIT;
                }
                throw e;
            }
            if (parallel > 1 && !quiet.quiet()) {
                err.println("copy: source read by " + transfer.lastPlan());
            }
            print(result, out, progress);
        }
        return 0;
    }

    /** The DDL of a created table on stdout (a result); the summary on stderr, as every long command's. */
    private static void print(TransferResult result, PrintWriter out, Progress progress) {
        if (result.created()) {
            out.println("created table " + result.target() + ":");
            out.println(result.createdTable() + ";");
            out.flush();
        }
        String copy = (result.binary() ? "binary" : "text") + " COPY";
        if (result.upserted()) {
            progress.finish(Figures.summary("merged", result.rows(), result.bytes(), result.target(), result.elapsed())
                    + ": " + Figures.count(result.merged()) + " inserted or updated; " + copy);
        }
        else {
            progress.finish(Figures.summary("copied", result.rows(), result.bytes(), result.target(), result.elapsed())
                    + "; " + copy);
        }
    }

    /** The side given as an argument or an option (the same), a usage error when both are given and differ. */
    private static String once(String label, String argument, String option, String value) {
        if (argument != null && value != null && !argument.equals(value)) {
            throw new UsageError("two different values for the " + label + " side: '" + argument + "' as " + label
                    + " and '" + value + "' with " + option, "give it once, as an argument or with " + option);
        }
        return value != null ? value : argument;
    }

    /** A connection id or a URL (anything with {@code ://} or {@code =}), given directly or through a variable. */
    private ConnectionConfig resolve(String option, String value, String envOption, String variable, PrintWriter err) {
        if ((value == null) == (variable == null)) {
            throw new ParameterException(spec.commandLine(), "give exactly one of " + option.substring(2).toUpperCase(Locale.ROOT)
                    + " (or " + option + ") and " + envOption);
        }
        String text = value != null ? value : ConnectionInput.requiredEnv(environment, variable, envOption);
        ConnectionResolver resolver = environment.resolver();
        if (text.contains("://") || text.contains("=")) {
            ConnectionConfig config = resolver.resolveUrl(text).config();
            if (value != null && config.hasPassword()) {
                ArgumentWarnings.passwordInArgument(err, option, envOption);
            }
            return config;
        }
        return resolver.resolve(text, tenant).config();
    }
}
