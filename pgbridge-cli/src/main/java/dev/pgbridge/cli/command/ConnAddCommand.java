package dev.pgbridge.cli.command;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.store.StoredConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Save a connection: from --uri/--uri-env or from field options (password by prompt, --password-stdin or --password-env).")
final class ConnAddCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONN_ID", description = "Connection id: letters, digits and _ (case-insensitive).")
    String connId;

    @Mixin
    ConnectionInput input;

    @Mixin
    TenantOption tenant;

    ConnAddCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        ConnectionConfig base = ConnectionConfig.builder().connId(connId).tenant(tenant.tenant()).build();
        ConnectionConfig config = input.apply(base, environment, spec.commandLine().getErr(), true);
        StoredConnection saved = environment.store().add(config);
        spec.commandLine().getOut().println("saved connection " + saved.config().connId() + " (tenant "
                + saved.config().tenant() + ", " + ConnShowCommand.target(saved.config())
                + (saved.config().hasPassword() ? ", password set" : ", no password") + ")");
        ConnectionInput.notePasswordless(saved.config(), spec.commandLine().getErr());
        return 0;
    }
}
