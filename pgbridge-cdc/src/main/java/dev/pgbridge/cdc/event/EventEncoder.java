package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ShortNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pgbridge.pgtype.JsonBytes;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.RawJsonNode;

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
 * names are encoded once; so are the text parts of the {@code source} object, per source and table.
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
    private static final byte[] SNAPSHOT_FALSE = ascii(",\"snapshot\":\"false\"");
    private static final byte[] SNAPSHOT_TRUE = ascii(",\"snapshot\":\"true\"");
    private static final byte[] SNAPSHOT_LAST = ascii(",\"snapshot\":\"last\"");
    private static final byte[] DB = ascii(",\"db\":");
    private static final byte[] SCHEMA = ascii(",\"schema\":");
    private static final byte[] TABLE = ascii(",\"table\":");
    private static final byte[] TX_ID = ascii(",\"txId\":");
    private static final byte[] LSN = ascii(",\"lsn\":");
    private static final byte[] COMMIT_LSN = ascii(",\"commit_lsn\":");

    private static final int MAX_NAMES = 4096;

    /** Column names as {@code "name":}, by identity (names come from one relation or table shape). */
    private final Map<String, byte[]> names = new IdentityHashMap<>();
    private CaptureSource lastSource;
    private TableId lastTable;
    private byte[] sourceHead;
    private byte[] sourceTable;
    private Op lastOp;
    private byte[] opJson;
    private final RepeatedNumber commitMs = new RepeatedNumber();
    private final RepeatedNumber txId = new RepeatedNumber();
    private final RepeatedNumber commitLsn = new RepeatedNumber();
    private final RepeatedNumber handledAt = new RepeatedNumber();

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
        if (e.afterText() != null) {
            row(e.afterText()); // a backfill row: written from its wire text, no tree
        }
        else {
            node(e.after());
        }
        append(SOURCE);
        source(e);
        append(OP);
        append(e.op() == lastOp ? opJson : op(e.op()));
        append(TS_MS);
        handledAt.write(this, e.handledAtMs());
        append((byte) '}');
    }

    /**
     * The {@code source} object: its text parts (name; db, schema, table) are encoded once per source and table, only
     * the numbers per event.
     */
    private void source(ChangeEvent e) {
        if (e.source() != lastSource && !e.source().equals(lastSource)
                || e.table() != lastTable && !e.table().equals(lastTable)) {
            sourceParts(e.source(), e.table());
        }
        append(sourceHead);
        commitMs.write(this, e.commitTime() == null ? 0 : e.commitTime().toEpochMilli());
        append(e.op() != Op.READ ? SNAPSHOT_FALSE : e.lastSnapshotChunk() ? SNAPSHOT_LAST : SNAPSHOT_TRUE);
        append(sourceTable);
        txId.write(this, e.txId());
        append(LSN);
        number(e.lsn().asLong());
        append(COMMIT_LSN);
        commitLsn.write(this, e.commitLsn().asLong());
        append((byte) '}');
    }

    private void sourceParts(CaptureSource source, TableId table) {
        JsonBytes head = new JsonBytes(128);
        head.append(SOURCE_START);
        head.string(source.name());
        head.append(SOURCE_TS_MS);
        JsonBytes middle = new JsonBytes(128);
        middle.append(DB);
        middle.string(source.database());
        middle.append(SCHEMA);
        middle.string(table.schema());
        middle.append(TABLE);
        middle.string(table.table());
        middle.append(TX_ID);
        sourceHead = head.toByteArray();
        sourceTable = middle.toByteArray();
        lastSource = source;
        lastTable = table;
    }

    /**
     * A number that repeats from event to event (the events of one transaction share their commit and txId, and
     * mostly the millisecond they were handled in): its digits kept from the last time.
     */
    private static final class RepeatedNumber {
        private long value;
        private byte[] digits;

        void write(EventEncoder out, long v) {
            if (digits != null && v == value) {
                out.append(digits);
                return;
            }
            int start = out.length();
            out.number(v);
            digits = Arrays.copyOfRange(out.array(), start, out.length());
            value = v;
        }
    }

    private byte[] op(Op op) {
        JsonBytes code = new JsonBytes(8);
        code.string(op.code());
        lastOp = op;
        opJson = code.toByteArray();
        return opJson;
    }

    private void row(RowText row) {
        append((byte) '{');
        RowText.Columns columns = row.columns();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                append((byte) ',');
            }
            append(name(columns.name(i)));
            try {
                PgJson.writeUtf8(this, columns.type(i), row.utf8(i));
            }
            catch (RuntimeException e) {
                throw row.cannotMapColumn(i, e);
            }
        }
        append((byte) '}');
    }

    private void node(JsonNode node) {
        if (node == null) {
            append(NULL);
            return;
        }
        // the values a row holds most, tested first
        if (node instanceof TextNode) {
            string(node.textValue());
            return;
        }
        if (node instanceof LongNode || node instanceof IntNode) {
            number(node.longValue());
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
                if (node instanceof LongNode || node instanceof IntNode || node instanceof ShortNode) {
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
