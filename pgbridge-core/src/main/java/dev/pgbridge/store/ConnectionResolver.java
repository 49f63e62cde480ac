package dev.pgbridge.store;

import dev.pgbridge.connection.AirflowJson;
import dev.pgbridge.connection.AirflowUri;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.LibpqConnectionString;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.error.Suggestions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Finds the connection a command means. First hit wins: an explicit URL ({@code --url}, libpq dialect);
 * the environment variable {@code AIRFLOW_CONN_<ID>} (JSON when it starts with {@code {}, else an Airflow URI,
 * as Airflow decides); the store (in the given tenant).
 */
public final class ConnectionResolver {
    private static final String ENV_PREFIX = "AIRFLOW_CONN_";
    private final Map<String, String> env;
    private final Supplier<ConnectionStore> store;

    public ConnectionResolver(Map<String, String> env, Supplier<ConnectionStore> store) {
        this.env = Map.copyOf(requireNonNull(env, "env is null"));
        this.store = requireNonNull(store, "store is null");
    }

    /** Where a resolved connection came from. */
    public enum Source { URL, ENVIRONMENT, STORE }

    /** A resolved connection; {@code credentialVersion} is 0 unless it came from the store. */
    public record Resolved(ConnectionConfig config, Source source, long credentialVersion) {
        public Resolved {
            requireNonNull(config, "config is null");
            requireNonNull(source, "source is null");
        }
    }

    public Resolved resolveUrl(String url) {
        return new Resolved(LibpqConnectionString.parse(url), Source.URL, 0);
    }

    public Resolved resolve(String connId, String tenant) {
        String id = ConnectionConfig.normalizeConnId(connId);
        String variable = ConnectionConfig.envVarName(id);
        String value = env.get(variable);
        if (value != null && !value.isBlank()) {
            ConnectionConfig parsed;
            try {
                parsed = value.stripLeading().startsWith("{") ? AirflowJson.parse(value) : AirflowUri.parse(value);
            }
            catch (PgBridgeException e) {
                throw new PgBridgeException(e.code(), "environment variable " + variable + ": " + e.getMessage(),
                        e.hint(), e);
            }
            return new Resolved(parsed.toBuilder().connId(id).tenant(tenant).build(), Source.ENVIRONMENT, 0);
        }
        StoredConnection stored = store.get().find(tenant, id).orElseThrow(() -> new PgBridgeException(
                ErrorCode.CONNECTION_NOT_FOUND,
                "no connection '" + id + "' in tenant '" + tenant + "' (and " + variable + " is not set)",
                notFoundHint(id, tenant)));
        return new Resolved(stored.config(), Source.STORE, stored.credentialVersion());
    }

    /**
     * The hint for a connection id that is neither saved nor set as a variable: the nearest saved ids (and ids of
     * AIRFLOW_CONN_ variables), then how to list and add connections.
     */
    public String notFoundHint(String id, String tenant) {
        List<String> known = new ArrayList<>();
        for (StoredConnection s : store.get().list(tenant)) {
            known.add(s.config().connId());
        }
        for (String name : env.keySet()) {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                known.add(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT));
            }
        }
        String near = Suggestions.didYouMean(id, known);
        return (near == null ? "" : near + " ") + "list saved connections with 'pgbridge conn list"
                + (ConnectionConfig.DEFAULT_TENANT.equals(tenant) ? "" : " --tenant " + tenant)
                + "', or add one with 'pgbridge conn add " + id + " …'";
    }
}
