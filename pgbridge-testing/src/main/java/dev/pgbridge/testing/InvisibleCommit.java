package dev.pgbridge.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * A commit held between its commit record and its visibility, as long as a test needs: the server is told to wait for
 * a synchronous standby that never comes ({@code synchronous_standby_names = 'pgbridge_nobody'}), and a session of
 * its own with {@code synchronous_commit = on} runs the statements. Its commit is then flushed — and so streamed to
 * logical walsenders — while its backend waits in {@code SyncRep} before it leaves the proc array: no other snapshot
 * sees the transaction yet. {@link #close()} resets the setting (always), which releases the commit, and waits for
 * the session.
 *
 * <p>The setting is server-wide: every other session that commits with {@code synchronous_commit = on} waits too
 * while a commit is held (the test server runs with {@code synchronous_commit = off}). One hold at a time.
 */
public final class InvisibleCommit implements AutoCloseable {
    private static final String NOBODY = "pgbridge_nobody";

    /** Opens the connection the statements run on (the role and database under test). */
    @FunctionalInterface
    public interface Session {
        Connection open() throws SQLException;
    }

    private final TestingPostgres server;
    private final Thread session;
    private final AtomicReference<Throwable> failure;
    private final boolean held;

    private InvisibleCommit(TestingPostgres server, Thread session, AtomicReference<Throwable> failure, boolean held) {
        this.server = server;
        this.session = session;
        this.failure = failure;
        this.held = held;
    }

    /**
     * Runs {@code statements} (each in autocommit; a transaction as "BEGIN", …, "COMMIT") on a session of their own
     * and returns once that session waits for the standby, its last commit streamed but invisible — or once it ended
     * without waiting, when its transaction wrote nothing ({@link #held()} then says false).
     */
    public static InvisibleCommit hold(TestingPostgres server, Session opener, String... statements) {
        requireNonNull(server, "server is null");
        requireNonNull(opener, "opener is null");
        server.execute("ALTER SYSTEM SET synchronous_standby_names = '" + NOBODY + "'");
        try {
            server.execute("SELECT pg_reload_conf()");
            server.awaitSetting("synchronous_standby_names", NOBODY);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger pid = new AtomicInteger();
            Thread session = new Thread(() -> {
                try (Connection c = opener.open(); Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                        rs.next();
                        pid.set(rs.getInt(1));
                    }
                    s.execute("SET synchronous_commit = on");
                    for (String sql : statements) {
                        s.execute(sql);
                    }
                }
                catch (Throwable e) {
                    failure.set(e);
                }
            }, "invisible-commit");
            session.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean waiting = false;
            while (session.isAlive() && !(waiting = pid.get() != 0 && waitsForStandby(server, pid.get()))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the held session neither waits for the standby nor ended "
                            + "within 30 s");
                }
                Thread.sleep(20);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("the held session failed: " + failure.get(), failure.get());
            }
            return new InvisibleCommit(server, session, failure, waiting);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reset(server);
            throw new IllegalStateException("interrupted while holding a commit", e);
        }
        catch (RuntimeException | Error e) {
            reset(server);
            throw e;
        }
    }

    private static boolean waitsForStandby(TestingPostgres server, int pid) {
        try (Connection c = server.connect();
             PreparedStatement ps = c.prepareStatement("SELECT wait_event FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && "SyncRep".equals(rs.getString(1));
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** True when the commit was held (its transaction wrote something); false when it ended without waiting. */
    public boolean held() {
        return held;
    }

    /** Releases the commit: it becomes visible, and the session that made it ends. */
    @Override
    public void close() {
        reset(server);
        try {
            session.join(30_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the held session to end", e);
        }
        if (session.isAlive()) {
            throw new IllegalStateException("the held session did not end within 30 s of its release");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the held session failed: " + failure.get(), failure.get());
        }
    }

    /** Resets {@code synchronous_standby_names}: releases every commit waiting for the standby that never comes. */
    public static void reset(TestingPostgres server) {
        server.execute("ALTER SYSTEM RESET synchronous_standby_names");
        server.execute("SELECT pg_reload_conf()");
        server.awaitSetting("synchronous_standby_names", "");
    }
}
