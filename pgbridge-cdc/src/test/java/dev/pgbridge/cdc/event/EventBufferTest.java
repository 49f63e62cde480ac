package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.replication.Lsn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EventBufferTest {
    private static final CaptureSource SOURCE = new CaptureSource("cap", "db");
    @TempDir
    Path spill;

    /**
     * Values as big as PostgreSQL stores them — a numeric of 3,000 digits, json nested 2,000 deep, a 25-million-
     * character string — are read from json text and come back whole from a spill file (Jackson's default limits
     * are 1,000 digits, 1,000 levels and 20 million characters).
     */
    @Test
    void valuesBeyondJacksonsDefaultLimitsSpillAndComeBackWhole() throws Exception {
        String digits = "9".repeat(3000) + ".5";
        String deep = "[".repeat(2000) + "1" + "]".repeat(2000);
        String longText = "x".repeat(25_000_000);
        PgType json = PgType.builtIn(3802).orElseThrow();
        PgType numeric = PgType.builtIn(1700).orElseThrow();
        ObjectNode after = EventJson.MAPPER.createObjectNode();
        after.set("n", PgTextValues.toJson(numeric, digits));
        after.set("doc", PgTextValues.toJson(json, "{\"deep\": " + deep + ", \"n\": " + digits + "}"));
        after.set("text", PgTextValues.toJson(json, "\"" + longText + "\""));
        ObjectNode key = EventJson.MAPPER.createObjectNode().put("id", 1);
        try (EventBuffer buffer = new EventBuffer(SOURCE, spill, 0)) {
            buffer.add(0, ChangeEvent.pending(SOURCE, new TableId("public", "big"), Op.CREATE, key, null, after, 1,
                    Lsn.of(1), Set.of()));
            assertThat(buffer.spilled()).isEqualTo(1);
            Iterator<ChangeEvent> it = buffer.iterator();
            JsonNode back = it.next().after();
            assertThat(back.get("n").decimalValue().toPlainString()).isEqualTo(digits);
            assertThat(back.get("doc").get("n").decimalValue().toPlainString()).isEqualTo(digits);
            assertThat(EventJson.write(back.get("doc").get("deep"))).isEqualTo(deep);
            assertThat(back.get("text").textValue()).hasSize(25_000_000);
            assertThat(it.hasNext()).isFalse();
        }
    }
}
