package dev.pgbridge.cdc.engine;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The advisory lock that keeps a replication slot to one capture process, on a real server. */
@Timeout(60)
class SlotLockIT {
    private final TestingPostgres pg = TestingPostgres.get();
    private final String slot = TestingPostgres.uniqueName("slot");
    private final List<Connection> sessions = new ArrayList<>();

    @AfterEach
    void closeSessions() throws SQLException {
        for (Connection c : sessions) {
            c.close();
        }
    }

    private Connection session(String applicationName) throws SQLException {
        Connection c = pg.connect();
        sessions.add(c);
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.set_config('application_name', ?, false)")) {
            ps.setString(1, applicationName);
            ps.execute();
        }
        return c;
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Tries to take the lock on {@code c} until it succeeds: the holder's backend ends a moment after its client. */
    private static void awaitAcquired(SlotLock lock, Connection c) throws SQLException, InterruptedException {
        while (!lock.tryAcquire(c)) {
            Thread.sleep(50);
        }
    }

    @Test
    void aSecondHolderIsRefusedWithTheSessionThatHoldsTheLock() throws Exception {
        Connection first = session("slot-lock-first");
        Connection second = session("slot-lock-second");
        new SlotLock(slot).acquire(first);

        assertThatThrownBy(() -> new SlotLock(slot).acquire(second))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CAPTURE_LOCKED);
                    assertThat(e.hint()).isEqualTo("only one process may run a slot; stop the other one, or give this "
                            + "capture its own advanced.slotName");
                })
                .hasMessageStartingWith("replication slot \"" + slot + "\" is already being captured by another "
                        + "pgbridge process: session pid " + pid(first) + " (application \"slot-lock-first\", client ")
                .hasMessageEndingWith(" holds its lock");
    }

    @Test
    void theHolderMayTakeItAgainAndOtherSlotsAreNotBlocked() throws Exception {
        Connection first = session("slot-lock-first");
        Connection second = session("slot-lock-second");
        SlotLock lock = new SlotLock(slot);
        lock.acquire(first);

        // ensureControl takes it again on a session that may still hold it
        lock.acquire(first);
        assertThat(new SlotLock(slot + "_other").tryAcquire(second)).isTrue();
        assertThat(lock.tryAcquire(second)).isFalse();
    }

    @Test
    void theLockGoesWithItsSessionWhenTheClientClosesOrTheBackendIsTerminated() throws Exception {
        SlotLock lock = new SlotLock(slot);
        Connection closing = session("slot-lock-closing");
        lock.acquire(closing);
        closing.close();
        Connection next = session("slot-lock-next");
        awaitAcquired(lock, next);

        // a process killed -9 leaves a backend that is terminated, not a client that closes
        Connection admin = session("slot-lock-admin");
        Connection last = session("slot-lock-last");
        assertThat(lock.tryAcquire(last)).isFalse();
        int killed = pid(next);
        try (PreparedStatement ps = admin.prepareStatement("SELECT pg_catalog.pg_terminate_backend(?)")) {
            ps.setInt(1, killed);
            ps.execute();
        }
        awaitAcquired(lock, last);
        assertThat(lock.holder(admin)).startsWith("session pid " + pid(last) + " (application \"slot-lock-last\"");
    }

    @Test
    void withoutAHolderTheHolderIsAnotherSession() throws Exception {
        // what the refusal says when the holder let go between the failed attempt and this read
        assertThat(new SlotLock(slot).holder(session("slot-lock-reader"))).isEqualTo("another session");
    }

    @Test
    void captureDropTakesTheSameLockAsTheEngine() throws Exception {
        // capture drop (cli) goes through CaptureEngine.tryLock and lockHolder: they must see the engine's lock
        Connection engine = session("slot-lock-engine");
        Connection drop = session("slot-lock-drop");
        new SlotLock(slot).acquire(engine);

        assertThat(CaptureEngine.tryLock(drop, slot)).isFalse();
        assertThat(CaptureEngine.lockHolder(drop, slot)).startsWith("session pid " + pid(engine));
        engine.close();
        while (!CaptureEngine.tryLock(drop, slot)) {
            Thread.sleep(50);
        }
        assertThatThrownBy(() -> new SlotLock(slot).acquire(session("slot-lock-engine-again")))
                .isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("session pid " + pid(drop) + " (application \"slot-lock-drop\"");
    }
}
