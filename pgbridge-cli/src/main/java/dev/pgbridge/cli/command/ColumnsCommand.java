package dev.pgbridge.cli.command;

import dev.pgbridge.catalog.ColumnInfo;
import dev.pgbridge.cli.output.OutputFormat;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.sql.QualifiedName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "columns", mixinStandardHelpOptions = true,
        description = {"List the columns of a table or view: position, name, type as PostgreSQL prints it, nullability, "
                + "default, primary-key flag and comment.",
                "TABLE is read as in SQL: Sales.Orders is sales.orders, '\"Sales\".\"Orders\"' keeps its case, and a name "
                        + "without schema follows the connection's search_path."})
final class ColumnsCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption conn;

    @Mixin
    FormatOption format;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TABLE", description = "[schema.]table")
    String table;

    ColumnsCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    record Described(QualifiedName table, List<ColumnInfo> columns) {
    }

    @Override
    public Integer call() {
        QualifiedName name = QualifiedName.parse(conn.operand(table, "TABLE"));
        ConnectionConfig config = conn.resolve(environment, spec.commandLine().getErr()).config();
        Described described = CatalogSession.run(config, catalog -> {
            QualifiedName resolved = catalog.resolve(name);
            return new Described(resolved, catalog.columns(resolved));
        });
        List<List<Object>> rows = new ArrayList<>(described.columns().size());
        for (ColumnInfo c : described.columns()) {
            rows.add(Arrays.asList(c.position(), c.name(), c.type(), c.nullable(), c.defaultValue(), c.primaryKey(), c.comment()));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format.format() == OutputFormat.TABLE) {
            out.println("Columns of " + described.table());
        }
        new Rows(List.of("position", "name", "type", "nullable", "default", "primary_key", "comment"), rows)
                .print(out, format.format());
        return 0;
    }
}
