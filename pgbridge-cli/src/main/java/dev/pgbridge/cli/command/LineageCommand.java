package dev.pgbridge.cli.command;

import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.cli.output.OutputFormat;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.metadata.lineage.CatalogColumns;
import dev.pgbridge.metadata.lineage.ColumnCatalog;
import dev.pgbridge.metadata.lineage.ColumnEdge;
import dev.pgbridge.metadata.lineage.LineageException;
import dev.pgbridge.metadata.lineage.SqlLineage;
import dev.pgbridge.metadata.lineage.StatementLineage;
import dev.pgbridge.metadata.lineage.TableEdge;
import dev.pgbridge.query.SqlScript;
import dev.pgbridge.query.SqlStatement;
import dev.pgbridge.secret.SecretRedactor;
import dev.pgbridge.sql.QualifiedName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "lineage", mixinStandardHelpOptions = true,
        description = {"Print the table and column lineage of SQL text: which relations each statement reads and "
                + "writes, and which columns flow into written columns (INSERT … SELECT, CREATE TABLE AS, SELECT INTO, "
                + "views, UPDATE … FROM, MERGE, data-modifying CTEs, …), merged over all statements.",
                "Names are printed unquoted, folded as PostgreSQL folds them. Without a connection, unqualified names "
                        + "are in the default schema and * over a real table gives its table edge only; with one, * "
                        + "expands from the catalog and unqualified names follow the default schema, then the "
                        + "connection's search_path.",
                "A statement that cannot be parsed is one error line on stderr; the others are still printed and the "
                        + "exit code is 1 (with nothing printed when no statement could be parsed)."})
final class LineageCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption conn;

    @Option(names = "--default-schema", paramLabel = "SCHEMA", required = true,
            description = "The schema of unqualified names (read as SQL: Sales is sales, '\"Sales\"' keeps its case).")
    String defaultSchema;

    @Option(names = {"-c", "--command"}, paramLabel = "SQL", description = "The SQL (one or more statements).")
    String command;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the SQL from FILE ('-' for stdin).")
    String file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output: table (default) or json: {\"tables\": [{\"from\", \"to\"}], \"columns\": [{\"from\", \"to\"}]}.")
    OutputFormat format;

    LineageCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        if (format == OutputFormat.CSV) {
            throw new UsageError("--format csv is not offered by lineage", "use --format table or --format json");
        }
        if ((command == null) == (file == null)) {
            throw new UsageError(command == null ? "no SQL given" : "both -c and -f given",
                    "give the SQL with -c SQL or -f FILE ('-' for stdin)");
        }
        String schema = QualifiedName.parseIdentifier(defaultSchema);
        String sql = command != null ? command : QueryCommand.readSql(environment, file);
        List<SqlStatement> statements = SqlScript.split(sql);

        List<StatementLineage> parsed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (conn.id() != null || conn.otherSource()) {
            ConnectionConfig config = conn.resolve(environment, spec.commandLine().getErr()).config();
            try (Connection connection = JdbcTarget.of(config).connect()) {
                List<String> path = new ArrayList<>(List.of(schema));
                for (String s : new Catalog(connection).searchPath()) {
                    if (!path.contains(s)) {
                        path.add(s);
                    }
                }
                analyze(new SqlLineage(path, CatalogColumns.of(connection, config)), statements, parsed, failures);
            }
            catch (SQLException e) {
                throw SqlErrors.translate(e, config);
            }
        }
        else {
            analyze(new SqlLineage(List.of(schema), ColumnCatalog.NONE), statements, parsed, failures);
        }

        PrintWriter err = spec.commandLine().getErr();
        SecretRedactor redactor = SecretRedactor.global();
        for (String failure : failures) {
            err.println("error: " + redactor.redact(failure));
        }
        if (statements.isEmpty()) {
            err.println("error: the SQL text holds no statement");
            err.println("hint: give one or more SQL statements with -c SQL or -f FILE");
            err.flush();
            return 1;
        }
        if (!failures.isEmpty()) {
            err.println("hint: " + (parsed.isEmpty() ? "no statement could be parsed, so nothing is printed"
                    : "the lineage of the other " + parsed.size() + " statement(s) is printed")
                    + "; JSqlParser does not read every PostgreSQL statement");
        }
        err.flush();
        if (!parsed.isEmpty()) {
            print(parsed);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    private static void analyze(SqlLineage lineage, List<SqlStatement> statements, List<StatementLineage> parsed,
                                List<String> failures) {
        for (SqlStatement statement : statements) {
            try {
                parsed.add(lineage.analyze(statement.text()));
            }
            catch (LineageException e) {
                failures.add((statements.size() > 1 ? "statement " + (statement.index() + 1) + " of "
                        + statements.size() + " (line " + statement.line() + "): " : "") + e.getMessage());
            }
        }
    }

    private void print(List<StatementLineage> parsed) {
        Set<TableEdge> tables = new LinkedHashSet<>();
        Set<ColumnEdge> columns = new LinkedHashSet<>();
        for (StatementLineage l : parsed) {
            tables.addAll(l.tableEdges());
            columns.addAll(l.columnEdges());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            List<Map<String, String>> tableList = new ArrayList<>();
            for (TableEdge e : tables) {
                tableList.add(edge(e.from().toString(), e.to().toString()));
            }
            List<Map<String, String>> columnList = new ArrayList<>();
            for (ColumnEdge e : columns) {
                columnList.add(edge(e.from().toString(), e.to().toString()));
            }
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("tables", tableList);
            document.put("columns", columnList);
            out.println(Rows.json(document));
            out.flush();
            return;
        }
        List<List<Object>> tableRows = new ArrayList<>();
        for (TableEdge e : tables) {
            tableRows.add(List.of(e.from().toString(), e.to().toString()));
        }
        List<List<Object>> columnRows = new ArrayList<>();
        for (ColumnEdge e : columns) {
            columnRows.add(List.of(e.from().toString(), e.to().toString()));
        }
        out.println("Table lineage");
        new Rows(List.of("from", "to"), tableRows).print(out, OutputFormat.TABLE);
        out.println();
        out.println("Column lineage");
        new Rows(List.of("from", "to"), columnRows).print(out, OutputFormat.TABLE);
    }

    private static Map<String, String> edge(String from, String to) {
        Map<String, String> edge = new LinkedHashMap<>();
        edge.put("from", from);
        edge.put("to", to);
        return edge;
    }
}
