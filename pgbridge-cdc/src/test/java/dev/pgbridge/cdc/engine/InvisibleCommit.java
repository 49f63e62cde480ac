package dev.pgbridge.cdc.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A commit held between its commit record and its visibility, as long as a test needs: the server is told to wait for
 * a synchronous standby that never comes ({@code synchronous_standby_names = 'pgbridge_nobody'}), and a session with
 * {@code synchronous_commit = on} runs the statements. Its commit is then flushed — and so streamed to logical
 * walsenders — while its backend waits in {@code SyncRep} before it leaves the proc array: no other snapshot sees the
 * transaction yet. {@link #close()} resets the setting (always), which releases the commit, and waits for the session.
 *
 * <p>The setting is server-wide: every other session that commits with {@code synchronous_commit = on} waits too
 * while one is held (the test server runs with {@code synchronous_commit = off}).
 */
final class InvisibleCommit implements AutoCloseable {
    private static final String NOBODY = "pgbridge_nobody";

    private final CaptureHarness h;
    private final Thread session;
    private final AtomicReference<Throwable> failure;

    private InvisibleCommit(CaptureHarness h, Thread session, AtomicReference<Throwable> failure) {
        this.h = h;
        this.session = session;
        this.failure = failure;
    }

    /**
     * Runs {@code statements} (each in autocommit, as the capture role; a transaction as "BEGIN", …, "COMMIT") on a
     * session of their own and returns once that session waits for the standby, its last commit streamed but
     * invisible.
     */
    static InvisibleCommit hold(CaptureHarness h, String... statements) {
        h.server.execute("ALTER SYSTEM SET synchronous_standby_names = '" + NOBODY + "'");
        try {
            h.server.execute("SELECT pg_reload_conf()");
            h.server.awaitSetting("synchronous_standby_names", NOBODY);
            String[] all = new String[statements.length + 1];
            all[0] = "SET synchronous_commit = on";
            System.arraycopy(statements, 0, all, 1, statements.length);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread session = new Thread(() -> {
                try {
                    h.sql(all);
                }
                catch (Throwable e) {
                    failure.set(e);
                }
            }, "invisible-commit");
            session.start();
            CaptureHarness.await("a commit waiting for the standby", Duration.ofSeconds(30), () -> failure.get() != null
                    || "1".equals(h.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")));
            if (failure.get() != null) {
                throw new IllegalStateException("the held session failed: " + failure.get(), failure.get());
            }
            return new InvisibleCommit(h, session, failure);
        }
        catch (RuntimeException | Error e) {
            reset(h);
            throw e;
        }
    }

    /** Releases the commit: it becomes visible, and the session that made it ends. */
    @Override
    public void close() throws InterruptedException {
        reset(h);
        session.join(30_000);
        if (session.isAlive()) {
            throw new IllegalStateException("the held session did not end within 30 s of its release");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the held session failed: " + failure.get(), failure.get());
        }
    }

    private static void reset(CaptureHarness h) {
        h.server.execute("ALTER SYSTEM RESET synchronous_standby_names");
        h.server.execute("SELECT pg_reload_conf()");
        h.server.awaitSetting("synchronous_standby_names", "");
    }
}
