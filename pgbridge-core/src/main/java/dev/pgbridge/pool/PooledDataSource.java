package dev.pgbridge.pool;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * The face of one pool: {@link #getConnection()} borrows from HikariCP and translates a failure into a
 * {@link PgBridgeException} (unchecked) with message and hint. {@code unwrap(HikariDataSource.class)} reaches the
 * pool itself.
 */
final class PooledDataSource implements DataSource, AutoCloseable {
    private final HikariDataSource pool;
    private final ConnectionConfig config;
    private final long version;

    PooledDataSource(HikariDataSource pool, ConnectionConfig config, long version) {
        this.pool = requireNonNull(pool, "pool is null");
        this.config = requireNonNull(config, "config is null");
        this.version = version;
    }

    long version() {
        return version;
    }

    String poolName() {
        return pool.getPoolName();
    }

    boolean isClosed() {
        return pool.isClosed();
    }

    /** HikariCP's counts now, or null when the pool is closed (or not started). */
    PoolStats stats(String tenant, String connId) {
        com.zaxxer.hikari.HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        if (bean == null || pool.isClosed()) {
            return null;
        }
        return new PoolStats(tenant, connId, version, bean.getActiveConnections(), bean.getIdleConnections(),
                bean.getTotalConnections(), bean.getThreadsAwaitingConnection());
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public Connection getConnection() {
        try {
            return pool.getConnection();
        }
        catch (SQLException e) {
            if (pool.isClosed()) {
                throw new PgBridgeException(ErrorCode.POOL_CLOSED,
                        "pool " + pool.getPoolName() + " is closed: its connection was edited or evicted",
                        "get the connection's DataSource from the pool registry again", e);
            }
            throw SqlErrors.translate(e, config);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the credentials come from the saved connection");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // logging goes through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the login timeout comes from the connection's extra
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging here");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        if (type.isInstance(pool)) {
            return type.cast(pool);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this) || type.isInstance(pool);
    }

    @Override
    public String toString() {
        return "PooledDataSource[" + pool.getPoolName() + "]";
    }
}
