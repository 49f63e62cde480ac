package dev.pgbridge.cli.command;

import dev.pgbridge.copy.CommitGate;
import dev.pgbridge.copy.Loader;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * Ctrl-C (SIGINT), SIGTERM or SIGHUP while a command works on PostgreSQL: a shutdown hook stops the work on the server,
 * then gives the command a moment to clean up before the JVM ends with 128 + the signal's number (130 for SIGINT, 143
 * for SIGTERM), as a shell reports a process a signal ended. What it stops is the one difference between commands:
 * <ul>
 * <li>a statement ({@link #cancelling}: query, export): PostgreSQL's cancel request, so the statement stops on the
 * server instead of running on after pgbridge is gone; the command then deletes a partial file and closes its
 * connection;</li>
 * <li>a transaction ({@link #rollingBack}: load, copy): its {@link CommitGate} is interrupted, so no COMMIT is sent from
 * then on, and its running statement is cancelled; the work rolls back and the command reports {@value #MESSAGE} on
 * stderr. Work that does not end in time (blocked reading a producer that is still alive) has its connection closed:
 * PostgreSQL rolls back a transaction whose connection is gone.</li>
 * </ul>
 */
final class StopOnExit implements AutoCloseable {
    static final String MESSAGE = Loader.INTERRUPTED;
    /** How long the work gets to clean up (delete a partial file, roll back) by itself. */
    private static final long CLEANUP_SECONDS = 3;
    /** How long a COMMIT already in flight may take to answer. */
    private static final Duration COMMIT_IN_FLIGHT = Duration.ofSeconds(10);

    /** What the hook stops. */
    private sealed interface Work {
    }

    /** A statement that PostgreSQL's cancel request stops; nothing is left to roll back. */
    private record Statement(Runnable cancel) implements Work {
    }

    /** A transaction that must not commit once interrupted. */
    private record Transaction(CommitGate gate, PrintWriter err) implements Work {
    }

    private final Work work;
    private final Thread hook;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicBoolean reported = new AtomicBoolean();

    private StopOnExit(Work work) {
        this.work = work;
        this.hook = new Thread(this::onExit, "pgbridge-stop-on-exit");
    }

    /** For a statement: on a signal, {@code cancel} sends PostgreSQL's cancel request. */
    static StopOnExit cancelling(Runnable cancel) {
        return install(new Statement(requireNonNull(cancel, "cancel is null")));
    }

    /** For a load or copy: on a signal, {@code gate} is interrupted and the rollback reported on {@code err}. */
    static StopOnExit rollingBack(CommitGate gate, PrintWriter err) {
        return install(new Transaction(requireNonNull(gate, "gate is null"), requireNonNull(err, "err is null")));
    }

    private static StopOnExit install(Work work) {
        StopOnExit s = new StopOnExit(work);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    private void onExit() {
        try {
            switch (work) {
                case Statement s -> {
                    s.cancel().run();
                    done.await(CLEANUP_SECONDS, TimeUnit.SECONDS);
                }
                case Transaction t -> rollBack(t);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rollBack(Transaction t) throws InterruptedException {
        CommitGate.Outcome outcome = t.gate().interrupt(COMMIT_IN_FLIGHT);
        boolean ended = done.await(CLEANUP_SECONDS, TimeUnit.SECONDS);
        switch (outcome) {
            case NOT_COMMITTED -> {
                if (!ended) {
                    t.gate().abandon();
                }
                report(t);
            }
            case COMMITTED -> { } // the work was done before the signal: it reports its own result
            case UNKNOWN -> {
                t.err().println("interrupted during COMMIT: PostgreSQL did not answer in time, so whether the rows were "
                        + "committed is unknown; check the table");
                t.err().flush();
            }
        }
    }

    /**
     * Whether a signal interrupted the transaction: its failure is then the interruption, already reported. Always
     * false for a statement.
     */
    boolean interrupted() {
        if (!(work instanceof Transaction t) || !t.gate().interrupted()) {
            return false;
        }
        report(t);
        return true;
    }

    private void report(Transaction t) {
        if (reported.compareAndSet(false, true)) {
            t.err().println(MESSAGE);
            t.err().flush();
        }
    }

    /** The work is over (done, failed, cancelled or rolled back): the hook has nothing left to wait for. */
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
