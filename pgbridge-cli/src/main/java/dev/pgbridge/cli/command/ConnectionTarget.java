package dev.pgbridge.cli.command;

import dev.pgbridge.store.ConnectionResolver;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/**
 * Which connection a command works on: a saved id / AIRFLOW_CONN_&lt;ID&gt; (positional), or a libpq URL given
 * with {@code --url} or, keeping the password out of the process list, {@code --url-env VAR}.
 */
public final class ConnectionTarget {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CONN_ID", description = "Saved connection id (or one set as AIRFLOW_CONN_<ID>).")
    String connId;

    @Option(names = "--url", paramLabel = "URL", description = "A libpq URL instead of a saved connection (visible in the process list: prefer --url-env).")
    String url;

    @Option(names = "--url-env", paramLabel = "VAR", description = "Read the libpq URL from this environment variable.")
    String urlEnv;

    ConnectionResolver.Resolved resolve(CliEnvironment environment, String tenant, PrintWriter err) {
        return resolve(environment, tenant, err, connId, url, urlEnv, "CONN_ID");
    }

    /** The one resolution of "a saved id, --url or --url-env" that every command shares. */
    static ConnectionResolver.Resolved resolve(CliEnvironment environment, String tenant, PrintWriter err,
                                               String connId, String url, String urlEnv, String idLabel) {
        int given = (connId != null ? 1 : 0) + (url != null ? 1 : 0) + (urlEnv != null ? 1 : 0);
        if (given != 1) {
            throw ConnectionInput.usage("give exactly one of " + idLabel + ", --url URL and --url-env VAR");
        }
        if (connId != null) {
            return environment.resolver().resolve(connId, tenant);
        }
        String text = url != null ? url : ConnectionInput.requiredEnv(environment, urlEnv, "--url-env");
        ConnectionResolver.Resolved resolved = environment.resolver().resolveUrl(text);
        if (url != null && resolved.config().hasPassword()) {
            ArgumentWarnings.passwordInArgument(err, "--url", "--url-env");
        }
        return resolved;
    }
}
