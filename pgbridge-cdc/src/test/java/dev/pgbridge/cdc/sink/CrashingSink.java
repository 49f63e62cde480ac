package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.pgtype.Lsn;

/**
 * A sink in front of another that can die like a process: {@link #crashBeforeCommit()} makes the next call fail
 * with the target transaction left open (it is rolled back when the session is killed on close);
 * {@link #crashAfterCommit()} lets the next flush commit in the target and then fails before the engine can
 * checkpoint or confirm — the window that exactly-once is about.
 */
final class CrashingSink implements ChangeSink {
    private final ChangeSink delegate;
    private final Runnable killSessions;
    private volatile int mode;
    private volatile boolean crashed;

    CrashingSink(ChangeSink delegate, Runnable killSessions) {
        this.delegate = delegate;
        this.killSessions = killSessions;
    }

    void crashBeforeCommit() {
        mode = 1;
    }

    void crashAfterCommit() {
        mode = 2;
    }

    boolean crashed() {
        return crashed;
    }

    @Override
    public void accept(CommittedTransaction transaction) {
        if (crashed || mode == 1) {
            crashed = true;
            throw new SinkFailure(ErrorCode.SINK_FAILED, "simulated crash before the target committed", null);
        }
        delegate.accept(transaction);
    }

    @Override
    public void flush() {
        if (crashed || mode == 1) {
            crashed = true;
            throw new SinkFailure(ErrorCode.SINK_FAILED, "simulated crash before the target committed", null);
        }
        // "after the target committed" means after a flush that committed something: a flush with nothing to
        // commit (the backfill's last checkpoint) must not crash first, or the target would not be ahead
        Lsn before = delegate instanceof PostgresSink p ? p.appliedLsn() : null;
        delegate.flush();
        boolean committed = before == null || !((PostgresSink) delegate).appliedLsn().equals(before);
        if (mode == 2 && committed) {
            crashed = true;
            throw new SinkFailure(ErrorCode.SINK_FAILED, "simulated crash after the target committed", null);
        }
    }

    @Override
    public void close() {
        if (!crashed) {
            delegate.close();
            return;
        }
        killSessions.run();
        try {
            delegate.close();
        }
        catch (SinkFailure expected) {
            // its session is gone: nothing of the open transaction survives, which is the point
        }
    }
}
