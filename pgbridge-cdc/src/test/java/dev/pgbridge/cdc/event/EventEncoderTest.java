package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.replication.Lsn;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventEncoderTest {
    private static final CaptureSource SOURCE = new CaptureSource("cap \"q\"", "db");
    private static final TableId TABLE = new TableId("public", "orders");
    private static final Instant COMMIT = Instant.parse("2026-11-21T10:00:00.123Z");

    private static ChangeEvent read(int id, boolean last) {
        ObjectNode key = EventJson.MAPPER.createObjectNode().put("id", id);
        ObjectNode after = key.deepCopy().put("note", "é日本🔑\n\"x\"").put("price", new BigDecimal("1.50"));
        return ChangeEvent.read(SOURCE, TABLE, key, after, 77, Lsn.of(1000), Lsn.of(1048), COMMIT, last);
    }

    private static String text(EventEncoder e) {
        return new String(e.array(), 0, e.length(), StandardCharsets.UTF_8);
    }

    @Test
    void aLineIsTheKeyAndTheDebeziumEnvelopeWithExactNumbersAndANewline() {
        ChangeEvent event = read(1, false);
        String line = text(new EventEncoder().line(event));
        assertThat(line).isEqualTo("{\"key\":{\"id\":1},\"value\":{\"before\":null,\"after\":{\"id\":1,"
                + "\"note\":\"é日本🔑\\n\\\"x\\\"\",\"price\":1.50},\"source\":{\"version\":\"pgbridge\","
                + "\"connector\":\"postgresql\",\"name\":\"cap \\\"q\\\"\",\"ts_ms\":1795255200123,\"snapshot\":\"true\","
                + "\"db\":\"db\",\"schema\":\"public\",\"table\":\"orders\",\"txId\":77,\"lsn\":1000,\"commit_lsn\":1048},"
                + "\"op\":\"r\",\"ts_ms\":" + event.handledAtMs() + "}}\n");
        assertThat(event.value().get("source").get("snapshot").asText()).isEqualTo("true");
    }

    @Test
    void rowsSharingTheirSourceAreWrittenAsEachAloneWouldBe() {
        EventEncoder shared = new EventEncoder();
        for (int i = 0; i < 5; i++) {
            ChangeEvent e = read(i, i == 4);
            assertThat(text(shared.line(e))).isEqualTo(text(new EventEncoder().line(e)));
        }
        ChangeEvent other = ChangeEvent.read(SOURCE, new TableId("public", "other"), read(9, false).key(),
                read(9, false).after(), 78, Lsn.of(2000), Lsn.of(2048), COMMIT, false);
        assertThat(text(shared.line(other))).isEqualTo(text(new EventEncoder().line(other)))
                .contains("\"table\":\"other\"", "\"lsn\":2000");
    }

    @Test
    void keyAndValueOnTheirOwnAndATruncateWithoutKey() {
        EventEncoder e = new EventEncoder();
        assertThat(text(e.key(read(3, false)))).isEqualTo("{\"id\":3}");
        ChangeEvent truncate = new ChangeEvent(SOURCE, TABLE, Op.TRUNCATE, null, null, null, 5, Lsn.of(10),
                Lsn.of(20), COMMIT, 0, Set.of());
        assertThat(text(e.key(truncate))).isEqualTo("null");
        assertThat(text(e.value(truncate))).startsWith("{\"before\":null,\"after\":null,\"source\":{")
                .endsWith("\"op\":\"t\",\"ts_ms\":0}");
    }

    @Test
    void anEventStillMissingItsToastValuesIsRefused() {
        ChangeEvent e = new ChangeEvent(SOURCE, TABLE, Op.UPDATE, read(1, false).key(), null, read(1, false).after(),
                5, Lsn.of(10), Lsn.of(20), COMMIT, 0, Set.of("doc"));
        assertThatThrownBy(() -> new EventEncoder().line(e)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[doc]");
    }
}
