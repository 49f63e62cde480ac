package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;
import dev.pgbridge.query.Column;
import dev.pgbridge.query.Row;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * A backfill row carried as its wire text is written straight from the bytes, and exactly as the tree PgJson
     * makes of the same texts: plain and escaped text, multi-byte characters, NULL, numbers (NaN too), jsonb, bytea,
     * booleans, timestamps; {@code after()} makes that tree.
     */
    @Test
    void aRowCarriedAsTextIsWrittenExactlyAsItsTree() {
        List<String> names = List.of("id", "plain", "escaped", "nothing", "price", "nan", "doc", "bin", "flag", "at",
                "ratio", "tags");
        List<PgType> types = List.of(20, 25, 25, 25, 1700, 1700, 3802, 17, 16, 1184, 701, 1009).stream()
                .map(oid -> PgType.builtIn(oid).orElseThrow()).toList();
        RowText.Columns columns = new RowText.Columns("public.orders", names, types);
        String[] texts = {"-9223372036854775808", "a long plain ascii value, more than eight bytes", "é日本🔑\n\"x\"\t\u0001",
                null, "12.50", "NaN", "{\"a\": [1, 2.50, \"\\u00e9\"]}", "\\xdeadbeef", "t",
                "2026-11-21 10:00:00.123+00", "1e+300", "{a,\"b c\",NULL}"};
        ObjectNode tree = EventJson.MAPPER.createObjectNode();
        for (int i = 0; i < texts.length; i++) {
            tree.set(names.get(i), PgJson.node(types.get(i), texts[i]));
        }
        ObjectNode key = EventJson.MAPPER.createObjectNode().put("id", Long.MIN_VALUE);
        ChangeEvent asText = ChangeEvent.read(SOURCE, TABLE, key, RowText.of(columns, texts), 77, Lsn.of(1000),
                Lsn.of(1048), COMMIT, false);
        ChangeEvent asTree = new ChangeEvent(SOURCE, TABLE, Op.READ, key, null, tree, 77, Lsn.of(1000), Lsn.of(1048),
                COMMIT, asText.handledAtMs(), Set.of(), false);
        assertThat(text(new EventEncoder().line(asText))).isEqualTo(text(new EventEncoder().line(asTree)))
                .contains("\"nothing\":null", "\"nan\":\"NaN\"", "\"price\":12.50", "\"bin\":\"3q2+7w==\"");
        assertThat(asText.after()).isEqualTo(tree);
        assertThat(asText.withCommit(Lsn.of(2000), COMMIT, 5).afterText()).isSameAs(asText.afterText());
        assertThat(asText.asSnapshotRead(true).value().get("source").get("snapshot").asText()).isEqualTo("last");
        assertThat(asText.afterText().toString()).doesNotContain("plain ascii");
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

    /**
     * The encoder keeps the text parts of {@code source} per source and table and the digits of numbers that repeat
     * (commit time, txId, commit LSN, handling time): events that change any of them, in any order, are still written
     * as a fresh encoder writes each.
     */
    @Test
    void cachedSourcePartsAndRepeatedNumbersNeverLeakIntoTheNextEvent() {
        java.util.Random random = new java.util.Random(3);
        CaptureSource[] sources = {SOURCE, new CaptureSource("other", "db2"), new CaptureSource("other", "db2")};
        TableId[] tables = {TABLE, new TableId("public", "other"), new TableId("s2", "orders")};
        Op[] ops = Op.values();
        EventEncoder shared = new EventEncoder();
        for (int i = 0; i < 2000; i++) {
            ObjectNode key = EventJson.MAPPER.createObjectNode().put("id", random.nextInt(3));
            Op op = ops[random.nextInt(ops.length)];
            Instant commit = random.nextInt(4) == 0 ? null : COMMIT.plusMillis(random.nextInt(3));
            ChangeEvent e = new ChangeEvent(sources[random.nextInt(3)], tables[random.nextInt(3)], op, key,
                    random.nextBoolean() ? key : null, op == Op.DELETE ? null : key, random.nextInt(3) - 1,
                    Lsn.of(random.nextInt(3)), Lsn.of(random.nextInt(3)), commit, random.nextInt(3),
                    Set.of(), op == Op.READ && random.nextBoolean());
            EventEncoder fresh = new EventEncoder();
            assertThat(text(shared.line(e))).as("event %d", i).isEqualTo(text(fresh.line(e)));
            assertThat(text(shared.value(e))).isEqualTo(text(fresh.value(e)));
        }
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

    /** Every kind of value a change event holds, written byte for byte as the JSON mapper writes it. */
    @Test
    void valuesAreWrittenExactlyAsTheJsonMapperWritesThem() throws Exception {
        java.util.Random random = new java.util.Random(42);
        String[] pieces = {"a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f", "\u0000", "\u001f", "\u007f",
                "é", "ß", "日本", "🔑", "€", "\u2028", "x".repeat(300)};
        EventEncoder encoder = new EventEncoder();
        for (int round = 0; round < 300; round++) {
            ObjectNode key = EventJson.MAPPER.createObjectNode();
            for (int f = 0; f < 6; f++) {
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(8); i > 0; i--) {
                    text.append(pieces[random.nextInt(pieces.length)]);
                }
                String name = "c" + f + (f == 5 ? text : "");
                switch (random.nextInt(9)) {
                    case 0 -> key.put(name, text.toString());
                    case 1 -> key.put(name, random.nextInt());
                    case 2 -> key.put(name, random.nextBoolean() ? Long.MIN_VALUE : random.nextLong());
                    case 3 -> key.put(name, new BigDecimal(random.nextInt(1000) + "E" + (random.nextInt(20) - 10)));
                    case 4 -> key.put(name, random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
                    case 5 -> key.putNull(name);
                    case 6 -> key.put(name, random.nextBoolean());
                    case 7 -> key.putArray(name).add(text.toString()).add(-7).addNull().addArray().add(1.25);
                    default -> key.putObject(name).put("in", text.toString()).putObject("deeper").put("n", 0);
                }
            }
            ChangeEvent event = new ChangeEvent(SOURCE, TABLE, Op.CREATE, key, null, key, 1, Lsn.of(1), Lsn.of(2),
                    COMMIT, 0, Set.of());
            String expected = EventJson.MAPPER.writeValueAsString(key);
            assertThat(text(encoder.key(event))).isEqualTo(expected);
            assertThat(text(encoder.line(event))).startsWith("{\"key\":" + expected + ",\"value\":{")
                    .contains("\"after\":" + expected + ",\"source\":");
        }
    }

    /**
     * A value in a capture event is byte for byte what {@code pgbridge query --format json} prints for it: random
     * PostgreSQL text of every kind, mapped by core's {@link PgJson#node} into an event and by the query printer's
     * {@link Row#writeJson} into a row object.
     */
    // a float8 1e+300 was 1e+300 in query output but 1.0E300 in events; jsonb lost its spaces in events
    @Test
    void eventValuesAreByteForByteTheQueryJson() throws Exception {
        java.util.Random random = new java.util.Random(7);
        String[] pieces = {"a", " ", "\"", "\\", "\n", "\t", "\u0001", "é", "日本", "🔑", ",", "{", "}", "NULL", ""};
        String[] floats = {"1e+300", "-0", "0.1", "1.5e-07", "3.4028235e+38", "NaN", "Infinity", "-Infinity", "-1.25"};
        String[] numerics = {"0", "1.50", "-0.00100", "9".repeat(1200) + ".5", "NaN", "Infinity", "-Infinity"};
        String[] jsons = {"{\"b\": 1, \"a\": [1e5, 2.50, null]}", "{\"a\":1,  \"a\": 2}", "null", "\"s\"", "[]",
                "{\n  \"x\": 1\n}"};
        String[] intervals = {"1 year 2 mons -3 days -04:05:06.5", "P1Y2M-3DT-4H-5M-6.5S", "@ 1 day 2 hours ago",
                "+1-2 -3 -4:05:06.5", "00:00:00"};
        String[] times = {"2024-02-29 13:45:00.5+01", "0044-03-15 12:00:00+00:19:32 BC", "infinity",
                "10000-01-01 00:00:00+00"};
        EventEncoder encoder = new EventEncoder();
        com.fasterxml.jackson.core.JsonFactory factory = PgJson.factory();
        for (int round = 0; round < 300; round++) {
            List<Column> columns = new ArrayList<>();
            List<String> values = new ArrayList<>();
            ObjectNode after = EventJson.MAPPER.createObjectNode();
            for (int f = 0; f < 8; f++) {
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(6); i > 0; i--) {
                    text.append(pieces[random.nextInt(pieces.length)]);
                }
                int oid;
                String value = switch (random.nextInt(11)) {
                    case 0 -> {
                        oid = 25;
                        yield text.toString();
                    }
                    case 1 -> {
                        oid = 20;
                        yield Long.toString(random.nextLong());
                    }
                    case 2 -> {
                        oid = 701;
                        yield floats[random.nextInt(floats.length)];
                    }
                    case 3 -> {
                        oid = 1700;
                        yield numerics[random.nextInt(numerics.length)];
                    }
                    case 4 -> {
                        oid = random.nextBoolean() ? 3802 : 114;
                        yield jsons[random.nextInt(jsons.length)];
                    }
                    case 5 -> {
                        oid = 1186;
                        yield intervals[random.nextInt(intervals.length)];
                    }
                    case 6 -> {
                        oid = 1184;
                        yield times[random.nextInt(times.length)];
                    }
                    case 7 -> {
                        oid = 1009;
                        yield "{{\"" + text.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\",NULL},{\"\",\"x\"}}";
                    }
                    case 8 -> {
                        oid = 17;
                        yield random.nextBoolean() ? "\\x00ff10" : "a\\000\\\\";
                    }
                    case 9 -> {
                        oid = 1022;
                        yield "{" + floats[random.nextInt(floats.length)] + ",NULL}";
                    }
                    default -> {
                        oid = 16;
                        yield random.nextBoolean() ? null : "t";
                    }
                };
                PgType type = PgType.builtIn(oid).orElseThrow();
                String name = "c" + f + text;
                columns.add(new Column(name, type, oid));
                values.add(value);
                after.set(name, PgJson.node(type, value));
            }
            java.io.StringWriter query = new java.io.StringWriter();
            try (com.fasterxml.jackson.core.JsonGenerator g = factory.createGenerator(query)) {
                Row.writeJson(g, columns, Row.of(values.toArray(String[]::new)));
            }
            java.io.ByteArrayOutputStream utf8 = new java.io.ByteArrayOutputStream();
            try (com.fasterxml.jackson.core.JsonGenerator g = factory.createGenerator(utf8)) {
                Row.writeJson(g, columns, Row.of(values.toArray(String[]::new)));
            }
            assertThat(utf8.toString(StandardCharsets.UTF_8)).isEqualTo(query.toString());
            ObjectNode key = EventJson.MAPPER.createObjectNode().put("id", round);
            ChangeEvent event = new ChangeEvent(SOURCE, TABLE, Op.CREATE, key, null, after, 1, Lsn.of(1), Lsn.of(2),
                    COMMIT, 0, Set.of());
            assertThat(text(encoder.line(event))).contains("\"after\":" + query + ",\"source\":");
            // Jackson writing the event's tree (a spill file) gives the same bytes too
            assertThat(EventJson.MAPPER.writeValueAsString(after)).isEqualTo(query.toString());
        }
    }

    @Test
    void anEventStillMissingItsToastValuesIsRefused() {
        ChangeEvent e = new ChangeEvent(SOURCE, TABLE, Op.UPDATE, read(1, false).key(), null, read(1, false).after(),
                5, Lsn.of(10), Lsn.of(20), COMMIT, 0, Set.of("doc"));
        assertThatThrownBy(() -> new EventEncoder().line(e)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[doc]");
    }
}
