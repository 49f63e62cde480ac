package dev.pgbridge.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.store.StoredConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * One HikariCP pool per (tenant, conn_id, credential version). Asking with the version the pool was made for
 * returns that pool; a newer version closes the old pool and opens a new one, so changed credentials never keep
 * running on old connections. Pools are bounded by {@link PoolSettings}; a pool is named
 * {@code pgbridge-<tenant>-<conn_id>-v<version>} (never anything secret).
 *
 * <p>A pool is opened with one connection attempt ({@code initializationFailTimeout} 1 ms): a wrong password, an
 * unknown host or a missing database fails {@link #dataSource} at once with the translated error instead of
 * retrying for {@code connectionTimeout} and hammering the server with failed logins. Later failures surface from
 * {@link DataSource#getConnection()} as {@link PgBridgeException} (unchecked), translated the same way.
 */
public final class PoolRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PoolRegistry.class);

    private final PoolSettings settings;
    private final ConcurrentHashMap<Key, PooledDataSource> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private record Key(String tenant, String connId) {
    }

    public PoolRegistry() {
        this(PoolSettings.DEFAULTS);
    }

    public PoolRegistry(PoolSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    /**
     * The pool of a saved connection. Fails with the translated error when its first connection fails, and with
     * {@link ErrorCode#INVALID_CONFIG} when asked for an older credential version than the pool in use.
     */
    public DataSource dataSource(StoredConnection stored) {
        requireNonNull(stored, "stored is null");
        ensureOpen();
        ConnectionConfig config = stored.config();
        requireNonNull(config.connId(), "a pooled connection needs a conn_id");
        Key key = new Key(config.tenant(), config.connId());
        long version = stored.credentialVersion();

        PooledDataSource current = pools.get(key);
        if (current != null && current.version() == version && !current.isClosed()) {
            return current;
        }
        List<PooledDataSource> replaced = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[1];
        PooledDataSource pool = pools.compute(key, (k, existing) -> {
            if (existing != null && !existing.isClosed()) {
                if (existing.version() == version) {
                    return existing;
                }
                if (existing.version() > version) {
                    failure[0] = new PgBridgeException(ErrorCode.INVALID_CONFIG,
                            "connection " + k.connId() + " of tenant " + k.tenant() + " has changed: credential version "
                                    + existing.version() + " is in use, version " + version + " was asked for",
                            "load the connection again from the store");
                    return existing;
                }
                replaced.add(existing);
            }
            try {
                return open(k, stored);
            }
            catch (RuntimeException e) {
                failure[0] = e;
                return null; // the old version's pool goes too: its credentials are outdated
            }
        });
        for (PooledDataSource old : replaced) {
            LOG.info("closing pool {}: credential version {} replaces it", old.poolName(), version);
            old.close();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return pool;
    }

    /** Closes and forgets the pool of one connection (deleted, or edited outside this registry). */
    public void evict(String tenant, String connId) {
        Key key = new Key(requireNonNull(tenant, "tenant is null").toLowerCase(Locale.ROOT),
                ConnectionConfig.normalizeConnId(connId));
        PooledDataSource pool = pools.remove(key);
        if (pool != null) {
            LOG.info("closing pool {}: evicted", pool.poolName());
            pool.close();
        }
    }

    /** The use of every open pool now (read-only: for /metrics and diagnostics), ordered by tenant and conn_id. */
    public List<PoolStats> stats() {
        List<PoolStats> stats = new ArrayList<>();
        pools.forEach((key, pool) -> {
            PoolStats s = pool.stats(key.tenant(), key.connId());
            if (s != null) {
                stats.add(s);
            }
        });
        stats.sort(java.util.Comparator.comparing(PoolStats::tenant).thenComparing(PoolStats::connId));
        return List.copyOf(stats);
    }

    /** Closes every pool; the registry cannot be used afterwards. */
    @Override
    public void close() {
        closed = true;
        for (Key key : List.copyOf(pools.keySet())) {
            PooledDataSource pool = pools.remove(key);
            if (pool != null) {
                pool.close();
            }
        }
    }

    /** The pool name of a connection version: {@code pgbridge-<tenant>-<conn_id>-v<version>}. */
    public static String poolName(String tenant, String connId, long version) {
        return "pgbridge-" + tenant + "-" + connId + "-v" + version;
    }

    private PooledDataSource open(Key key, StoredConnection stored) {
        ensureOpen();
        ConnectionConfig config = stored.config();
        JdbcTarget target = JdbcTarget.of(config);
        String name = poolName(key.tenant(), key.connId(), stored.credentialVersion());

        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setDataSource(new TargetDataSource(target));
        hikari.setMaximumPoolSize(settings.maximumPoolSize());
        hikari.setMinimumIdle(settings.minimumIdle());
        hikari.setConnectionTimeout(settings.connectionTimeout().toMillis());
        hikari.setValidationTimeout(settings.validationTimeout().toMillis());
        hikari.setIdleTimeout(settings.idleTimeout().toMillis());
        hikari.setMaxLifetime(settings.maxLifetime().toMillis());
        hikari.setInitializationFailTimeout(1);
        hikari.setRegisterMbeans(false);
        try {
            HikariDataSource dataSource = new HikariDataSource(hikari);
            LOG.info("opened pool {} for {}", name, target);
            return new PooledDataSource(dataSource, config, stored.credentialVersion());
        }
        catch (RuntimeException e) {
            throw translate(e, config, name);
        }
    }

    /** HikariCP wraps the first connection's failure in its own exceptions; translate the SQLException inside. */
    static PgBridgeException translate(RuntimeException e, ConnectionConfig config, String poolName) {
        if (e instanceof PgBridgeException p) {
            return p;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return SqlErrors.translate(sql, config);
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return new PgBridgeException(ErrorCode.CONNECTION_FAILED,
                "cannot open pool " + poolName + ": " + e.getMessage(), "check the connection with pgbridge conn test", e);
    }

    private void ensureOpen() {
        if (closed) {
            throw new PgBridgeException(ErrorCode.POOL_CLOSED, "the pool registry is closed",
                    "create a new PoolRegistry");
        }
    }
}
