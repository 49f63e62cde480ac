package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.store.ListedConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List saved connections of a tenant (passwords are never shown).")
final class ConnListCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    TenantOption tenant;

    @Mixin
    FormatOption format;

    ConnListCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        Rows rows = Rows.of(List.of("conn_id", "conn_type", "host", "port", "database", "login", "password", "description"));
        // nothing decrypted: a listing shows no password and no extra
        for (ListedConnection s : environment.store().listWithoutPasswords(tenant.tenant(), false)) {
            ConnectionConfig c = s.connection().config();
            rows = rows.with(c.connId(), c.connType(), c.host(), c.singlePort() != null ? c.singlePort() : c.port(),
                    c.database(), c.login(), s.passwordSaved() ? "set" : "not set", c.description());
        }
        rows.print(spec.commandLine().getOut(), format.format());
        return 0;
    }
}
