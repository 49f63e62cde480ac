package dev.pgbridge.cdc.engine;

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
 * network drop or a failover looks like from the client), the walsender alone, and the whole server restarted —
 * while it backfills and while a writer changes rows: the capture reconnects by itself, and replaying the sink gives
 * the table. Which failures are retried is {@link CaptureFailures}' decision (unit-tested in CaptureFailuresTest).
 */
@Timeout(240)
class ReconnectIT extends WithCaptureFixture {

    /** A writer that updates and inserts rows of {@code t} until stopped; connection errors are retried. */
    private final class Writer extends Thread {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger commits = new AtomicInteger();

        @Override
        public void run() {
            int next = 1_000_000; // above the table's keys
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

    /**
     * A table of 200,000 rows, a capture of it and the writer started, once the backfill has made progress (and is
     * not done).
     */
    private CaptureFixture.Running startBackfilling(int chunkSize, Writer writer) {
        h.sql("CREATE TABLE t (id int PRIMARY KEY, v int)",
                "INSERT INTO t SELECT g, 0 FROM generate_series(1, 200000) g");
        CaptureFixture.Running engine = h.startStreaming(h.config("  backfill_chunk_size: " + chunkSize + "\n", "t"),
                null);
        writer.start();
        CaptureFixture.await("the backfill under way", Duration.ofSeconds(60), () -> engine.engine().status()
                .backfill().values().stream().anyMatch(p -> p.rows() > 0));
        assertThat(engine.engine().status().backfillDone()).as("the backfill still runs").isFalse();
        return engine;
    }

    private void awaitTableImage(CaptureFixture.Running engine) {
        try {
            CaptureFixture.await("the sink's replay equal to the table", Duration.ofSeconds(120),
                    () -> CaptureFixture.replay(h.events("t")).equals(h.tableImage("t", "id")));
        }
        catch (AssertionError timedOut) {
            // say which rows differ, and whether the engine still ran
            java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> replay = CaptureFixture.replay(h.events("t"));
            java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> table = h.tableImage("t", "id");
            throw new AssertionError(timedOut.getMessage() + ": " + table.size() + " rows, " + replay.size()
                    + " replayed, differing " + CaptureFixture.differences(replay, table, 10) + ", engine "
                    + engine.engine().status()
                    + ", failure " + engine.failure().get(), timedOut);
        }
        assertThat(engine.failure().get()).isNull();
    }

    @Test
    void sessionsEndedByTheServerMidBackfillAndMidStreamAreReconnected() throws Exception {
        Writer writer = new Writer();
        CaptureFixture.Running engine = startBackfilling(200, writer);
        try {
            String walsender = "SELECT active_pid::text FROM pg_replication_slots WHERE slot_name = '" + h.slot + "'";
            for (int cut = 0; cut < 3; cut++) {
                if (cut > 0) {
                    Thread.sleep(1000);
                }
                String before = h.query(walsender);
                // the walsender, the control session and the backfill reader, all at once
                h.superSql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
                        + h.role.name() + "' AND application_name LIKE 'pgbridge%'");
                CaptureFixture.await("a new walsender", Duration.ofSeconds(60), () -> {
                    String now = h.query(walsender);
                    return now != null && !now.equals(before);
                });
            }
            h.awaitBackfill(engine);
            // then the walsender alone, mid-stream: its FATAL 57P01 (or the broken socket, 08006) is retried too
            String before = h.query(walsender);
            h.superSql("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                    + h.slot + "'");
            CaptureFixture.await("a new walsender after the walsender alone was ended", Duration.ofSeconds(60), () -> {
                String now = h.query(walsender);
                return now != null && !now.equals(before);
            });
        }
        finally {
            writer.finish();
        }
        awaitTableImage(engine);
        assertThat(engine.engine().status().reconnects()).isGreaterThanOrEqualTo(4);
        assertThat(writer.commits.get()).isPositive();
        h.stop(engine);
    }

    @Test
    void theServerRestartingIsRiddenThrough() throws Exception {
        assumeTrue(h.server.restartable(), "only the embedded server can be restarted");
        Writer writer = new Writer();
        CaptureFixture.Running engine = startBackfilling(500, writer);
        try {
            h.server.restart();
            int before = writer.commits.get();
            CaptureFixture.await("the writer going on after the restart", Duration.ofSeconds(60),
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
