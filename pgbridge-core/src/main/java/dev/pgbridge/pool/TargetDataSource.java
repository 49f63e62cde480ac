package dev.pgbridge.pool;

import dev.pgbridge.connection.JdbcTarget;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * The raw source a pool draws from: every connection opened by {@link JdbcTarget#connect()}, with the target's own
 * timeouts. HikariCP gets this instead of a URL and properties, so it never logs or copies driver properties.
 * Errors stay {@link SQLException}s here; the registry translates them at its boundary.
 */
public final class TargetDataSource implements DataSource {
    private final JdbcTarget target;

    TargetDataSource(JdbcTarget target) {
        this.target = requireNonNull(target, "target is null");
    }

    /** An unpooled DataSource for one target (e.g. the control store on PostgreSQL). */
    public static DataSource of(JdbcTarget target) {
        return new TargetDataSource(target);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return target.connect();
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

    /** Ignored: the login timeout comes from the connection's extra (login_timeout), never from a global. */
    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return (int) target.loginTimeout().toSeconds();
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
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "TargetDataSource[" + target + "]";
    }
}
