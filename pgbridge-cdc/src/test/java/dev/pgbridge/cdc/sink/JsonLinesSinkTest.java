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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLinesSinkTest {
    private static final CaptureSource SOURCE = new CaptureSource("cap", "db");
    private static final TableId TABLE = new TableId("public", "orders");
    @TempDir
    Path dir;
    @TempDir
    Path spill;

    private CommittedTransaction tx(TableId table, int from, int to) throws IOException {
        EventBuffer buffer = new EventBuffer(SOURCE, spill, 1000);
        for (int i = from; i < to; i++) {
            var key = EventJson.MAPPER.createObjectNode().put("id", i);
            var after = key.deepCopy().put("note", "é日本🔑 " + i);
            buffer.add(1, ChangeEvent.pending(SOURCE, table, Op.CREATE, key, null, after, 1, Lsn.of(i + 1), Set.of()));
        }
        return new CommittedTransaction(1, Lsn.of(to), Lsn.of(to + 1), Instant.EPOCH, buffer);
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private List<Integer> ids() throws IOException {
        List<Integer> ids = new ArrayList<>();
        for (Path f : files()) {
            for (String line : Files.readAllLines(f)) {
                JsonNode n = EventJson.MAPPER.readTree(line);
                ids.add(n.get("key").get("id").asInt());
                assertThat(n.get("value").get("after").get("note").asText()).startsWith("é日本🔑");
            }
        }
        return ids;
    }

    @Test
    void rotatesBySizeAndNameOrderIsEventOrder() throws IOException {
        try (JsonLinesSink sink = new JsonLinesSink(dir, 2000)) {
            sink.accept(tx(TABLE, 0, 100));
            sink.flush();
        }
        List<Path> files = files();
        assertThat(files.size()).isGreaterThan(3);
        assertThat(files.getFirst().getFileName().toString()).isEqualTo("public.orders.0000000000.jsonl");
        assertThat(files.get(1).getFileName().toString()).isEqualTo("public.orders.0000000001.jsonl");
        for (Path f : files.subList(0, files.size() - 1)) {
            assertThat(Files.size(f)).isGreaterThanOrEqualTo(2000).isLessThan(2000 + 300);
        }
        assertThat(ids()).isEqualTo(java.util.stream.IntStream.range(0, 100).boxed().toList());
    }

    @Test
    void reopeningContinuesTheLastFileAndSequence() throws IOException {
        try (JsonLinesSink sink = new JsonLinesSink(dir, 2000)) {
            sink.accept(tx(TABLE, 0, 30));
        }
        int before = files().size();
        try (JsonLinesSink sink = new JsonLinesSink(dir, 2000)) {
            sink.accept(tx(TABLE, 30, 60));
        }
        assertThat(files().size()).isGreaterThan(before);
        assertThat(ids()).isEqualTo(java.util.stream.IntStream.range(0, 60).boxed().toList());
    }

    @Test
    void tornLastLineIsCutOnOpen() throws IOException {
        try (JsonLinesSink sink = new JsonLinesSink(dir, 1 << 20)) {
            sink.accept(tx(TABLE, 0, 3));
        }
        Path file = files().getFirst();
        long complete = Files.size(file);
        Files.write(file, "{\"key\":{\"id\":3},\"value\":{\"bef".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        try (JsonLinesSink sink = new JsonLinesSink(dir, 1 << 20)) {
            assertThat(sink.repairedFiles()).containsExactly(file);
            assertThat(Files.size(file)).isEqualTo(complete);
            sink.accept(tx(TABLE, 3, 5));
        }
        assertThat(ids()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void fileWithOnlyATornLineIsEmptied() throws IOException {
        Path file = dir.resolve("public.orders.0000000004.jsonl");
        Files.writeString(file, "{\"key\":");
        try (JsonLinesSink sink = new JsonLinesSink(dir, 1 << 20)) {
            assertThat(sink.repairedFiles()).containsExactly(file);
            sink.accept(tx(TABLE, 0, 1));
        }
        assertThat(files()).containsExactly(file);
        assertThat(ids()).containsExactly(0);
    }

    @Test
    void namesWithDotsAndUnicodeAreEncodedUnambiguously() throws IOException {
        TableId odd = new TableId("my.schema", "ta/ble é日本");
        assertThat(JsonLinesSink.fileName(odd, 12)).isEqualTo("my%2Eschema.ta%2Fble%20é日本.0000000012.jsonl");
        try (JsonLinesSink sink = new JsonLinesSink(dir, 1 << 20)) {
            sink.accept(tx(odd, 0, 1));
            sink.accept(tx(TABLE, 0, 1));
        }
        assertThat(files()).extracting(p -> p.getFileName().toString())
                .containsExactly("my%2Eschema.ta%2Fble%20é日本.0000000000.jsonl", "public.orders.0000000000.jsonl");
    }

    // regression: a full disk reached the user as an IOException wrapped by the engine, with no code of its own
    @Test
    void aFullDiskIsAnIoFailureWithTheSinksHint() throws IOException {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full), "needs /dev/full");
        Files.createSymbolicLink(dir.resolve(JsonLinesSink.prefix(TABLE) + ".0000000000.jsonl"), full);
        JsonLinesSink sink = new JsonLinesSink(dir, 1 << 20);
        SinkFailure failure = org.assertj.core.api.Assertions.catchThrowableOfType(SinkFailure.class, () -> {
            try (CommittedTransaction t = tx(TABLE, 0, 10)) {
                sink.accept(t);
            }
            sink.flush();
        });
        assertThat(failure).as("the write or the flush fails").isNotNull();
        assertThat(failure.code()).isEqualTo(dev.pgbridge.error.ErrorCode.IO);
        assertThat(failure.getMessage()).startsWith("jsonl sink: ").contains(dir.toString())
                .contains("No space left on device");
        assertThat(failure.hint()).contains("df -h " + dir).contains("resumes from its checkpoint");
        assertThat(failure).hasRootCauseInstanceOf(IOException.class);
    }
}
