package dev.pgbridge.cli.command;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (and SIGTERM, SIGHUP) while a statement runs: a shutdown hook sends PostgreSQL's cancel request, so the
 * statement stops on the server instead of running on after pgbridge is gone, then gives the command a moment to
 * clean up (delete a partial file, close the connection) before the JVM ends.
 */
final class CancelOnExit implements AutoCloseable {
    private static final long CLEANUP_SECONDS = 3;

    private final Thread hook;
    private final CountDownLatch done = new CountDownLatch(1);

    private CancelOnExit(Runnable cancel) {
        this.hook = new Thread(() -> {
            cancel.run();
            try {
                done.await(CLEANUP_SECONDS, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pgbridge-cancel-on-exit");
    }

    static CancelOnExit install(Runnable cancel) {
        CancelOnExit c = new CancelOnExit(cancel);
        Runtime.getRuntime().addShutdownHook(c.hook);
        return c;
    }

    /** The work is over: the hook has nothing left to cancel. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running and now sees the work done
        }
    }
}
