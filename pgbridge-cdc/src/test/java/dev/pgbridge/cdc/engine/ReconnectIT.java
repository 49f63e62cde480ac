package dev.pgbridge.cdc.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The connections of a running capture cut from under it — every session of its role ended by the server (what a
 * network drop or a failover looks like from the client), and the whole server restarted — while it backfills and
 * while a writer changes rows: the capture reconnects by itself, and replaying the sink gives the table.
 */
@Timeout(240)
class ReconnectIT {
    private CaptureHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new CaptureHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    /** A writer that updates and inserts rows of {@code t} until stopped; connection errors are retried. */
    private final class Writer extends Thread {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger commits = new AtomicInteger();

        @Override
        public void run() {
            int next = 100_000;
            while (running.get()) {
                try (Connection c = h.connect(); Statement s = c.createStatement()) {
                    while (running.get()) {
                        int id = 1 + commits.get() * 7919 % 20_000;
                        s.execute("UPDATE t SET v = v + 1 WHERE id = " + id);
                        s.execute("INSERT INTO t VALUES (" + next++ + ", 0)");
                        commits.incrementAndGet();
                        Thread.sleep(2);
                    }
                }
                catch (Exception cut) {
                    pause();
                }
            }
        }

        private void pause() {
            try {
                Thread.sleep(200);
            }
            catch (InterruptedException e) {
                interrupt();
            }
        }

        void finish() throws InterruptedException {
            running.set(false);
            join(30_000);
        }
    }

    private void awaitTableImage(CaptureHarness.Running engine) {
        CaptureHarness.await("the sink's replay equal to the table", Duration.ofSeconds(120),
                () -> CaptureHarness.replay(h.events("t")).equals(h.tableImage("t", "id")));
        assertThat(engine.failure().get()).isNull();
    }

    @Test
    void sessionsEndedByTheServerMidBackfillAndMidStreamAreReconnected() throws Exception {
        h.sql("CREATE TABLE t (id int PRIMARY KEY, v int)",
                "INSERT INTO t SELECT g, 0 FROM generate_series(1, 20000) g");
        CaptureHarness.Running engine = h.startStreaming(h.config("  backfill_chunk_size: 200\n", "t"), null);
        Writer writer = new Writer();
        writer.start();
        try {
            String walsender = "SELECT active_pid::text FROM pg_replication_slots WHERE slot_name = '" + h.slot + "'";
            for (int cut = 0; cut < 3; cut++) {
                Thread.sleep(1000);
                String before = h.query(walsender);
                // the walsender, the control session and the backfill reader, all at once
                h.superSql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
                        + h.role.name() + "' AND application_name LIKE 'pgbridge%'");
                CaptureHarness.await("a new walsender", Duration.ofSeconds(60), () -> {
                    String now = h.query(walsender);
                    return now != null && !now.equals(before);
                });
            }
            h.awaitBackfill(engine);
        }
        finally {
            writer.finish();
        }
        awaitTableImage(engine);
        assertThat(engine.engine().status().reconnects()).isGreaterThanOrEqualTo(3);
        assertThat(writer.commits.get()).isPositive();
        h.stop(engine);
    }

    @Test
    void theServerRestartingIsRiddenThrough() throws Exception {
        assumeTrue(h.server.restartable(), "only the embedded server can be restarted");
        h.sql("CREATE TABLE t (id int PRIMARY KEY, v int)",
                "INSERT INTO t SELECT g, 0 FROM generate_series(1, 20000) g");
        CaptureHarness.Running engine = h.startStreaming(h.config("  backfill_chunk_size: 500\n", "t"), null);
        Writer writer = new Writer();
        writer.start();
        try {
            Thread.sleep(1500);
            h.server.restart();
            int before = writer.commits.get();
            CaptureHarness.await("the writer going on after the restart", Duration.ofSeconds(60),
                    () -> writer.commits.get() > before + 50);
            h.awaitBackfill(engine);
        }
        finally {
            writer.finish();
        }
        awaitTableImage(engine);
        assertThat(engine.engine().status().reconnects()).isPositive();
        h.stop(engine);
    }
}
