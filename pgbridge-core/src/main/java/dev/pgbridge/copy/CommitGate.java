package dev.pgbridge.copy;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * The point of no return of a load or a transfer, its COMMIT, and the one place where an interruption meets it.
 * The work commits through {@link #commit}; whoever stops the process (a shutdown hook on SIGINT or SIGTERM) calls
 * {@link #interrupt}. Both take one lock and the interruption is checked under it right before COMMIT, so either the
 * COMMIT was sent before the interruption (and {@link #interrupt} says so) or it is never sent; the work then rolls
 * back and fails.
 *
 * <p>A producer that dies is not a clean end of input. Ctrl-C on {@code producer | pgbridge load --file -} signals
 * the whole process group at once: the producer dies and the loader may see the end of its standard input before
 * the JVM has run its signal handler. The signal is already pending for this process by then (one {@code kill} of
 * the group marks every member), so a gate with a {@code settle} time waits that long after the end of a stream
 * before it commits; an interruption during the wait ends it at once. A producer that dies alone, between two
 * records, leaves nothing to tell its end from a clean one.
 *
 * <p>Any thread may call {@link #interrupt} and {@link #abandon}; {@link #watch watched} connections get
 * PostgreSQL's cancel request, so a running COPY or merge stops on the server.
 */
public final class CommitGate {
    private static final Logger log = LoggerFactory.getLogger(CommitGate.class);

    /** What an interruption found. */
    public enum Outcome {
        /** Nothing was committed and nothing will be: the work rolls back. */
        NOT_COMMITTED,
        /** The work had committed before the interruption. */
        COMMITTED,
        /** A COMMIT was in flight and did not answer in time: it may or may not have happened. */
        UNKNOWN
    }

    private final Duration settle;
    private final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch interruption = new CountDownLatch(1);
    private final List<Connection> watched = new CopyOnWriteArrayList<>();
    private volatile boolean interrupted;
    /** Guarded by {@link #lock}. */
    private boolean committed;

    private CommitGate(Duration settle) {
        this.settle = requireNonNull(settle, "settle is null");
        if (settle.isNegative()) {
            throw new IllegalArgumentException("settle is negative: " + settle);
        }
    }

    /** A gate that commits as soon as the work is done. */
    public static CommitGate create() {
        return new CommitGate(Duration.ZERO);
    }

    /**
     * A gate that, at the end of a stream, waits {@code settle} for an interruption before it commits: for input
     * from a pipe whose producer gets the same signal as this process.
     */
    public static CommitGate settling(Duration settle) {
        return new CommitGate(settle);
    }

    /** Whether {@link #interrupt} was called. */
    public boolean interrupted() {
        return interrupted;
    }

    /** Cancel requests go to this connection's running statement on {@link #interrupt}. */
    public void watch(Connection connection) {
        watched.add(requireNonNull(connection, "connection is null"));
        if (interrupted) {
            cancel(connection);
        }
    }

    /** The work on this connection is over. */
    public void unwatch(Connection connection) {
        watched.remove(connection);
    }

    /**
     * Commits {@code connection}'s transaction unless the gate was interrupted; waits {@code settle} first when
     * {@code afterStream}.
     *
     * @throws Interrupted when the gate was interrupted: the caller rolls back
     */
    public void commit(Connection connection, boolean afterStream) throws SQLException {
        requireNonNull(connection, "connection is null");
        if (afterStream && !settle.isZero()) {
            try {
                if (interruption.await(settle.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new Interrupted();
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Interrupted();
            }
        }
        lock.lock();
        try {
            if (interrupted) {
                throw new Interrupted();
            }
            connection.commit();
            committed = true;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * From now on nothing commits. Waits (at most {@code wait}) for a COMMIT in flight, then, unless the work had
     * committed, sends a cancel request to every watched connection so the work fails, rolls back and ends.
     */
    public Outcome interrupt(Duration wait) {
        interrupted = true;
        interruption.countDown();
        Outcome outcome;
        try {
            if (lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                try {
                    outcome = committed ? Outcome.COMMITTED : Outcome.NOT_COMMITTED;
                }
                finally {
                    lock.unlock();
                }
            }
            else {
                outcome = Outcome.UNKNOWN;
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = Outcome.UNKNOWN;
        }
        if (outcome == Outcome.NOT_COMMITTED) {
            watched.forEach(CommitGate::cancel);
        }
        return outcome;
    }

    /**
     * After an interruption, for work that did not end in time (blocked reading its input): closes the watched
     * connections without a word, and PostgreSQL rolls back a transaction whose connection is gone. Never commits.
     */
    public void abandon() {
        if (!interrupted) {
            throw new IllegalStateException("abandon() before interrupt()");
        }
        for (Connection c : watched) {
            try {
                c.abort(Runnable::run);
            }
            catch (SQLException | RuntimeException e) {
                log.debug("cannot abort a connection of an interrupted load", e);
            }
        }
    }

    private static void cancel(Connection c) {
        try {
            c.unwrap(PGConnection.class).cancelQuery();
        }
        catch (SQLException | RuntimeException e) {
            // the connection is broken or closed: its transaction is gone with it
            log.debug("cannot cancel the statement of an interrupted load", e);
        }
    }

    /** Thrown by {@link #commit} once the gate was interrupted: nothing was committed. */
    public static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("interrupted before commit", null, false, false);
        }
    }
}
