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
 * The events of one transaction in arrival order, in bounded memory: the first {@code memoryLimit} stay on the heap,
 * the rest go to a temp file as length-prefixed JSON records ({@code int32 length, UTF-8 JSON}) that is read back in
 * order and deleted on {@link #close()}. Each event carries the (sub)transaction id it came from, so the changes of
 * an aborted subtransaction of a streamed transaction can be skipped without rewriting the file.
 */
public final class EventBuffer implements AutoCloseable {
    private final CaptureSource source;
    private final Path directory;
    private final int memoryLimit;
    private final List<Entry> memory;
    private final Set<Long> abortedSubXids = new HashSet<>();
    private Path file;
    private DataOutputStream out;
    private long spilled;
    /** The fields of a spilled event that hold rows (key, before, after). */
    private static final Set<String> ROWS = Set.of("k", "b", "a");
    private long count;

    private record Entry(long subXid, ChangeEvent event) {
    }

    public EventBuffer(CaptureSource source, Path directory, int memoryLimit) {
        this.source = requireNonNull(source, "source is null");
        this.directory = requireNonNull(directory, "directory is null");
        if (memoryLimit < 0) {
            throw new IllegalArgumentException("memoryLimit must be >= 0");
        }
        this.memoryLimit = memoryLimit;
        this.memory = new ArrayList<>();
    }

    /** A buffer that expects {@code expected} events and holds them all in memory. */
    public static EventBuffer inMemory(CaptureSource source, Path directory, int expected) {
        return new EventBuffer(source, directory, Integer.MAX_VALUE, expected);
    }

    private EventBuffer(CaptureSource source, Path directory, int memoryLimit, int expected) {
        this.source = requireNonNull(source, "source is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.memoryLimit = memoryLimit;
        this.memory = new ArrayList<>(expected);
    }

    /** A new, empty buffer of the same capture and spill directory that holds {@code expected} events in memory. */
    EventBuffer emptyCopy(int expected) {
        return inMemory(source, directory, expected);
    }

    public void add(long subXid, ChangeEvent event) throws IOException {
        count++;
        if (memory.size() < memoryLimit && out == null) {
            memory.add(new Entry(subXid, event));
            return;
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

    /** Drops the events of an aborted subtransaction. */
    public void abortSubtransaction(long subXid) {
        abortedSubXids.add(subXid);
        memory.removeIf(e -> e.subXid == subXid);
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
    }
}
