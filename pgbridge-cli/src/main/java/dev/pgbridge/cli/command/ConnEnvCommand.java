package dev.pgbridge.cli.command;

import dev.pgbridge.connection.ConnectionConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "env", mixinStandardHelpOptions = true,
        description = {"Print the AIRFLOW_CONN_<ID> variable for a task, shell-quoted.",
                "Example:",
                "  eval \"export $(pgbridge conn env pg_target --reveal)\"",
                "The password shows only with --reveal."})
final class ConnEnvCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnIdOption conn;

    @Option(names = "--json", description = "Airflow's JSON form instead of the URI (it carries every extra).")
    boolean json;

    @Option(names = "--reveal", description = "Print the password instead of ****.")
    boolean reveal;

    ConnEnvCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        ConnectionConfig config = environment.resolver().resolve(conn.requiredId(), conn.tenant()).config();
        String value = TaskForms.value(config, json, spec.commandLine().getErr());
        String shown = reveal ? value : TaskForms.masked(value);
        spec.commandLine().getOut().println(ConnectionConfig.envVarName(conn.requiredId()) + "=" + shellQuote(shown));
        return 0;
    }

    static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
