package dev.pgbridge.cli.command;

import dev.pgbridge.store.ConnectionResolver;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * Which database a data command works on: a connection id ({@link ConnIdOption}: first argument or {@code --conn ID},
 * saved or AIRFLOW_CONN_&lt;ID&gt;), or a libpq URL given with {@code --url} or, keeping the password out of the
 * process list, {@code --url-env VAR}.
 */
public final class ConnOption extends ConnIdOption {
    @Option(names = "--url", paramLabel = "URL", description = "A libpq URL instead (visible in the process list if it has a password: prefer --url-env).")
    String url;

    @Option(names = "--url-env", paramLabel = "VAR", description = "Read the libpq URL from this environment variable.")
    String urlEnv;

    @Override
    boolean otherSource() {
        return url != null || urlEnv != null;
    }

    /** The one resolution of "an id, --url or --url-env" that every command shares. */
    public ConnectionResolver.Resolved resolve(CliEnvironment environment, PrintWriter err) {
        String id = id();
        int given = (id != null ? 1 : 0) + (url != null ? 1 : 0) + (urlEnv != null ? 1 : 0);
        if (given == 0) {
            throw new UsageError("no connection given",
                    "name a connection as the first argument (CONN_ID) or with --conn ID, or give --url-env VAR");
        }
        if (given > 1) {
            throw new UsageError("give only one of CONN_ID (or --conn ID), --url URL and --url-env VAR",
                    "keep the one that names the server you mean and drop the others");
        }
        if (id != null) {
            return environment.resolver().resolve(id, tenant);
        }
        String text = url != null ? url : ConnectionInput.requiredEnv(environment, urlEnv, "--url-env");
        ConnectionResolver.Resolved resolved = environment.resolver().resolveUrl(text);
        if (url != null && resolved.config().hasPassword()) {
            ArgumentWarnings.passwordInArgument(err, "--url", "--url-env");
        }
        return resolved;
    }
}
