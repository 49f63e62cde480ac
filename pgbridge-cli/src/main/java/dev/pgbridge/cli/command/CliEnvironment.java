package dev.pgbridge.cli.command;

import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.LibpqConnectionString;
import dev.pgbridge.store.ConnectionStore;
import dev.pgbridge.store.ConnectionStores;
import dev.pgbridge.store.PgBridgeHome;
import dev.pgbridge.store.SqlConnectionStore;
import dev.pgbridge.store.StoreDatabase;
import dev.pgbridge.pool.TargetDataSource;

import javax.sql.DataSource;
import java.io.InputStream;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What commands need from the outside world: the environment variables, standard input, PGBRIDGE_HOME and the
 * control store (opened on first use, closed at the end).
 */
public final class CliEnvironment implements AutoCloseable {
    private final Map<String, String> env;
    private final InputStream stdin;
    private final PgBridgeHome home;
    private SqlConnectionStore store;

    public CliEnvironment(Map<String, String> env, InputStream stdin) {
        this.env = Map.copyOf(requireNonNull(env, "env is null"));
        this.stdin = requireNonNull(stdin, "stdin is null");
        this.home = PgBridgeHome.fromEnvironment(this.env);
    }

    public static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), System.in);
    }

    public Map<String, String> env() {
        return env;
    }

    public InputStream stdin() {
        return stdin;
    }

    public PgBridgeHome home() {
        return home;
    }

    /** The control store's database, for the local metadata catalog (same store, same tenant scoping). */
    public StoreDatabase storeDatabase() {
        return sqlStore().database();
    }

    public synchronized ConnectionStore store() {
        return sqlStore();
    }

    private synchronized SqlConnectionStore sqlStore() {
        if (store == null) {
            store = ConnectionStores.open(home, CliEnvironment::dataSourceFor);
        }
        return store;
    }

    /** The saved connection, or CONNECTION_NOT_FOUND naming the tenant and how to list what exists. */
    public dev.pgbridge.store.StoredConnection requireSaved(String tenant, String connId) {
        String id = dev.pgbridge.connection.ConnectionConfig.normalizeConnId(connId);
        return store().find(tenant, id).orElseThrow(() -> notFound(tenant, id));
    }

    /** CONNECTION_NOT_FOUND for a saved connection, with the nearest saved ids as "did you mean". */
    dev.pgbridge.error.PgBridgeException notFound(String tenant, String id) {
        return new dev.pgbridge.error.PgBridgeException(dev.pgbridge.error.ErrorCode.CONNECTION_NOT_FOUND,
                "no connection '" + id + "' in tenant '" + tenant + "'", resolver().notFoundHint(id, tenant));
    }

    public ConnectionResolver resolver() {
        return new ConnectionResolver(env, this::store);
    }

    /** A DataSource for a libpq-style URL (PGBRIDGE_STORE_URL), through the one JDBC conversion. */
    static DataSource dataSourceFor(String url) {
        return TargetDataSource.of(JdbcTarget.of(LibpqConnectionString.parse(url)));
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
