package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;
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
        after.set("n", PgJson.node(numeric, digits));
        after.set("doc", PgJson.node(json, "{\"deep\": " + deep + ", \"n\": " + digits + "}"));
        after.set("text", PgJson.node(json, "\"" + longText + "\""));
        ObjectNode key = EventJson.MAPPER.createObjectNode().put("id", 1);
        try (EventBuffer buffer = new EventBuffer(SOURCE, spill, 0)) {
            buffer.add(0, ChangeEvent.pending(SOURCE, new TableId("public", "big"), Op.CREATE, key, null, after, 1,
                    Lsn.of(1), Set.of()));
            assertThat(buffer.spilled()).isEqualTo(1);
            Iterator<ChangeEvent> it = buffer.iterator();
            JsonNode back = it.next().after();
            assertThat(back.get("n").decimalValue().toPlainString()).isEqualTo(digits);
            // jsonb values come back as their exact JSON text
            JsonNode doc = PgJson.parseExact(back.get("doc").asText());
            assertThat(doc.get("n").decimalValue().toPlainString()).isEqualTo(digits);
            assertThat(EventJson.write(doc.get("deep"))).isEqualTo(deep);
            assertThat(back.get("text").textValue()).hasSize(25_000_000);
            assertThat(it.hasNext()).isFalse();
        }
    }

    // the buffer was bounded in events only: 10,000 rows of a megabyte each stayed on the heap
    @Test
    void eventsSpillWhenTheirBytesPassTheLimitAndComeBackInOrder() throws Exception {
        PgType text = PgType.builtIn(25).orElseThrow();
        RowText.Columns columns = new RowText.Columns("public.wide", java.util.List.of("id", "doc"),
                java.util.List.of(PgType.builtIn(23).orElseThrow(), text));
        try (EventBuffer buffer = new EventBuffer(SOURCE, spill, 1000, 250_000)) {
            for (int i = 0; i < 5; i++) {
                ObjectNode key = EventJson.MAPPER.createObjectNode().put("id", i);
                RowText row = RowText.of(columns, Integer.toString(i), "x".repeat(100_000));
                buffer.add(0, ChangeEvent.pending(SOURCE, new TableId("public", "wide"), Op.CREATE, key, null, row,
                        1, Lsn.of(10 + i)));
            }
            // two rows of about 100 KB fit in 250 KB, the rest went to the file though 1,000 events would fit
            assertThat(buffer.spilled()).isEqualTo(3);
            assertThat(buffer.memoryBytes()).isBetween(200_000L, 250_000L);
            Iterator<ChangeEvent> it = buffer.iterator();
            for (int i = 0; i < 5; i++) {
                ChangeEvent e = it.next();
                assertThat(e.key().get("id").asInt()).isEqualTo(i);
                assertThat(e.after().get("doc").textValue()).hasSize(100_000);
            }
            assertThat(it.hasNext()).isFalse();
        }
        // one row bigger than the limit stays in memory: a transaction of one huge row needs no file
        try (EventBuffer buffer = new EventBuffer(SOURCE, spill, 1000, 1_000)) {
            ObjectNode key = EventJson.MAPPER.createObjectNode().put("id", 1);
            buffer.add(0, ChangeEvent.pending(SOURCE, new TableId("public", "wide"), Op.CREATE, key, null,
                    RowText.of(columns, "1", "y".repeat(10_000)), 1, Lsn.of(10)));
            assertThat(buffer.spilled()).isZero();
            assertThat(buffer.memoryBytes()).isGreaterThan(10_000L);
        }
    }

    // a spilled float 1e+300 came back as 1000…0 (301 digits) and -0 as 0: spilled events differed from kept ones
    @Test
    void aSpilledEventWritesTheSameBytesAsBefore() throws Exception {
        ObjectNode after = EventJson.MAPPER.createObjectNode();
        after.set("f", PgJson.node(PgType.builtIn(701).orElseThrow(), "1e+300"));
        after.set("z", PgJson.node(PgType.builtIn(701).orElseThrow(), "-0"));
        after.set("small", PgJson.node(PgType.builtIn(701).orElseThrow(), "1.5"));
        after.set("n", PgJson.node(PgType.builtIn(1700).orElseThrow(), "1.50"));
        after.set("big", PgJson.node(PgType.builtIn(20).orElseThrow(), "-9223372036854775808"));
        after.set("doc", PgJson.node(PgType.builtIn(3802).orElseThrow(), "{\"b\": 1, \"a\": [1e5, 2.50]}"));
        after.set("j", PgJson.node(PgType.builtIn(114).orElseThrow(), "{\"a\":1,  \"a\": 2}"));
        after.set("arr", PgJson.node(PgType.builtIn(1022).orElseThrow(), "{{-0,NULL},{1e-300,NaN}}"));
        after.set("t", PgJson.node(PgType.builtIn(25).orElseThrow(), "é \"q\""));
        ObjectNode key = EventJson.MAPPER.createObjectNode().put("id", 1);
        ChangeEvent event = ChangeEvent.pending(SOURCE, new TableId("public", "t"), Op.CREATE, key, null, after, 1,
                Lsn.of(1), Set.of());
        byte[] before = new EventEncoder().value(event).toByteArray();
        try (EventBuffer buffer = new EventBuffer(SOURCE, spill, 0)) {
            buffer.add(0, event);
            assertThat(buffer.spilled()).isEqualTo(1);
            byte[] back = new EventEncoder().value(buffer.iterator().next()).toByteArray();
            assertThat(new String(back, java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(new String(before, java.nio.charset.StandardCharsets.UTF_8))
                    .contains("\"f\":1e+300,\"z\":-0,\"small\":1.5,\"n\":1.50")
                    .contains("\"doc\":{\"b\": 1, \"a\": [1e5, 2.50]},\"j\":{\"a\":1,  \"a\": 2}")
                    .contains("\"arr\":[[-0,null],[1e-300,\"NaN\"]]");
        }
    }
}
