package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.ResultFormat;
import dev.pgbridge.cli.output.ResultPrinter;
import dev.pgbridge.cli.output.Terminal;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.FileErrors;
import dev.pgbridge.query.Query;
import dev.pgbridge.query.QueryRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "query", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Run SQL and print every result. Statements run one after another, each on its own (autocommit), "
                        + "as psql runs them; wrap them in BEGIN; … COMMIT; for all or nothing.",
                "Rows print as a table, JSON (an array of objects per result), JSON lines or CSV; in the machine "
                        + "formats the tags of statements without rows (UPDATE 3) go to stderr. "
                        + "Ctrl-C cancels the running statement on the server.",
                "JSON maps every type as docs/types.md describes. Each result is held in memory: use "
                        + "'pgbridge export' for big ones."},
        footer = {"", "Examples:",
                "  pgbridge query warehouse -c \"SELECT * FROM sales.orders WHERE id = ?\" --param 42 --format json",
                "  pgbridge query warehouse -c \"SET search_path = sales\" -c \"SELECT count(*) FROM orders\"",
                "  pgbridge query warehouse -f report.sql --timeout 30s",
                "  echo \"SELECT now()\" | pgbridge query --url-env PGURL --format csv"})
final class QueryCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption connection;

    @Option(names = {"-c", "--command"}, paramLabel = "SQL", description = "The SQL to run (one or more statements); "
            + "repeat -c to run several in order, as psql does.")
    List<String> sql = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the SQL from FILE ('-' for stdin). "
            + "Without -c and -f the SQL comes from stdin.")
    String file;

    @Option(names = "--param", paramLabel = "VALUE", description = "Value of the next ? in the statement (repeat in "
            + "order); bound, never spliced into the SQL. Write ?::type where PostgreSQL cannot tell the type, and ?? "
            + "for a literal ? (jsonb operators). Needs a single statement.")
    List<String> parameters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), json, jsonl or csv.")
    ResultFormat format;

    @Option(names = "--no-header", description = "CSV: no header line.")
    boolean noHeader;

    @Option(names = "--timeout", paramLabel = "D", converter = DurationConverter.class,
            description = "Cancel any statement that runs longer, on the server (statement_timeout): 500ms, 30s, 5m, 1h.")
    Duration timeout;

    QueryCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        List<String> texts = sqlTexts();
        if (texts.size() > 1 && !parameters.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--param needs a single -c: with several, "
                    + "which one takes the values is unclear");
        }
        ConnectionConfig config = connection.resolve(environment, spec.commandLine().getErr()).config();
        ResultPrinter printer = ResultPrinter.of(format, spec.commandLine().getOut(), spec.commandLine().getErr(), !noHeader);
        try (QueryRunner runner = QueryRunner.open(config)) {
            StopOnExit cancelOnExit = StopOnExit.cancelling(runner::cancel);
            try {
                for (String text : texts) {
                    runner.run(new Query(text, parameters, timeout), printer);
                }
            }
            finally {
                cancelOnExit.close();
            }
        }
        finally {
            printer.finish();
        }
        return 0;
    }

    private List<String> sqlTexts() {
        if (!sql.isEmpty() && file != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either -c SQL or -f FILE, not both");
        }
        if (!sql.isEmpty()) {
            return sql;
        }
        if (file == null && Terminal.STDIN.isTerminal()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the SQL with -c SQL or -f FILE, or pipe it in on stdin");
        }
        return List.of(readSql(environment, file));
    }

    /** The SQL text of {@code file} ({@code -} or null: stdin), UTF-8, without a byte order mark. */
    static String readSql(CliEnvironment environment, String file) {
        try {
            byte[] bytes;
            if (file == null || file.equals("-")) {
                InputStream in = environment.stdin();
                bytes = in.readAllBytes();
            }
            else {
                bytes = Files.readAllBytes(Path.of(file));
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        }
        catch (IOException e) {
            throw FileErrors.cannotRead("the SQL from " + (file == null || file.equals("-") ? "stdin" : file), e);
        }
    }
}
