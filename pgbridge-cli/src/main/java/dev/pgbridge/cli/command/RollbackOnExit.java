package dev.pgbridge.cli.command;

import dev.pgbridge.copy.CommitGate;
import dev.pgbridge.copy.Loader;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT), SIGTERM or SIGHUP during a load or a copy: a shutdown hook interrupts the work's {@link CommitGate},
 * so no COMMIT is sent from then on, and cancels its running statement; the work rolls back and the command reports
 * {@value #MESSAGE} on stderr. The JVM then exits with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM),
 * as a shell reports a process a signal ended. Work that does not end in time (blocked reading a producer that is
 * still alive) has its connection closed: PostgreSQL rolls back a transaction whose connection is gone.
 */
final class RollbackOnExit implements AutoCloseable {
    static final String MESSAGE = Loader.INTERRUPTED;
    /** How long a COMMIT already in flight may take to answer. */
    private static final Duration COMMIT_IN_FLIGHT = Duration.ofSeconds(10);
    /** How long the work gets to roll back by itself. */
    private static final long ROLLBACK_SECONDS = 3;

    private final CommitGate gate;
    private final PrintWriter err;
    private final Thread hook;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicBoolean reported = new AtomicBoolean();

    private RollbackOnExit(CommitGate gate, PrintWriter err) {
        this.gate = gate;
        this.err = err;
        this.hook = new Thread(this::onExit, "pgbridge-rollback-on-exit");
    }

    static RollbackOnExit install(CommitGate gate, PrintWriter err) {
        RollbackOnExit r = new RollbackOnExit(gate, err);
        Runtime.getRuntime().addShutdownHook(r.hook);
        return r;
    }

    private void onExit() {
        CommitGate.Outcome outcome = gate.interrupt(COMMIT_IN_FLIGHT);
        try {
            boolean ended = done.await(ROLLBACK_SECONDS, TimeUnit.SECONDS);
            switch (outcome) {
                case NOT_COMMITTED -> {
                    if (!ended) {
                        gate.abandon();
                    }
                    report();
                }
                case COMMITTED -> { } // the work was done before the signal: it reports its own result
                case UNKNOWN -> {
                    err.println("interrupted during COMMIT: PostgreSQL did not answer in time, so whether the rows were "
                            + "committed is unknown; check the table");
                    err.flush();
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the work was interrupted: its failure is then the interruption, already reported. */
    boolean interrupted() {
        if (!gate.interrupted()) {
            return false;
        }
        report();
        return true;
    }

    private void report() {
        if (reported.compareAndSet(false, true)) {
            err.println(MESSAGE);
            err.flush();
        }
    }

    /** The work is over (committed, failed or rolled back): the hook has nothing left to wait for. */
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
