package dev.pgbridge.cli.command;

import dev.pgbridge.connection.ConnectionConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Locale;

/**
 * The one grammar of "which connection": the id as the first argument ({@code pgbridge tables demo}) or with
 * {@code --conn ID} ({@code pgbridge tables --conn demo}), the same in every command; both given and different is a
 * usage error. {@link ConnOption} adds {@code --url}/{@code --url-env} for commands that can work on any database.
 */
public class ConnIdOption {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CONN_ID",
            description = "Connection id (saved, or set as AIRFLOW_CONN_<ID>); the same as --conn ID.")
    String positional;

    @Option(names = "--conn", paramLabel = "ID", description = "The connection id as an option (the same as CONN_ID).")
    String option;

    @Option(names = "--tenant", paramLabel = "TENANT", defaultValue = ConnectionConfig.DEFAULT_TENANT,
            description = "Tenant of the saved connection (default: ${DEFAULT-VALUE}).")
    String tenant;

    public String tenant() {
        return tenant;
    }

    /** The id given as CONN_ID or --conn; null when neither. */
    String id() {
        if (positional != null && option != null
                && !positional.toLowerCase(Locale.ROOT).equals(option.toLowerCase(Locale.ROOT))) {
            throw new UsageError("two different connections given: '" + positional + "' as CONN_ID and '" + option
                    + "' with --conn", "give the connection once, as the first argument or with --conn ID");
        }
        return option != null ? option : positional;
    }

    /** The id given; a usage error when there is none. */
    String requiredId() {
        String id = id();
        if (id == null) {
            throw new UsageError("no connection given", "name it as the first argument (CONN_ID) or with --conn ID");
        }
        return id;
    }

    /** Whether the connection is given in another way than an id (a URL). */
    boolean otherSource() {
        return false;
    }

    /**
     * The command's own operand after CONN_ID (the TABLE of {@code columns demo sales.orders}). With the connection
     * given as an option ({@code columns --conn demo sales.orders}) the first argument is that operand.
     */
    String operand(String declared, String label) {
        if (declared != null) {
            return declared;
        }
        if (positional != null && (option != null || otherSource())) {
            String operand = positional;
            positional = null;
            return operand;
        }
        throw new UsageError("missing " + label, positional == null
                ? "give the connection and the " + label + ": CONN_ID " + label
                : "give the " + label + " after the connection id '" + positional + "'");
    }
}
