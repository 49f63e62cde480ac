package dev.pgbridge.cdc.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.pgbridge.cdc.backfill.Backfill;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code source.snapshot: "last"} is on the backfill's very last record only, as Debezium marks the end of its
 * snapshot: not on every row of each table's last chunk, not on a table followed by others, and still on the right
 * record when the last chunk was exactly full or the tables after it are empty.
 */
@Timeout(240)
class BackfillLastRecordIT extends WithCaptureFixture {

    /** Every {@code op: r} event of {@code tables}, table by table. */
    private List<JsonNode> reads(String... tables) {
        List<JsonNode> out = new ArrayList<>();
        for (String t : tables) {
            h.events(t).stream().filter(e -> e.get("value").get("op").asText().equals("r")).forEach(out::add);
        }
        return out;
    }

    private static String snapshot(JsonNode e) {
        return e.get("value").get("source").get("snapshot").asText();
    }

    private static String tableAndKey(JsonNode e) {
        return e.get("value").get("source").get("table").asText() + " " + CaptureFixture.canonical(e.get("key"));
    }

    @Test
    void onlyTheVeryLastRecordOfAllTablesSaysLastWhateverChunksAndEmptyTablesComeBeforeAndAfterIt() throws Exception {
        // bug: every row of each table's last chunk said "last", so a consumer saw the snapshot end once per table
        h.sql("CREATE TABLE la (id int PRIMARY KEY, v text)", "INSERT INTO la SELECT g, 'a' FROM generate_series(1, 25) g",
                // exactly two full chunks: that the second was the last is known only from the empty read after it
                "CREATE TABLE lb (id int PRIMARY KEY, v text)", "INSERT INTO lb SELECT g, 'b' FROM generate_series(1, 20) g",
                "CREATE TABLE lempty (id int PRIMARY KEY)",
                "CREATE TABLE lk (a int, b text)", "ALTER TABLE lk REPLICA IDENTITY FULL",
                "INSERT INTO lk SELECT g, 'k' FROM generate_series(1, 3) g",
                "CREATE TABLE lc (id int PRIMARY KEY, v text)", "INSERT INTO lc SELECT g, 'c' FROM generate_series(1, 7) g",
                "CREATE TABLE lz (id int PRIMARY KEY)");
        String[] tables = {"la", "lb", "lempty", "lk", "lc", "lz"};
        var engine = h.start(h.config("  backfill_chunk_size: 10\n", tables));
        h.awaitEvents("la", 25);
        h.awaitEvents("lb", 20);
        h.awaitEvents("lk", 3);
        h.awaitEvents("lc", 7);
        h.stop(engine);

        List<JsonNode> reads = reads(tables);
        assertThat(reads).hasSize(25 + 20 + 3 + 7);
        assertThat(reads.stream().map(BackfillLastRecordIT::tableAndKey).distinct().count()).isEqualTo(55);
        List<JsonNode> last = reads.stream().filter(e -> snapshot(e).equals("last")).toList();
        assertThat(last).extracting(BackfillLastRecordIT::tableAndKey).containsExactly("lc {\"id\":7}");
        assertThat(reads).filteredOn(e -> e != last.getFirst())
                .allSatisfy(e -> assertThat(snapshot(e)).isEqualTo("true"));
        long lastLsn = last.getFirst().get("value").get("source").get("lsn").asLong();
        assertThat(reads).allSatisfy(e -> assertThat(e.get("value").get("source").get("lsn").asLong())
                .as("no backfill record comes after the last one").isLessThanOrEqualTo(lastLsn));

        JsonNode saved = h.checkpoint().get("backfill");
        assertThat(saved.has("held_row")).as("nothing is held once the last record is out").isFalse();
        assertThat(saved.get("tables")).allSatisfy(t -> assertThat(t.get("state").asText()).isEqualTo("done"));
    }

    @Test
    void anExactlyFullLastChunkFollowedOnlyByEmptyTablesStillEndsWithLast() throws Exception {
        // the row that turns out to be last waits until the empty read and the empty tables say so
        h.sql("CREATE TABLE full10 (id int PRIMARY KEY)", "INSERT INTO full10 SELECT generate_series(1, 30)",
                "CREATE TABLE empty1 (id int PRIMARY KEY)", "CREATE TABLE empty2 (id int PRIMARY KEY)");
        var engine = h.start(h.config("  backfill_chunk_size: 10\n", "full10", "empty1", "empty2"));
        h.awaitEvents("full10", 30);
        h.stop(engine);

        List<JsonNode> reads = reads("full10");
        assertThat(reads).extracting(e -> e.get("key").get("id").asInt() + " " + snapshot(e))
                .endsWith("29 true", "30 last")
                .filteredOn(s -> s.endsWith("last")).hasSize(1);
        assertThat(reads("empty1", "empty2")).isEmpty();
    }

    @Test
    void aKeylessTableFollowedOnlyByEmptyTablesEndsWithLastOnItsNewestSnapshotRow() throws Exception {
        // a keyless table's rows cannot be held back: the empty tables after it are found empty before they go out
        h.sql("CREATE TABLE kfirst (id int PRIMARY KEY)", "INSERT INTO kfirst SELECT generate_series(1, 15)",
                "CREATE TABLE kless (a int, b text)", "ALTER TABLE kless REPLICA IDENTITY FULL",
                "INSERT INTO kless SELECT g, 'k' FROM generate_series(1, 25) g",
                "CREATE TABLE kempty1 (id int PRIMARY KEY)", "CREATE TABLE kempty2 (id int PRIMARY KEY)");
        var engine = h.start(h.config("  backfill_chunk_size: 10\n", "kfirst", "kless", "kempty1", "kempty2"));
        h.awaitEvents("kfirst", 15);
        h.awaitEvents("kless", 25);
        h.sql("INSERT INTO kempty2 VALUES (1)");
        h.awaitEvents("kempty2", 1);
        h.stop(engine);

        assertThat(reads("kfirst")).allSatisfy(e -> assertThat(snapshot(e)).isEqualTo("true"));
        List<JsonNode> keyless = reads("kless");
        assertThat(keyless).hasSize(25);
        assertThat(keyless.subList(0, 24)).allSatisfy(e -> assertThat(snapshot(e)).isEqualTo("true"));
        assertThat(snapshot(keyless.getLast())).isEqualTo("last");
        assertThat(h.events("kempty2")).extracting(e -> e.get("value").get("op").asText() + " " + snapshot(e))
                .containsExactly("c false");
    }

    @Test
    void aBackfillOfOnlyEmptyTablesHasNoRecordAndEnds() throws Exception {
        h.sql("CREATE TABLE e1 (id int PRIMARY KEY)", "CREATE TABLE e2 (a int)", "ALTER TABLE e2 REPLICA IDENTITY FULL");
        var engine = h.start(h.config("  backfill_chunk_size: 10\n", "e1", "e2"));
        h.sql("INSERT INTO e1 VALUES (1)");
        List<JsonNode> events = h.awaitEvents("e1", 1);
        h.stop(engine);

        assertThat(events).extracting(e -> e.get("value").get("op").asText() + " " + snapshot(e))
                .containsExactly("c false");
        assertThat(h.events("e2")).isEmpty();
    }

    @Test
    void aTableRewrittenWhileItIsCheckedForRowsIsNotTakenForEmpty() throws Exception {
        // bug: the emptiness check took its snapshot before the table lock, so a table rewrite committing meanwhile
        // made a table with rows look empty: it was marked done with none of them sent
        h.sql("CREATE TABLE rkless (a int)", "ALTER TABLE rkless REPLICA IDENTITY FULL", "INSERT INTO rkless VALUES (1)",
                "CREATE TABLE rkeyed (id int PRIMARY KEY, v int)",
                "INSERT INTO rkeyed SELECT g, g FROM generate_series(1, 3) g");
        AtomicReference<Thread> committer = new AtomicReference<>();
        Backfill.WatermarkListener listener = new Backfill.WatermarkListener() {
            @Override
            public void beforeWrite(Backfill.Watermark w) {
            }

            @Override
            public void afterWrite(Backfill.Watermark w) {
                // the keyless table's snapshot is read: the check of rkeyed comes next, on this thread
                if (w.table().table().equals("rkless") && committer.get() == null) {
                    committer.set(rewriteWhenSomeoneWaits("rkeyed", "ALTER TABLE rkeyed ALTER COLUMN v TYPE bigint"));
                }
            }
        };
        var engine = h.startStreaming(h.config("  backfill_chunk_size: 10\n", "rkless", "rkeyed"), listener);
        h.awaitBackfill(engine);
        committer.get().join(30_000);
        h.stop(engine);

        assertThat(reads("rkless", "rkeyed")).extracting(e -> tableAndKey(e) + " " + snapshot(e))
                .containsExactly("rkless {\"a\":1} true", "rkeyed {\"id\":1} true", "rkeyed {\"id\":2} true",
                        "rkeyed {\"id\":3} last");
    }

    /**
     * Runs {@code ddl} (which rewrites {@code table}) in a transaction of its own now, and commits it from another
     * thread as soon as a session waits for a lock on {@code table}.
     */
    private Thread rewriteWhenSomeoneWaits(String table, String ddl) {
        Connection c;
        try {
            c = h.connect();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute(ddl);
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Thread t = new Thread(() -> {
            try (c; Connection watch = h.connect(); Statement st = watch.createStatement()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted "
                            + "AND relation = '" + table + "'::regclass")) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            break;
                        }
                    }
                    Thread.sleep(10);
                }
                c.commit();
            }
            catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "rewrite-" + table);
        t.start();
        return t;
    }
}
