package dev.pgbridge.cli.command;

import dev.pgbridge.connection.ConnectionConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a saved connection.")
final class ConnDeleteCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONN_ID")
    String connId;

    @Mixin
    TenantOption tenant;

    ConnDeleteCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        String id = ConnectionConfig.normalizeConnId(connId);
        if (!environment.store().delete(tenant.tenant(), id)) {
            throw CliEnvironment.notFound(tenant.tenant(), id);
        }
        spec.commandLine().getOut().println("deleted connection " + id + " (tenant " + tenant.tenant() + ")");
        return 0;
    }
}
