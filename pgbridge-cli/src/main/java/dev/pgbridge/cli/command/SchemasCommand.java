package dev.pgbridge.cli.command;

import dev.pgbridge.catalog.SchemaInfo;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "schemas", mixinStandardHelpOptions = true,
        description = "List the schemas of a database: owner, number of tables (views, materialized views, partitioned "
                + "and foreign tables included; partitions not counted) and comment.")
final class SchemasCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption conn;

    @Mixin
    FormatOption format;

    @Option(names = "--include-system", description = "Also list PostgreSQL's own schemas (pg_catalog, information_schema, pg_toast, …).")
    boolean includeSystem;

    SchemasCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        ConnectionConfig config = conn.resolve(environment, spec.commandLine().getErr()).config();
        List<SchemaInfo> schemas = CatalogSession.run(config, catalog -> catalog.schemas(includeSystem));
        List<List<Object>> rows = new ArrayList<>(schemas.size());
        for (SchemaInfo s : schemas) {
            rows.add(java.util.Arrays.asList(s.name(), s.owner(), s.tables(), s.comment()));
        }
        new Rows(List.of("name", "owner", "tables", "comment"), rows).print(spec.commandLine().getOut(), format.format());
        return 0;
    }
}
