package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.engine.CaptureFixture;
import dev.pgbridge.testing.InvisibleCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4, test 1, and issue 8 §1: a writer inserts, upserts, updates (keys too) and deletes over a few hundred keys
 * of a 30,000-row table whose hot rows carry large EXTERNAL (out-of-line TOAST) values — it rewrites them, updates
 * other columns and moves keys while leaving them untouched (pgoutput then sends "unchanged TOAST"), commits with
 * {@code synchronous_commit = on} (so a commit may be streamed before it is visible), and now and then a commit is
 * held between its WAL record and its visibility ({@link InvisibleCommit}) — while {@code pgbridge capture run} is
 * killed with SIGKILL and started again every few seconds, from inside its backfill on; at the end (writer stopped,
 * capture caught up) the jsonl events replayed per key in file order are exactly the source table, the large column
 * included.
 */
@Timeout(600)
class CaptureStressIT {
    private static final int CYCLES = 6;
    /** Rows (keys -1 … -HELD_ROWS) that only commits held invisible change, each once. */
    private static final int HELD_ROWS = 40;

    @TempDir
    Path home;

    private CaptureFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new CaptureFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        InvisibleCommit.reset(f.server); // whatever happened to the holder, no commit stays held
        f.close();
    }

    /** Rows of the stress table's backfill in the checkpoint (0 before the first). */
    private static long backfillRows(Path checkpoint) {
        JsonNode saved = CaptureFixture.readJson(checkpoint);
        return saved == null ? 0 : saved.path("backfill").path("tables").path(0).path("rows").asLong();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void killedAndRestartedEveryFewSecondsTheEventsStillReplayToExactlyTheSourceTable() throws Exception {
        long started = System.nanoTime();
        f.sql("CREATE TABLE stress (id int PRIMARY KEY, v int NOT NULL, note text, big text)",
                "ALTER TABLE stress ALTER COLUMN big SET STORAGE EXTERNAL",
                // the hot keys (multiples of 75) and the held rows start with a large value: 2,560 hex digits, stored
                // out of line
                "INSERT INTO stress SELECT g, 0, 'seed', CASE WHEN g % 75 = 0 OR g < 0 THEN (SELECT "
                        + "string_agg(md5(g::text || s), '') FROM generate_series(1, 80) s) END "
                        + "FROM generate_series(-" + HELD_ROWS + ", 30000) g WHERE g <> 0");
        Path config = f.configFile("  backfill_chunk_size: 20\n", "stress");
        Cli cli = new Cli(home);
        Path checkpoint = home.resolve("captures").resolve(f.slot).resolve("checkpoint.json");

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger keyChanges = new AtomicInteger();
        AtomicInteger toastKeyChanges = new AtomicInteger();
        AtomicInteger toastRewrites = new AtomicInteger();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            Random random = new Random(42);
            try (Connection c = f.connect(); Statement s = c.createStatement()) {
                // the server default here is off; on, a commit is flushed (and streamed) before it is visible
                s.execute("SET synchronous_commit = on");
                while (writing.get()) {
                    // 400 keys spread over the whole table, so changes meet the backfill everywhere, and their
                    // twins 100000 higher, where key changes move rows (and back)
                    int k = 75 * (1 + random.nextInt(400)) + (random.nextBoolean() ? 100_000 : 0);
                    String big = "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, "
                            + (70 + random.nextInt(60)) + "))";
                    int op = random.nextInt(100);
                    if (op < 25) {
                        // leaves big untouched: its value comes back from the source
                        s.execute("UPDATE stress SET v = v + 1, note = 'u' WHERE id = " + k);
                    }
                    else if (op < 35) {
                        if (s.executeUpdate("UPDATE stress SET big = " + big + ", v = v + 1 WHERE id = " + k) > 0) {
                            toastRewrites.incrementAndGet();
                        }
                    }
                    else if (op < 45) {
                        s.execute("INSERT INTO stress VALUES (" + k + ", 0, 'i', " + (random.nextBoolean() ? big
                                : "NULL") + ") ON CONFLICT (id) DO NOTHING");
                    }
                    else if (op < 55) {
                        // an upsert whose update leaves big untouched
                        s.execute("INSERT INTO stress VALUES (" + k + ", 5, 'up', " + big + ") ON CONFLICT (id) "
                                + "DO UPDATE SET v = stress.v + 1, note = 'upserted'");
                    }
                    else if (op < 68) {
                        s.execute("DELETE FROM stress WHERE id = " + k);
                    }
                    else if (op < 83) {
                        int to = k >= 100_000 ? k - 100_000 : k + 100_000;
                        try (ResultSet moved = s.executeQuery("WITH m AS (UPDATE stress SET id = " + to
                                + ", v = v + 1 WHERE id = " + k + " AND NOT EXISTS (SELECT 1 FROM stress WHERE id = "
                                + to + ") RETURNING big IS NOT NULL AS toasted) SELECT toasted FROM m")) {
                            if (moved.next()) {
                                keyChanges.incrementAndGet();
                                if (moved.getBoolean(1)) {
                                    toastKeyChanges.incrementAndGet();
                                }
                            }
                        }
                    }
                    else if (op < 92) {
                        // one transaction rewrites big, then updates another column of the same row
                        s.execute("BEGIN");
                        s.execute("UPDATE stress SET big = " + big + " WHERE id = " + k);
                        s.execute("UPDATE stress SET v = v + 1, note = 'after rewrite' WHERE id = " + k);
                        s.execute("COMMIT");
                    }
                    else {
                        s.execute("BEGIN");
                        s.execute("UPDATE stress SET v = v + 10 WHERE id IN (" + k + ", " + (k - 1) + ")");
                        s.execute("DELETE FROM stress WHERE id = " + 75 * (1 + random.nextInt(400)));
                        s.execute("INSERT INTO stress VALUES (" + 75 * (1 + random.nextInt(400)) + ", 7, 't') "
                                + "ON CONFLICT (id) DO UPDATE SET v = stress.v + 100");
                        s.execute("COMMIT");
                    }
                    writes.incrementAndGet();
                    Thread.sleep(2);
                }
            }
            catch (Throwable e) {
                writerFailure.set(e);
            }
        }, "stress-writer");
        // now and then a commit is held between its WAL record (streamed) and its visibility, as a synchronous
        // standby does: a key move of a row with a large value, or a rewrite of it followed by another update. Each
        // touches a row of its own (negative keys, backfilled first) once, so its event stays the row's last word: a
        // value read back too early would remain in the replay
        AtomicInteger heldCommits = new AtomicInteger();
        AtomicReference<Throwable> holderFailure = new AtomicReference<>();
        Thread holder = new Thread(() -> {
            Random random = new Random(11);
            try {
                CaptureFixture.await("the held rows backfilled", Duration.ofSeconds(90),
                        () -> backfillRows(checkpoint) >= HELD_ROWS || !writing.get());
                for (int n = 1; n <= HELD_ROWS && writing.get(); n++) {
                    Thread.sleep(200 + random.nextInt(500));
                    String[] statements = n % 2 == 0
                            ? new String[] {"UPDATE stress SET id = " + (-100_000 - n) + ", v = v + 1 WHERE id = " + -n}
                            : new String[] {"BEGIN", "UPDATE stress SET big = (SELECT string_agg(md5(random()::text), "
                                    + "'') FROM generate_series(1, 90)) WHERE id = " + -n,
                                    "UPDATE stress SET v = v + 1, note = 'held' WHERE id = " + -n, "COMMIT"};
                    try (InvisibleCommit held = InvisibleCommit.hold(f.server, f::connect, statements)) {
                        if (held.held()) {
                            heldCommits.incrementAndGet();
                        }
                        Thread.sleep(200 + random.nextInt(600));
                    }
                }
            }
            catch (Throwable e) {
                holderFailure.set(e);
            }
        }, "stress-holder");

        Random pause = new Random(7);
        int killedDuringBackfill = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            Process p = cli.start(f.work.resolve("run" + cycle + ".out"), f.work.resolve("run" + cycle + ".err"),
                    "capture", "run", "--config", config.toString(), "--status-every", "1");
            if (cycle == 0) {
                // a new logical slot waits for a moment without running transactions; the writer starts after it
                CaptureFixture.await("the slot", Duration.ofSeconds(90), () -> "1".equals(f.query(
                        "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + f.slot + "'")));
                writer.start();
                holder.start();
            }
            if (cycle < 2) {
                // the first kills land inside the backfill, once this run has checkpointed a chunk of its own
                long before = cycle == 0 ? 0 : backfillRows(checkpoint);
                CaptureFixture.await("backfill progress in run " + cycle, Duration.ofSeconds(90),
                        () -> backfillRows(checkpoint) > before || !p.isAlive());
                Thread.sleep(pause.nextInt(500));
            }
            else {
                // on a busy machine a run may take seconds to start (the JVM, the old walsender going): kill one
                // that streams, not one starting
                Path said = f.work.resolve("run" + cycle + ".err");
                java.util.regex.Pattern streaming = java.util.regex.Pattern.compile(": [1-9][0-9,]* events, ");
                try {
                    CaptureFixture.await("run " + cycle + " streaming", Duration.ofSeconds(90),
                            () -> !p.isAlive() || streaming.matcher(readQuietly(said)).find());
                }
                catch (AssertionError e) {
                    // what the run said, and the slot's state, so a run that never streams can be told apart
                    String text = readQuietly(said);
                    throw new AssertionError(e.getMessage() + "; the run said: "
                            + text.substring(Math.max(0, text.length() - 2000)) + "; slot: " + f.query(
                            "SELECT active::text || ' ' || coalesce(active_pid::text, '-') FROM pg_replication_slots "
                                    + "WHERE slot_name = '" + f.slot + "'"), e);
                }
                Thread.sleep(1000 + pause.nextInt(2500));
            }
            assertThat(p.isAlive()).as("cycle " + cycle + " still runs: " + Files.readString(
                    f.work.resolve("run" + cycle + ".err"))).isTrue();
            JsonNode saved = CaptureFixture.readJson(checkpoint);
            System.out.printf("stress: kill %d with the checkpoint at %s%n", cycle, saved == null ? "(none yet)"
                    : saved.path("backfill").path("tables").path(0).path("state").asText() + " after "
                    + saved.path("backfill").path("tables").path(0).path("rows").asLong() + " rows");
            if (saved != null && saved.has("backfill")
                    && saved.get("backfill").get("tables").get(0).get("state").asText().equals("running")) {
                killedDuringBackfill++;
            }
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            List<String> said = Files.readAllLines(f.work.resolve("run" + cycle + ".err"));
            System.out.println("stress: cycle " + cycle + " last said: " + (said.isEmpty() ? "" : said.getLast()));
        }
        writing.set(false);
        writer.join();
        holder.join();
        assertThat(writerFailure.get()).isNull();
        assertThat(holderFailure.get()).isNull();
        f.sql("INSERT INTO stress VALUES (999999, 0, 'end')");

        Path err = f.work.resolve("final.err");
        // the kills are over: the last run reads the rest of the backfill in larger chunks
        Path finalConfig = f.configFile("  backfill_chunk_size: 1000\n", "stress");
        Process last = cli.start(f.work.resolve("final.out"), err, "capture", "run", "--config",
                finalConfig.toString());
        try {
            CaptureFixture.await("the end marker and the backfill done", Duration.ofSeconds(240), () -> {
                JsonNode saved = CaptureFixture.readJson(checkpoint);
                return saved != null && saved.has("backfill")
                        && saved.get("backfill").get("tables").get(0).get("state").asText().equals("done")
                        && f.events("stress").stream().anyMatch(e -> e.get("key").get("id").asInt() == 999999);
            });
            last.destroy();
            assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        finally {
            last.destroyForcibly();
        }
        assertThat(last.exitValue()).as(Files.readString(err)).isZero();

        List<JsonNode> events = f.events("stress");
        assertThat(writes.get()).isGreaterThan(1000);
        assertThat(keyChanges.get()).isGreaterThan(10);
        assertThat(toastKeyChanges.get()).as("key moves of rows with a large value").isGreaterThan(10);
        assertThat(toastRewrites.get()).isGreaterThan(10);
        assertThat(heldCommits.get()).as("commits streamed before they were visible").isGreaterThan(5);
        assertThat(killedDuringBackfill).as("at least one kill hit the backfill").isGreaterThanOrEqualTo(1);
        assertThat(CaptureFixture.differences(CaptureFixture.replay(events), f.tableImage("stress", "id"), 20))
                .as("replayed events vs the table, by key").isEmpty();
        System.out.printf("stress: %d writes (%d key changes, %d of rows with a large value; %d rewrites of it), %d "
                        + "commits held invisible, %d events, %d of %d kills during the backfill, %d s%n", writes.get(),
                keyChanges.get(), toastKeyChanges.get(), toastRewrites.get(), heldCommits.get(), events.size(),
                killedDuringBackfill, CYCLES,
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }
}
