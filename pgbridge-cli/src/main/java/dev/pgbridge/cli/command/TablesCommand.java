package dev.pgbridge.cli.command;

import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.cli.output.Figures;
import dev.pgbridge.cli.output.OutputFormat;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.sql.QualifiedName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "tables", mixinStandardHelpOptions = true,
        description = {"List tables, views, materialized views, partitioned tables and foreign tables with kind, owner, "
                + "estimated rows, size and comment.",
                "Partitions are folded under their partitioned table: its row estimate and size are the sums over its "
                        + "partitions, and 'partitions' counts the partitions directly under it.",
                "The table form shows rows and sizes in pgbridge's one number format (60,000; 8.2 kB, decimal units); json and csv give "
                + "estimated_rows and size_bytes as plain numbers."})
final class TablesCommand implements Callable<Integer> {

    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption conn;

    @Mixin
    FormatOption format;

    @Option(names = "--schema", paramLabel = "SCHEMA",
            description = "Only this schema, named as in SQL: Sales is sales, \"Sales\" keeps its case (default: every schema).")
    String schema;

    @Option(names = "--include-system", description = "Also list the tables of PostgreSQL's own schemas (when no --schema is given).")
    boolean includeSystem;

    TablesCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        String schemaName = schema == null ? null : QualifiedName.parseIdentifier(schema);
        ConnectionConfig config = conn.resolve(environment, spec.commandLine().getErr()).config();
        List<TableInfo> tables = CatalogSession.run(config, catalog -> catalog.tables(schemaName, includeSystem));
        boolean people = format.format() == OutputFormat.TABLE;
        List<List<Object>> rows = new ArrayList<>(tables.size());
        for (TableInfo t : tables) {
            rows.add(Arrays.asList(t.schema(), t.name(), t.kind().label(), t.owner(),
                    people && t.estimatedRows() != null ? Figures.count(t.estimatedRows()) : t.estimatedRows(),
                    people && t.sizeBytes() != null ? Figures.bytes(t.sizeBytes()) : t.sizeBytes(),
                    t.partitions(), t.comment()));
        }
        List<String> columns = people
                ? List.of("schema", "name", "kind", "owner", "rows", "size", "partitions", "comment")
                : List.of("schema", "name", "kind", "owner", "estimated_rows", "size_bytes", "partitions", "comment");
        new Rows(columns, rows).print(spec.commandLine().getOut(), format.format());
        return 0;
    }
}
