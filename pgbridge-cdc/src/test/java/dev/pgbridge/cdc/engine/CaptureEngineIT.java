package dev.pgbridge.cdc.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static dev.pgbridge.cdc.engine.CaptureHarness.opsAndKeys;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(180)
class CaptureEngineIT {
    private CaptureHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new CaptureHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void insertsUpdatesKeyChangeDeletesAndTruncateArriveInOrderAndAnAbortedTransactionNever() throws Exception {
        h.sql("CREATE TABLE items (id int PRIMARY KEY, note text, price numeric(10,2), tags text[], doc jsonb,"
                + " at timestamptz, raw bytea)");
        var engine = h.start(h.config("", "items"));
        h.sql("INSERT INTO items VALUES (1, 'é日本🔑', 1.50, '{a,\"b c\"}', '{\"k\": [1, null]}', "
                        + "'2024-01-31 12:00:00+00', '\\x00ff')",
                "INSERT INTO items (id, note) VALUES (2, 'two')",
                "UPDATE items SET note = 'one' WHERE id = 1",
                "UPDATE items SET id = 3 WHERE id = 2",
                "BEGIN; INSERT INTO items (id, note) VALUES (99, 'aborted'); ROLLBACK",
                "DELETE FROM items WHERE id = 1",
                "TRUNCATE items");
        List<JsonNode> events = h.awaitEvents("items", 7);
        assertThat(opsAndKeys(events)).containsExactly("c:{\"id\":1}", "c:{\"id\":2}", "u:{\"id\":1}", "d:{\"id\":2}",
                "c:{\"id\":3}", "d:{\"id\":1}", "t:null");
        JsonNode first = events.getFirst().get("value");
        assertThat(EventJson.write(first.get("after"))).isEqualTo("{\"id\":1,\"note\":\"é日本🔑\",\"price\":1.50,"
                + "\"tags\":[\"a\",\"b c\"],\"doc\":{\"k\":[1,null]},\"at\":\"2024-01-31T12:00:00+00:00\",\"raw\":\"AP8=\"}");
        assertThat(first.get("before").isNull()).isTrue();
        JsonNode source = first.get("source");
        assertThat(source.get("connector").asText()).isEqualTo("postgresql");
        assertThat(source.get("db").asText()).isEqualTo(h.db.name());
        assertThat(source.get("schema").asText()).isEqualTo("public");
        assertThat(source.get("table").asText()).isEqualTo("items");
        assertThat(source.get("snapshot").asText()).isEqualTo("false");
        assertThat(source.get("txId").asLong()).isPositive();
        assertThat(source.get("lsn").asLong()).isPositive();
        assertThat(source.get("ts_ms").asLong()).isGreaterThan(1_600_000_000_000L);
        assertThat(events.get(3).get("value").get("before").get("id").asInt()).isEqualTo(2);
        assertThat(events.toString()).doesNotContain("aborted");
        h.stop(engine);
        assertThat(h.events("items").toString()).doesNotContain("aborted");
        assertThat(h.query("SELECT confirmed_flush_lsn >= pg_current_wal_lsn() - 1000000 FROM pg_replication_slots "
                + "WHERE slot_name = '" + h.slot + "'")).isEqualTo("t");
    }
}
