package dev.pgbridge.cdc.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.testing.InvisibleCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static dev.pgbridge.cdc.engine.CaptureFixture.opsAndKeys;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unchanged TOAST values of a transaction that reaches the stream before it is visible to other sessions (its commit
 * is flushed, its backend not yet out of the proc array: {@link InvisibleCommit} holds it there). The capture must
 * read them only from a snapshot that sees the transaction.
 */
@Timeout(180)
class ToastVisibilityIT extends WithCaptureFixture {

    /** Incompressible text of {@code chars} characters (stays out of line under STORAGE EXTERNAL, and > 2 kB). */
    static String randomHex(long seed, int chars) {
        byte[] bytes = new byte[chars / 2];
        new Random(seed).nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A long value as its length, head and hash: a failed comparison stays readable. */
    static String summary(String value) {
        return value == null ? "null" : value.length() + " chars " + value.substring(0, Math.min(16, value.length()))
                + "… #" + Integer.toHexString(value.hashCode());
    }

    private void createToastTable(String table) {
        h.sql("CREATE TABLE " + table + " (id int PRIMARY KEY, n int NOT NULL, big text)",
                "ALTER TABLE " + table + " ALTER COLUMN big SET STORAGE EXTERNAL");
    }

    /** Waits until the capture holds the transaction's event, waiting for it to become visible (or has sent it). */
    private static void awaitCaptureWaiting(CaptureFixture h, CaptureFixture.Running engine, String table, int events) {
        CaptureFixture.await("the capture waiting for the held transaction", Duration.ofSeconds(60),
                () -> engine.engine().toastVisibilityWaits() > 0 || h.events(table).size() >= events
                        || engine.failure().get() != null);
    }

    // issue 8: a key move streamed before it was visible found no row under its new key and sent big as null
    @Test
    void aKeyMoveStreamedBeforeItIsVisibleCarriesItsToastValue() throws Exception {
        createToastTable("moved");
        var engine = h.start(h.config("", "moved"));
        String big = randomHex(1, 8000);
        h.sql("INSERT INTO moved VALUES (1, 0, '" + big + "')");
        h.awaitEvents("moved", 1);
        try (InvisibleCommit held = InvisibleCommit.hold(h.server, h::connect,
                "UPDATE moved SET id = id + 100000 WHERE id = 1")) {
            assertThat(held.held()).isTrue();
            awaitCaptureWaiting(h, engine, "moved", 3);
        }
        List<JsonNode> events = h.awaitEvents("moved", 3);
        assertThat(opsAndKeys(events)).containsExactly("c:{\"id\":1}", "d:{\"id\":1}", "c:{\"id\":100001}");
        JsonNode moved = events.get(2).get("value").get("after");
        assertThat(summary(moved.get("big").asText(null))).as("big of the moved row").isEqualTo(summary(big));
        assertThat(engine.engine().toastVisibilityWaits()).as("the capture waited for the held transaction").isPositive();
        assertThat(CaptureFixture.replay(events)).isEqualTo(h.tableImage("moved", "id"));
        assertThat(engine.failure().get()).isNull();
        h.stop(engine);
    }

    // issue 8: a transaction that rewrote big and then updated another column was sent with the OLD big value
    @Test
    void aRewriteThenOtherColumnUpdateStreamedBeforeItIsVisibleCarriesTheNewValue() throws Exception {
        createToastTable("rewritten");
        var engine = h.start(h.config("", "rewritten"));
        String before = randomHex(2, 8000);
        String after = randomHex(3, 8000);
        h.sql("INSERT INTO rewritten VALUES (1, 0, '" + before + "')");
        h.awaitEvents("rewritten", 1);
        try (InvisibleCommit held = InvisibleCommit.hold(h.server, h::connect, "BEGIN",
                "UPDATE rewritten SET big = '" + after + "' WHERE id = 1",
                "UPDATE rewritten SET n = 1 WHERE id = 1",
                "COMMIT")) {
            assertThat(held.held()).isTrue();
            awaitCaptureWaiting(h, engine, "rewritten", 3);
        }
        List<JsonNode> events = h.awaitEvents("rewritten", 3);
        assertThat(opsAndKeys(events)).containsExactly("c:{\"id\":1}", "u:{\"id\":1}", "u:{\"id\":1}");
        JsonNode last = events.get(2).get("value").get("after");
        assertThat(last.get("n").asInt()).isEqualTo(1);
        assertThat(summary(last.get("big").asText(null))).as("big after the second update").isEqualTo(summary(after));
        assertThat(engine.engine().toastVisibilityWaits()).as("the capture waited for the held transaction").isPositive();
        assertThat(CaptureFixture.replay(events)).isEqualTo(h.tableImage("rewritten", "id"));
        assertThat(engine.failure().get()).isNull();
        h.stop(engine);
    }

    @Test
    void aRowDeletedBeforeItsUpdateIsReadBackIsSentAsNullAndItsDeleteFollows() throws Exception {
        createToastTable("gone");
        h.stop(h.start(h.config("", "gone")));
        // written while the capture is down: when it reads the update back, the row is already deleted
        h.sql("INSERT INTO gone VALUES (1, 0, '" + randomHex(4, 8000) + "')", "UPDATE gone SET n = 1 WHERE id = 1",
                "DELETE FROM gone WHERE id = 1");
        var engine = h.start(h.config("", "gone"));
        CaptureFixture.await("the update read back", Duration.ofSeconds(60), () -> h.events("gone").size() >= 3);
        // a commit after the read: the stream passes the position by which the delete had to come
        h.sql("INSERT INTO gone VALUES (2, 0, 'small')");
        List<JsonNode> events = h.awaitEvents("gone", 4);
        assertThat(opsAndKeys(events)).containsExactly("c:{\"id\":1}", "u:{\"id\":1}", "d:{\"id\":1}", "c:{\"id\":2}");
        assertThat(events.get(1).get("value").get("after").get("big").isNull()).as("superseded by the delete").isTrue();
        assertThat(engine.failure().get()).isNull();
        assertThat(CaptureFixture.replay(events)).isEqualTo(h.tableImage("gone", "id"));
        h.stop(engine);
    }

    // issue 8: "row is gone" became a silent null even when no delete of that key followed in the stream
    @Test
    void aRowGoneWithoutADeleteInTheStreamStopsTheCaptureWithADataIntegrityError() throws Exception {
        createToastTable("unseen");
        h.stop(h.start(h.config("", "unseen")));
        // the delete happens while the table is out of the publication: it is never streamed
        h.sql("INSERT INTO unseen VALUES (1, 0, '" + randomHex(5, 8000) + "')", "UPDATE unseen SET n = 1 WHERE id = 1",
                "ALTER PUBLICATION " + h.publication + " DROP TABLE unseen", "DELETE FROM unseen WHERE id = 1",
                "ALTER PUBLICATION " + h.publication + " ADD TABLE unseen");
        var engine = h.start(h.config("", "unseen"));
        CaptureFixture.await("the update read back", Duration.ofSeconds(60), () -> h.events("unseen").size() >= 2);
        h.sql("INSERT INTO unseen VALUES (2, 0, 'small')");
        CaptureFixture.await("the capture to stop", Duration.ofSeconds(60), () -> !engine.thread().isAlive());
        assertThat(engine.failure().get()).isInstanceOfSatisfying(PgBridgeException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DATA_INTEGRITY);
            assertThat(e.getMessage()).contains("public.unseen", "{\"id\":1}", "without a delete");
        });
        assertThat(opsAndKeys(h.events("unseen"))).containsExactly("c:{\"id\":1}", "u:{\"id\":1}");
    }

    @Test
    void aTransactionThatNeverBecomesVisibleStopsTheCaptureWithATimeoutNamingIt() throws Exception {
        createToastTable("stuck");
        CaptureEngine.Settings fast = CaptureFixture.FAST;
        h.settings = new CaptureEngine.Settings(fast.flushInterval(), fast.flushEvents(), fast.statusInterval(),
                fast.slotBusyRetry(), fast.maxBackoff(), Duration.ofSeconds(1));
        var engine = h.start(h.config("", "stuck"));
        h.sql("INSERT INTO stuck VALUES (1, 0, '" + randomHex(6, 8000) + "')");
        h.awaitEvents("stuck", 1);
        try (InvisibleCommit held = InvisibleCommit.hold(h.server, h::connect,
                "UPDATE stuck SET n = 1 WHERE id = 1")) {
            assertThat(held.held()).isTrue();
            CaptureFixture.await("the capture to stop", Duration.ofSeconds(60), () -> !engine.thread().isAlive());
        }
        assertThat(engine.failure().get()).isInstanceOfSatisfying(PgBridgeException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.getMessage()).contains("public.stuck", "not visible to new snapshots after 1 s", "[big]");
            assertThat(e.hint()).contains("SyncRep");
        });
        assertThat(h.events("stuck")).hasSize(1);
    }
}
