package dev.pgbridge.cdc.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.cdc.event.CaptureSource;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.EventBuffer;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.Op;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.Lsn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StdoutSinkTest {
    private static final CaptureSource SOURCE = new CaptureSource("cap", "db");
    private static final TableId TABLE = new TableId("public", "orders");
    @TempDir
    Path spill;

    /** What reached the stream, and how many writes it took. */
    private static final class Recorder extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;
        boolean broken;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (broken) {
                throw new IOException("Broken pipe");
            }
            writes++;
            bytes.write(b, off, len);
        }
    }

    private CommittedTransaction tx(int from, int to, String note) throws IOException {
        EventBuffer buffer = new EventBuffer(SOURCE, spill, 100_000);
        for (int i = from; i < to; i++) {
            var key = EventJson.MAPPER.createObjectNode().put("id", i);
            var after = key.deepCopy().put("note", note + i);
            buffer.add(1, ChangeEvent.pending(SOURCE, TABLE, Op.CREATE, key, null, after, 1, Lsn.of(i + 1), Set.of()));
        }
        return new CommittedTransaction(1, Lsn.of(to), Lsn.of(to + 1), Instant.EPOCH, buffer);
    }

    private static List<Integer> ids(Recorder r) throws IOException {
        List<Integer> ids = new ArrayList<>();
        String text = r.bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        for (String line : text.split("\n")) {
            JsonNode n = EventJson.MAPPER.readTree(line);
            ids.add(n.get("key").get("id").asInt());
            assertThat(n.get("value").get("after").get("note").asText()).startsWith("é日本🔑");
        }
        return ids;
    }

    // a reader of the pipe must see each transaction when it was accepted, not only at the next checkpoint (flush)
    @Test
    void everyAcceptedTransactionReachesTheStreamWithoutAFlush() throws IOException {
        Recorder r = new Recorder();
        StdoutSink sink = new StdoutSink(new PrintStream(r, false, StandardCharsets.UTF_8));
        sink.accept(tx(0, 3, "é日本🔑 "));
        assertThat(ids(r)).containsExactly(0, 1, 2);
        sink.accept(tx(3, 4, "é日本🔑 "));
        assertThat(ids(r)).containsExactly(0, 1, 2, 3);
        sink.close();
    }

    // a write per event made the stdout sink slower than the jsonl files (issue 13): a big transaction goes out in blocks
    @Test
    void aBigTransactionIsWrittenInBlocksInOrder() throws IOException {
        Recorder r = new Recorder();
        StdoutSink sink = new StdoutSink(new PrintStream(r, true, StandardCharsets.UTF_8));
        sink.accept(tx(0, 5000, "é日本🔑 " + "x".repeat(200)));
        assertThat(ids(r)).isEqualTo(java.util.stream.IntStream.range(0, 5000).boxed().toList());
        assertThat(r.writes).isBetween(r.bytes.size() / StdoutSink.BLOCK, r.bytes.size() / StdoutSink.BLOCK + 2);
        sink.close();
    }

    @Test
    void aLineLongerThanABlockIsWrittenWhole() throws IOException {
        Recorder r = new Recorder();
        StdoutSink sink = new StdoutSink(new PrintStream(r, false, StandardCharsets.UTF_8));
        sink.accept(tx(0, 1, "é日本🔑 "));
        sink.accept(tx(1, 3, "é日本🔑 " + "y".repeat(StdoutSink.BLOCK + 10)));
        assertThat(ids(r)).containsExactly(0, 1, 2);
        sink.close();
    }

    @Test
    void aClosedPipeFailsTheFlush() throws IOException {
        Recorder r = new Recorder();
        StdoutSink sink = new StdoutSink(new PrintStream(r, false, StandardCharsets.UTF_8));
        r.broken = true;
        sink.accept(tx(0, 2, "é日本🔑 "));
        assertThatThrownBy(sink::flush).isInstanceOf(SinkFailure.class).hasMessageContaining("standard output");
    }
}
