package dev.pgbridge.cli.command;

import dev.pgbridge.catalog.TablePreview;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.sql.QualifiedName;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "preview", mixinStandardHelpOptions = true,
        description = {"Show the first rows of a table or view (SELECT * … LIMIT n, in no particular order), every value "
                + "in PostgreSQL's text form; NULL is an empty table cell, null in json, an empty unquoted csv field.",
                "TABLE is read as in SQL: Sales.Orders is sales.orders, '\"Sales\".\"Orders\"' keeps its case, and a name "
                        + "without schema follows the connection's search_path."})
final class PreviewCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption conn;

    @Mixin
    FormatOption format;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TABLE", description = "[schema.]table")
    String table;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many rows (default: ${DEFAULT-VALUE}).")
    int limit;

    PreviewCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        if (limit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 0 or more, not " + limit);
        }
        QualifiedName name = QualifiedName.parse(conn.operand(table, "TABLE"));
        ConnectionConfig config = conn.resolve(environment, spec.commandLine().getErr()).config();
        TablePreview preview = CatalogSession.run(config, catalog -> catalog.preview(name, limit));
        List<List<Object>> rows = new ArrayList<>(preview.rows().size());
        for (List<String> row : preview.rows()) {
            rows.add(new ArrayList<>(row));
        }
        new Rows(preview.columns(), rows).print(spec.commandLine().getOut(), format.format());
        return 0;
    }
}
