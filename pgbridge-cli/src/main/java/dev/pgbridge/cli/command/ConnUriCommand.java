package dev.pgbridge.cli.command;

import dev.pgbridge.connection.AirflowUri;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.UriDialect;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "uri", mixinStandardHelpOptions = true,
        description = {"Print a connection as a URI (the password only with --reveal).",
                "By default the task URI that Airflow and libpq (psql) read alike;",
                "--dialect airflow prints exactly what Airflow's get_uri() would. The password shows only with --reveal."})
final class ConnUriCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnIdOption conn;

    @Option(names = "--dialect", paramLabel = "DIALECT", description = "airflow: Airflow's own get_uri(); libpq (default): the task URI.")
    String dialect;

    @Option(names = "--json", description = "Print Airflow's JSON form instead (it carries every extra).")
    boolean json;

    @Option(names = "--reveal", description = "Print the password instead of ****.")
    boolean reveal;

    ConnUriCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        ConnectionConfig config = environment.resolver().resolve(conn.requiredId(), conn.tenant()).config();
        String value = dialect != null && UriDialect.fromName(dialect) == UriDialect.AIRFLOW && !json
                ? AirflowUri.build(config)
                : TaskForms.value(config, json, spec.commandLine().getErr());
        spec.commandLine().getOut().println(reveal ? value : TaskForms.masked(value));
        return 0;
    }
}
