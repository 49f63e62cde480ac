package dev.pgbridge.cli.command;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.store.StoredConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "edit", mixinStandardHelpOptions = true,
        description = "Change a saved connection. Fields not given stay; the password stays unless a new one is given.")
final class ConnEditCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnIdOption conn;

    @Mixin
    ConnectionInput input;

    ConnEditCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        StoredConnection existing = environment.requireSaved(conn.tenant(), conn.requiredId());
        if (!input.hasUri() && !input.hasFields() && !input.hasPasswordSource() && input.description == null) {
            throw ConnectionInput.usage("nothing to change: give --uri, field options or a new password");
        }
        ConnectionConfig edited = input.apply(existing.config().toBuilder().password((dev.pgbridge.secret.Secret) null).build(),
                environment, spec.commandLine().getErr(), false);
        StoredConnection saved = environment.store().update(edited);
        spec.commandLine().getOut().println("updated connection " + saved.config().connId() + " (tenant "
                + saved.config().tenant() + ", credential version " + saved.credentialVersion() + ")");
        ConnectionInput.notePasswordless(saved.config(), spec.commandLine().getErr());
        return 0;
    }
}
