package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import dev.pgbridge.cdc.replication.Lsn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Writes events as compact UTF-8 JSON straight into a reused buffer, without building a tree per event: the line of
 * a JSON-lines sink, the key and value of a Kafka record. The one place the envelope's JSON is laid out (see
 * {@link ChangeEvent}); {@link ChangeEvent#value()} reads back what this writes.
 *
 * <p>Not thread-safe: one per sink. The bytes of the last {@code encode…} call stay valid until the next one.
 */
public final class EventEncoder {
    private final Buffer out = new Buffer();
    private final JsonGenerator generator;
    private final SerializerProvider provider;
    private SourceKey lastSource;
    private SerializedString sourceJson;

    public EventEncoder() {
        try {
            generator = EventJson.MAPPER.createGenerator(out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        generator.setRootValueSeparator(null);
        provider = EventJson.MAPPER.getSerializerProviderInstance();
    }

    /** {@code {"key": …, "value": …}} and a newline: one line of a JSON-lines file. */
    public EventEncoder line(ChangeEvent event) {
        return encode(event, true);
    }

    /** The Debezium envelope (payload only), without a newline. */
    public EventEncoder value(ChangeEvent event) {
        return encode(event, false);
    }

    /** The key as JSON (the text {@code null} for a truncate). */
    public EventEncoder key(ChangeEvent event) {
        out.reset();
        try {
            node(event.key());
            generator.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the key of an event of " + event.table(), e);
        }
        return this;
    }

    private EventEncoder encode(ChangeEvent event, boolean line) {
        if (!event.unchangedToast().isEmpty()) {
            throw new IllegalStateException("event for " + event.table() + " still lacks the unchanged TOAST columns "
                    + event.unchangedToast());
        }
        out.reset();
        try {
            JsonGenerator g = generator;
            if (line) {
                g.writeStartObject();
                g.writeFieldName("key");
                node(event.key());
                g.writeFieldName("value");
            }
            envelope(event);
            if (line) {
                g.writeEndObject();
            }
            g.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write an event of " + event.table(), e);
        }
        if (line) {
            out.write('\n');
        }
        return this;
    }

    private void envelope(ChangeEvent e) throws IOException {
        JsonGenerator g = generator;
        g.writeStartObject();
        g.writeFieldName("before");
        node(e.before());
        g.writeFieldName("after");
        node(e.after());
        g.writeFieldName("source");
        SourceKey key = new SourceKey(e);
        if (key.equals(lastSource)) {
            // the rows of one backfill chunk share their source: its JSON is made once
            if (sourceJson == null) {
                StringWriter text = new StringWriter();
                try (JsonGenerator once = EventJson.MAPPER.createGenerator(text)) {
                    source(once, e);
                }
                sourceJson = new SerializedString(text.toString());
            }
            g.writeRawValue(sourceJson);
        }
        else {
            lastSource = key;
            sourceJson = null;
            source(g, e);
        }
        g.writeStringField("op", e.op().code());
        g.writeNumberField("ts_ms", e.handledAtMs());
        g.writeEndObject();
    }

    private static void source(JsonGenerator g, ChangeEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("version", "pgbridge");
        g.writeStringField("connector", "postgresql");
        g.writeStringField("name", e.source().name());
        g.writeNumberField("ts_ms", e.commitTime() == null ? 0 : e.commitTime().toEpochMilli());
        g.writeStringField("snapshot", e.op() != Op.READ ? "false" : e.lastSnapshotChunk() ? "last" : "true");
        g.writeStringField("db", e.source().database());
        g.writeStringField("schema", e.table().schema());
        g.writeStringField("table", e.table().table());
        g.writeNumberField("txId", e.txId());
        g.writeNumberField("lsn", e.lsn().asLong());
        g.writeNumberField("commit_lsn", e.commitLsn().asLong());
        g.writeEndObject();
    }

    /** What an event's {@code source} object is made of. */
    private record SourceKey(CaptureSource source, TableId table, boolean read, boolean last, long txId, Lsn lsn,
                             Lsn commitLsn, Instant commitTime) {
        SourceKey(ChangeEvent e) {
            this(e.source(), e.table(), e.op() == Op.READ, e.lastSnapshotChunk(), e.txId(), e.lsn(), e.commitLsn(),
                    e.commitTime());
        }
    }

    private void node(JsonNode node) throws IOException {
        if (node == null) {
            generator.writeNull();
        }
        else {
            node.serialize(generator, provider);
        }
    }

    /** The buffer holding the last encoded bytes (from index 0). */
    public byte[] array() {
        return out.array();
    }

    /** How many bytes the last encoding wrote. */
    public int length() {
        return out.size();
    }

    /** A copy of the last encoded bytes. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1024);
        }

        byte[] array() {
            return buf;
        }

        @Override
        public void reset() {
            super.reset();
            if (buf.length > (1 << 20)) {
                buf = new byte[1024]; // one huge event does not keep its buffer for good
            }
        }
    }
}
