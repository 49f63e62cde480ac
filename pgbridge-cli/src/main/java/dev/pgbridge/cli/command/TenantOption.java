package dev.pgbridge.cli.command;

import dev.pgbridge.connection.ConnectionConfig;
import picocli.CommandLine.Option;

/** {@code --tenant T}: every connection belongs to one tenant; nothing crosses tenants. */
public final class TenantOption {
    @Option(names = "--tenant", paramLabel = "TENANT", defaultValue = ConnectionConfig.DEFAULT_TENANT,
            description = "Tenant the connection belongs to (default: ${DEFAULT-VALUE}).")
    String tenant;

    public String tenant() {
        return tenant;
    }
}
