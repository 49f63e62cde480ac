package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.pgtype.JsonBytes;
import dev.pgbridge.pgtype.RawJsonNode;

import java.time.Instant;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes events as compact UTF-8 JSON straight into a reused byte buffer, without building a tree or a string per
 * event: the line of a JSON-lines sink, the key and value of a Kafka record. The one place the envelope's JSON is
 * laid out (see {@link ChangeEvent}); {@link ChangeEvent#value()} reads back what this writes.
 *
 * <p>The bytes are exactly what {@link EventJson#MAPPER} writes for the same tree (numbers as their exact digits,
 * decimals plain, text as UTF-8 with only {@code "}, {@code \} and control characters escaped), and a column value
 * made by core's {@link dev.pgbridge.pgtype.PgJson#node} comes out exactly as {@code pgbridge query --format json}
 * prints it (floats, json, jsonb and arrays are copied from their {@link RawJsonNode}); writing them here rather than
 * through a Jackson generator ({@link JsonBytes}) halves the cost of an event, the largest part of a backfill's. Column
 * names are encoded once; the {@code source} object is encoded once for all the rows of a backfill chunk.
 *
 * <p>Not thread-safe: one per sink. The bytes of the last {@code line}/{@code value}/{@code key} call stay valid
 * until the next one.
 */
public final class EventEncoder extends JsonBytes {
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] LINE_START = ascii("{\"key\":");
    private static final byte[] VALUE = ascii(",\"value\":");
    private static final byte[] BEFORE = ascii("{\"before\":");
    private static final byte[] AFTER = ascii(",\"after\":");
    private static final byte[] SOURCE = ascii(",\"source\":");
    private static final byte[] OP = ascii(",\"op\":");
    private static final byte[] TS_MS = ascii(",\"ts_ms\":");
    private static final byte[] SOURCE_START = ascii("{\"version\":\"pgbridge\",\"connector\":\"postgresql\",\"name\":");
    private static final byte[] SOURCE_TS_MS = ascii(",\"ts_ms\":");
    private static final byte[] SNAPSHOT = ascii(",\"snapshot\":");
    private static final byte[] DB = ascii(",\"db\":");
    private static final byte[] SCHEMA = ascii(",\"schema\":");
    private static final byte[] TABLE = ascii(",\"table\":");
    private static final byte[] TX_ID = ascii(",\"txId\":");
    private static final byte[] LSN = ascii(",\"lsn\":");
    private static final byte[] COMMIT_LSN = ascii(",\"commit_lsn\":");

    private static final int MAX_NAMES = 4096;

    /** Column names as {@code "name":}, by identity (names come from one relation or table shape). */
    private final Map<String, byte[]> names = new IdentityHashMap<>();
    private SourceKey lastSource;
    private byte[] sourceJson;

    /** {@code {"key": …, "value": …}} and a newline: one line of a JSON-lines file. */
    public EventEncoder line(ChangeEvent event) {
        checkComplete(event);
        reset();
        append(LINE_START);
        node(event.key());
        append(VALUE);
        envelope(event);
        append((byte) '}');
        append((byte) '\n');
        return this;
    }

    /** The Debezium envelope (payload only), without a newline. */
    public EventEncoder value(ChangeEvent event) {
        checkComplete(event);
        reset();
        envelope(event);
        return this;
    }

    /** The key as JSON (the text {@code null} for a truncate). */
    public EventEncoder key(ChangeEvent event) {
        reset();
        node(event.key());
        return this;
    }


    private static void checkComplete(ChangeEvent event) {
        if (!event.unchangedToast().isEmpty()) {
            throw new IllegalStateException("event for " + event.table() + " still lacks the unchanged TOAST columns "
                    + event.unchangedToast());
        }
    }


    private void envelope(ChangeEvent e) {
        append(BEFORE);
        node(e.before());
        append(AFTER);
        node(e.after());
        append(SOURCE);
        SourceKey key = new SourceKey(e);
        if (!key.equals(lastSource)) {
            // the rows of one backfill chunk share their source: it is encoded once
            int start = length();
            source(e);
            lastSource = key;
            sourceJson = Arrays.copyOfRange(array(), start, length());
        }
        else {
            append(sourceJson);
        }
        append(OP);
        string(e.op().code());
        append(TS_MS);
        number(e.handledAtMs());
        append((byte) '}');
    }

    private void source(ChangeEvent e) {
        append(SOURCE_START);
        string(e.source().name());
        append(SOURCE_TS_MS);
        number(e.commitTime() == null ? 0 : e.commitTime().toEpochMilli());
        append(SNAPSHOT);
        string(e.op() != Op.READ ? "false" : e.lastSnapshotChunk() ? "last" : "true");
        append(DB);
        string(e.source().database());
        append(SCHEMA);
        string(e.table().schema());
        append(TABLE);
        string(e.table().table());
        append(TX_ID);
        number(e.txId());
        append(LSN);
        number(e.lsn().asLong());
        append(COMMIT_LSN);
        number(e.commitLsn().asLong());
        append((byte) '}');
    }

    /** What an event's {@code source} object is made of. */
    private record SourceKey(CaptureSource source, TableId table, boolean read, boolean last, long txId, Lsn lsn,
                             Lsn commitLsn, Instant commitTime) {
        SourceKey(ChangeEvent e) {
            this(e.source(), e.table(), e.op() == Op.READ, e.lastSnapshotChunk(), e.txId(), e.lsn(), e.commitLsn(),
                    e.commitTime());
        }
    }

    private void node(JsonNode node) {
        if (node == null) {
            append(NULL);
            return;
        }
        if (node instanceof RawJsonNode raw) {
            utf8(raw.json()); // a float, json, jsonb or array value: its JSON as PgJson wrote it
            return;
        }
        switch (node.getNodeType()) {
            case OBJECT -> {
                append((byte) '{');
                boolean first = true;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (!first) {
                        append((byte) ',');
                    }
                    first = false;
                    append(name(field.getKey()));
                    node(field.getValue());
                }
                append((byte) '}');
            }
            case ARRAY -> {
                append((byte) '[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        append((byte) ',');
                    }
                    node(node.get(i));
                }
                append((byte) ']');
            }
            case STRING -> string(node.textValue());
            case NUMBER -> {
                if (node.isInt() || node.isLong() || node.isShort()) {
                    number(node.longValue());
                }
                else if (node.isBigDecimal()) {
                    asciiText(node.decimalValue().toPlainString());
                }
                else if (node.isDouble() && Double.isFinite(node.doubleValue())) {
                    asciiText(Double.toString(node.doubleValue()));
                }
                else if (node.isFloat() && Float.isFinite(node.floatValue())) {
                    asciiText(Float.toString(node.floatValue()));
                }
                else {
                    jackson(node); // BigInteger, NaN, infinities: as Jackson prints them
                }
            }
            case BOOLEAN -> append(node.booleanValue() ? TRUE : FALSE);
            case NULL -> append(NULL);
            default -> jackson(node);
        }
    }

    private void jackson(JsonNode node) {
        try {
            append(EventJson.MAPPER.writeValueAsBytes(node));
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a " + node.getNodeType() + " value as JSON", e);
        }
    }

    /** {@code "name":}, encoded once per name string while fewer than {@value #MAX_NAMES} are known. */
    private byte[] name(String name) {
        byte[] known = names.get(name);
        if (known == null) {
            known = quotedName(name);
            if (names.size() >= MAX_NAMES) {
                names.clear(); // the keys inside jsonb values need not repeat: the cache must not grow with them
            }
            names.put(name, known);
        }
        return known;
    }

    private static byte[] quotedName(String name) {
        JsonBytes bytes = new JsonBytes(name.length() + 8);
        bytes.field(name);
        return bytes.toByteArray();
    }
}
