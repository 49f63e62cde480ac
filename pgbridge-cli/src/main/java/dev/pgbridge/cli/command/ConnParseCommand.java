package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ConnectionFields;
import dev.pgbridge.connection.UriDialect;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "parse", mixinStandardHelpOptions = true,
        description = "Show how a URI is read (needs no store). The password shows only with --reveal.")
final class ConnParseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URI")
    String uri;

    @Option(names = "--dialect", paramLabel = "DIALECT", defaultValue = "airflow", description = "airflow (default) or libpq.")
    String dialect;

    @Option(names = "--reveal", description = "Print the password instead of ****.")
    boolean reveal;

    @Mixin
    FormatOption format;

    @Override
    public Integer call() {
        ConnectionConfig config = UriDialect.fromName(dialect).parse(uri);
        Map<String, Object> fields = ConnectionFields.toMap(config, reveal);
        Rows.printRecord(spec.commandLine().getOut(), format.format(), fields);
        return 0;
    }
}
