package dev.pgbridge.cli.command;

import dev.pgbridge.catalog.TableInfo;
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
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "tables", mixinStandardHelpOptions = true,
        description = {"List tables, views, materialized views, partitioned tables and foreign tables with kind, owner, "
                + "estimated rows, size and comment.",
                "Partitions are folded under their partitioned table: its row estimate and size are the sums over its "
                        + "partitions, and 'partitions' counts the partitions directly under it.",
                "The table form shows sizes for people (8192 bytes, 16 kB); json and csv give size_bytes and estimated_rows as numbers."})
final class TablesCommand implements Callable<Integer> {
    private static final String[] UNITS = {"bytes", "kB", "MB", "GB", "TB", "PB"};

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
            rows.add(Arrays.asList(t.schema(), t.name(), t.kind().label(), t.owner(), t.estimatedRows(),
                    people ? prettySize(t.sizeBytes()) : t.sizeBytes(), t.partitions(), t.comment()));
        }
        List<String> columns = people
                ? List.of("schema", "name", "kind", "owner", "rows", "size", "partitions", "comment")
                : List.of("schema", "name", "kind", "owner", "estimated_rows", "size_bytes", "partitions", "comment");
        new Rows(columns, rows).print(spec.commandLine().getOut(), format.format());
        return 0;
    }

    /** As PostgreSQL's pg_size_pretty: bytes below 10 kB, then the largest unit that keeps at least 10 of it. */
    static String prettySize(Long bytes) {
        if (bytes == null) {
            return null;
        }
        long value = bytes;
        int unit = 0;
        while (Math.abs(value) >= 10 * 1024 && unit < UNITS.length - 1) {
            value = Math.round(value / 1024.0);
            unit++;
        }
        return String.format(Locale.ROOT, "%d %s", value, UNITS[unit]);
    }
}
