package dev.pgbridge.cdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.pgtype.Lsn;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The events of one transaction in arrival order, in bounded memory: the first {@code memoryLimit} events, up to
 * {@code memoryBytes} of them ({@link ChangeEvent#heapBytes()}), stay on the heap, the rest go to a temp file as
 * length-prefixed JSON records ({@code int32 length, UTF-8 JSON}) that is read back in order and deleted on
 * {@link #close()}. Each event carries the (sub)transaction id it came from, so the changes of an aborted
 * subtransaction of a streamed transaction can be skipped without rewriting the file.
 */
public final class EventBuffer implements AutoCloseable {
    private final CaptureSource source;
    private final Path directory;
    private final int memoryLimit;
    private final long memoryByteLimit;
    private final List<Entry> memory;
    private final Set<Long> abortedSubXids = new HashSet<>();
    private Path file;
    private DataOutputStream out;
    private long spilled;
    /** The fields of a spilled event that hold rows (key, before, after). */
    private static final Set<String> ROWS = Set.of("k", "b", "a");
    private long count;
    private long memoryBytes;

    private record Entry(long subXid, ChangeEvent event, long bytes) {
    }

    /** Holds up to {@code memoryLimit} events and {@link #defaultMemoryBytes()} of them in memory. */
    public EventBuffer(CaptureSource source, Path directory, int memoryLimit) {
        this(source, directory, memoryLimit, defaultMemoryBytes(), 10);
    }

    /** Holds up to {@code memoryLimit} events and {@code memoryBytes} of them in memory. */
    public EventBuffer(CaptureSource source, Path directory, int memoryLimit, long memoryBytes) {
        this(source, directory, memoryLimit, memoryBytes, 10);
    }

    /** A buffer that expects {@code expected} events and holds them all in memory. */
    public static EventBuffer inMemory(CaptureSource source, Path directory, int expected) {
        return new EventBuffer(source, directory, Integer.MAX_VALUE, Long.MAX_VALUE, expected);
    }

    private EventBuffer(CaptureSource source, Path directory, int memoryLimit, long memoryByteLimit, int expected) {
        this.source = requireNonNull(source, "source is null");
        this.directory = requireNonNull(directory, "directory is null");
        if (memoryLimit < 0 || memoryByteLimit < 0) {
            throw new IllegalArgumentException("memoryLimit and memoryBytes must be >= 0");
        }
        this.memoryLimit = memoryLimit;
        this.memoryByteLimit = memoryByteLimit;
        this.memory = new ArrayList<>(expected);
    }

    /**
     * 32 MiB, or a tenth of a smaller heap: a transaction being assembled, the sink's queue ({@code SinkPipeline}: 64
     * MiB or a fifth) and the backfill's chunks (8 MiB each) together stay well inside the heap, however wide the rows,
     * and keep a capture's resident memory near that of narrow rows (issue 13: 256 MB) on a machine whose JVM would
     * allow gigabytes.
     */
    public static long defaultMemoryBytes() {
        return Math.min(32L << 20, Runtime.getRuntime().maxMemory() / 10);
    }

    /** A new, empty buffer of the same capture and spill directory that holds {@code expected} events in memory. */
    EventBuffer emptyCopy(int expected) {
        return inMemory(source, directory, expected);
    }

    public void add(long subXid, ChangeEvent event) throws IOException {
        count++;
        if (out == null && memory.size() < memoryLimit) {
            long bytes = event.heapBytes();
            // the first event always stays: a transaction of one huge row needs no file
            if (memory.isEmpty() || memoryBytes + bytes <= memoryByteLimit) {
                memory.add(new Entry(subXid, event, bytes));
                memoryBytes += bytes;
                return;
            }
        }
        if (out == null) {
            Files.createDirectories(directory);
            file = Files.createTempFile(directory, "pgbridge-tx-", ".spill");
            out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        }
        byte[] bytes = EventJson.MAPPER.writeValueAsBytes(toJson(subXid, event));
        out.writeInt(bytes.length);
        out.write(bytes);
        spilled++;
    }

    /** About the heap the events held in memory take ({@link ChangeEvent#heapBytes()}). */
    public long memoryBytes() {
        return memoryBytes;
    }

    /** Drops the events of an aborted subtransaction. */
    public void abortSubtransaction(long subXid) {
        abortedSubXids.add(subXid);
        memory.removeIf(e -> {
            if (e.subXid != subXid) {
                return false;
            }
            memoryBytes -= e.bytes;
            return true;
        });
    }

    /** Events added, including those of aborted subtransactions. */
    public long count() {
        return count;
    }

    /** Events written to the spill file. */
    public long spilled() {
        return spilled;
    }

    /** The spill file, if any (for tests and logs). */
    public Path file() {
        return file;
    }

    /** The events in order, skipping aborted subtransactions; read once, after the last {@link #add}. */
    public Iterator<ChangeEvent> iterator() throws IOException {
        if (out != null) {
            out.flush();
        }
        Iterator<Entry> fromMemory = memory.iterator();
        DataInputStream in = file == null ? null
                : new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        return new Iterator<>() {
            private ChangeEvent next;
            private boolean fileDone = in == null;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    if (fromMemory.hasNext()) {
                        Entry e = fromMemory.next();
                        next = !abortedSubXids.isEmpty() && abortedSubXids.contains(e.subXid) ? null : e.event;
                        continue;
                    }
                    if (fileDone) {
                        return false;
                    }
                    try {
                        int length;
                        try {
                            length = in.readInt();
                        }
                        catch (EOFException end) {
                            fileDone = true;
                            in.close();
                            return false;
                        }
                        byte[] bytes = in.readNBytes(length);
                        if (bytes.length != length) {
                            throw new EOFException("spill file " + file + " ends inside a record");
                        }
                        ObjectNode node = EventJson.readWithExactRows(bytes, ROWS);
                        long subXid = node.get("sx").asLong();
                        if (!abortedSubXids.contains(subXid)) {
                            next = fromJson(node);
                        }
                    }
                    catch (IOException e) {
                        throw new UncheckedIOException("cannot read the spill file " + file, e);
                    }
                }
                return true;
            }

            @Override
            public ChangeEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ChangeEvent e = next;
                next = null;
                return e;
            }
        };
    }

    private static ObjectNode toJson(long subXid, ChangeEvent e) {
        ObjectNode n = EventJson.MAPPER.createObjectNode();
        n.put("sx", subXid);
        n.put("s", e.table().schema());
        n.put("t", e.table().table());
        n.put("o", e.op().code());
        n.set("k", e.key());
        n.set("b", e.before());
        n.set("a", e.after());
        n.put("x", e.txId());
        n.put("l", e.lsn().asLong());
        ArrayNode toast = n.putArray("u");
        e.unchangedToast().forEach(toast::add);
        if (e.commitTime() != null) {
            // an event held back after its commit keeps it
            n.put("cl", e.commitLsn().asLong());
            n.put("ct", e.commitTime().toString());
            n.put("h", e.handledAtMs());
            n.put("ls", e.lastSnapshotChunk());
        }
        return n;
    }

    private ChangeEvent fromJson(ObjectNode n) {
        Set<String> toast = new LinkedHashSet<>();
        n.get("u").forEach(c -> toast.add(c.asText()));
        if (n.has("ct")) {
            return new ChangeEvent(source, new TableId(n.get("s").asText(), n.get("t").asText()),
                    Op.ofCode(n.get("o").asText()), object(n.get("k")), object(n.get("b")), object(n.get("a")),
                    n.get("x").asLong(), Lsn.of(n.get("l").asLong()), Lsn.of(n.get("cl").asLong()),
                    java.time.Instant.parse(n.get("ct").asText()), n.get("h").asLong(), toast,
                    n.get("ls").asBoolean());
        }
        return ChangeEvent.pending(source, new TableId(n.get("s").asText(), n.get("t").asText()),
                Op.ofCode(n.get("o").asText()), object(n.get("k")), object(n.get("b")), object(n.get("a")),
                n.get("x").asLong(), Lsn.of(n.get("l").asLong()), toast);
    }

    private static ObjectNode object(JsonNode node) {
        return node == null || node.isNull() ? null : (ObjectNode) node;
    }

    /** Deletes the spill file. */
    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
        memory.clear();
        memoryBytes = 0;
    }
}
