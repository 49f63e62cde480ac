package dev.pgbridge.cli.command;

import dev.pgbridge.store.ConnectionResolver;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * {@code --conn ID} (a saved connection or AIRFLOW_CONN_&lt;ID&gt;) or {@code --url URL} / {@code --url-env VAR}
 * (libpq dialect): which database a data command works on.
 */
public final class ConnOption {
    @Option(names = "--conn", paramLabel = "ID", description = "Saved connection id (or one set as AIRFLOW_CONN_<ID>).")
    String connId;

    @Option(names = "--url", paramLabel = "URL", description = "A libpq URL instead (visible in the process list if it has a password: prefer --url-env).")
    String url;

    @Option(names = "--url-env", paramLabel = "VAR", description = "Read the libpq URL from this environment variable.")
    String urlEnv;

    @Option(names = "--tenant", paramLabel = "TENANT", defaultValue = dev.pgbridge.connection.ConnectionConfig.DEFAULT_TENANT,
            description = "Tenant of the saved connection (default: ${DEFAULT-VALUE}).")
    String tenant;

    public ConnectionResolver.Resolved resolve(CliEnvironment environment, PrintWriter err) {
        return ConnectionTarget.resolve(environment, tenant, err, connId, url, urlEnv, "--conn ID");
    }
}
