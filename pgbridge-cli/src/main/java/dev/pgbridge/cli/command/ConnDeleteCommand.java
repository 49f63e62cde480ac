package dev.pgbridge.cli.command;

import dev.pgbridge.connection.ConnectionConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a saved connection.")
final class ConnDeleteCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnIdOption conn;

    ConnDeleteCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        String id = ConnectionConfig.normalizeConnId(conn.requiredId());
        if (!environment.store().delete(conn.tenant(), id)) {
            throw environment.notFound(conn.tenant(), id);
        }
        spec.commandLine().getOut().println("deleted connection " + id + " (tenant " + conn.tenant() + ")");
        return 0;
    }
}
