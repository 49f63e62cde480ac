package dev.pgbridge.cdc.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.backfill.BackfillProgress.Mode;
import dev.pgbridge.cdc.backfill.BackfillProgress.State;
import dev.pgbridge.cdc.event.CanonicalKey;
import dev.pgbridge.cdc.event.CaptureSource;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.EventBuffer;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.Op;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.catalog.ReplicaIdentity;
import dev.pgbridge.cdc.replication.CapturedTable;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.pgtype.TypeResolver;
import dev.pgbridge.sql.Identifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The backfill of a capture's existing rows, interleaved with the stream in the engine's one loop (DBLog's watermark
 * algorithm).
 *
 * <p><b>Tables with a key</b> are read in key order, {@code chunkSize} rows at a time ({@code WHERE (k1, k2) > (?, ?)
 * ORDER BY k1, k2 LIMIT ?}). {@link #step()} writes a low watermark (a fresh UUID upserted into the watermarks table
 * under the slot's name), reads the chunk into memory and writes a high watermark; that write is also the next
 * chunk's low watermark (it is committed before the next chunk is read), so a chunk costs one watermark commit. The engine keeps streaming; every
 * log event it passes through {@link #observe} for a key of the buffered chunk removes that row from the chunk (the
 * row may be stale; the event carries the newer image), from the moment the chunk was read on — which covers the
 * window between the watermarks, and the events that were already in flight before the low one. When the high
 * watermark's transaction comes through, {@link #afterTransaction} hands out the surviving rows as {@code op: r}
 * events, right after it. So every change a consumer received before a backfill row was committed before the chunk
 * was read, and every later one comes after it: no consumer sees a backfill row older than a change it already has,
 * without merging. The argument holds for each chunk on its own, so the next chunk is read as soon as one's high
 * watermark is written, without waiting for it to come through the stream: up to {@value #MAX_IN_FLIGHT} chunks wait
 * at once, and they come out in order. Progress (table, last key) is kept per completed chunk and checkpointed with
 * the stream position at which the chunk came out; a restart reads on from the next chunk.
 *
 * <p>A transaction can reach the stream before it is visible to new snapshots (its commit record is flushed, but its
 * backend has not yet left the proc array — for instance while it waits for a synchronous standby). A chunk read
 * then would miss a change that the engine may already have passed on. So a chunk is read in a REPEATABLE READ
 * transaction together with {@code txid_current_snapshot()}, and when a transaction already delivered for a table
 * being backfilled is not visible to that snapshot, the rows are dropped and the chunk is read again a little later.
 *
 * <p><b>Tables without a key</b> (REPLICA IDENTITY FULL without a primary key) cannot be deduplicated by key. They
 * are read whole in the snapshot exported by a temporary replication slot: until then their log events are dropped
 * (the snapshot will hold them); once its consistent point is known, events committed at or before it are dropped
 * and later ones are held (spilled to disk when many) until every snapshot row is out, then released in order. Such
 * a table's backfill restarts from its beginning after a crash or a lost connection (its rows may then arrive twice);
 * the checkpoint records its consistent point once done, so replayed events it covers stay dropped.
 *
 * <p>Watermark rows never reach a sink. One thread (the engine's) calls everything but {@link #progress()}.
 */
public final class Backfill implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
    /** Chunks read ahead while earlier ones wait for their high watermarks. */
    static final int MAX_IN_FLIGHT = 3;

    /** Which watermark of a chunk. */
    public enum WatermarkKind { LOW, HIGH }

    /** A watermark about to be (or just) written: the table, the chunk's number (from 1), the key it reads after. */
    public record Watermark(WatermarkKind kind, TableId table, long chunk, List<String> after, String id) {
    }

    /**
     * Test hook: called on the engine thread right before and right after each watermark write, so a test can
     * change rows exactly at the edges of a chunk's window.
     */
    public interface WatermarkListener {
        void beforeWrite(Watermark watermark);

        void afterWrite(Watermark watermark);
    }

    private static final WatermarkListener NO_LISTENER = new WatermarkListener() {
        @Override
        public void beforeWrite(Watermark watermark) {
        }

        @Override
        public void afterWrite(Watermark watermark) {
        }
    };

    /** What the backfill needs to know of its capture. */
    public record Settings(String slotName, TableId watermarksTable, int chunkSize, CaptureSource source,
                           Path spillDirectory, int memoryEvents) {
        public Settings {
            requireNonNull(slotName, "slotName is null");
            requireNonNull(watermarksTable, "watermarksTable is null");
            requireNonNull(source, "source is null");
            requireNonNull(spillDirectory, "spillDirectory is null");
            if (chunkSize < 1) {
                throw new IllegalArgumentException("chunkSize must be positive");
            }
        }
    }

    private static final class TableState {
        final TableId table;
        Mode mode;
        State state;
        long rows;
        long chunks;
        List<String> lastKey;
        /** The last key read: of the newest chunk in flight, else {@link #lastKey}. */
        List<String> readKey;
        /** Every row is read (the last chunk may still be in flight). */
        boolean allRead;
        /** A watermark was written since the last chunk was read: the next chunk's low. */
        boolean lowWritten;
        Instant startedAt;
        Instant finishedAt;
        Lsn consistentPoint;
        EventBuffer held;
        /** Snapshot rows read but not yet out: they go to the sink once the stream has passed the consistent point. */
        EventBuffer snapshotRows;
        /** The snapshot is read whole; waiting for {@link #releaseId}'s watermark to come through the stream. */
        boolean awaitingRelease;
        /** The watermark written after the snapshot was read; its transaction releases the rows. */
        String releaseId;
        boolean releaseSeen;

        TableState(TableId table, Mode mode, State state) {
            this.table = table;
            this.mode = mode;
            this.state = state;
        }

        BackfillProgress progress() {
            return new BackfillProgress(table, mode, state, rows, chunks, lastKey, startedAt, finishedAt,
                    consistentPoint);
        }
    }

    /** A chunk between its watermarks: its rows by canonical key, until the high watermark comes through. */
    private static final class Chunk {
        final TableState table;
        final LinkedHashMap<String, TableShape.Row> rows = new LinkedHashMap<>();
        final String high;
        final List<String> lastKey;
        final int read;
        final boolean last;
        boolean highSeen;
        long evicted;

        Chunk(TableState table, List<TableShape.Row> read, String high, boolean last) {
            this.table = table;
            for (TableShape.Row r : read) {
                rows.put(CanonicalKey.of(r.key()), r);
            }
            this.high = high;
            this.lastKey = read.getLast().orderKeyText();
            this.read = read.size();
            this.last = last;
        }
    }

    private final Settings settings;
    private final JdbcTarget target;
    private final TypeResolver types;
    private final Map<TableId, TableState> tables = new LinkedHashMap<>();
    private WatermarkListener listener = NO_LISTENER;
    private Connection connection;
    /** Chunks read, oldest first, waiting for their high watermarks (all of one table). */
    private final ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
    /** The shape of each table being read in chunks; read again when a chunk finds the table changed. */
    private final Map<TableId, TableShape> shapes = new HashMap<>();
    private ExportedSnapshotRead snapshot;
    private boolean dirty;
    private volatile Map<TableId, BackfillProgress> published = Map.of();
    /** Ids (32-bit) of delivered transactions that changed a table still to backfill, not yet known visible. */
    private final java.util.LinkedHashSet<Long> recentXids = new java.util.LinkedHashSet<>();
    private long retryAfterNanos;
    private long rereads;

    /**
     * Plans the backfill of {@code captured}: skipped tables only stream; the rest resume from {@code saved} (the
     * checkpoint's {@code backfill} node, null on a first start).
     */
    public Backfill(Settings settings, JdbcTarget target, TypeResolver types, List<CapturedTable> captured,
                    List<TableId> skip, ObjectNode saved) {
        this.settings = requireNonNull(settings, "settings is null");
        this.target = requireNonNull(target, "target is null");
        this.types = requireNonNull(types, "types is null");
        Map<TableId, JsonNode> before = new HashMap<>();
        if (saved != null && saved.get("tables") instanceof ArrayNode list) {
            for (JsonNode n : list) {
                before.put(new TableId(n.get("schema").asText(), n.get("table").asText()), n);
            }
        }
        for (CapturedTable t : captured) {
            Mode mode = skip.contains(t.table()) ? Mode.NONE
                    : !t.primaryKey().isEmpty() || t.replicaIdentity() == ReplicaIdentity.INDEX ? Mode.KEY_CHUNKS
                    : Mode.EXPORTED_SNAPSHOT;
            TableState s = new TableState(t.table(), mode, mode == Mode.NONE ? State.SKIPPED : State.PENDING);
            JsonNode old = before.get(t.table());
            if (old != null && mode != Mode.NONE) {
                restore(s, old);
            }
            tables.put(t.table(), s);
        }
        publish();
    }

    private static void restore(TableState s, JsonNode old) {
        Mode oldMode = Mode.ofLabel(old.get("mode").asText());
        State oldState = State.ofLabel(old.get("state").asText());
        if (oldState == State.DONE) {
            s.state = State.DONE;
            s.mode = oldMode == Mode.NONE ? s.mode : oldMode;
        }
        else if (oldState == State.RUNNING && oldMode == Mode.KEY_CHUNKS && s.mode == Mode.KEY_CHUNKS) {
            s.state = State.RUNNING;
            if (old.get("last_key") instanceof ArrayNode key) {
                List<String> values = new ArrayList<>();
                key.forEach(v -> values.add(v.asText()));
                s.lastKey = values;
                s.readKey = values;
            }
        }
        else if (oldState == State.RUNNING) {
            LOG.warn("backfill of {} read in an exported snapshot was interrupted; it starts again from the first "
                    + "row (rows read before may arrive twice)", s.table);
            return;
        }
        else {
            return;
        }
        s.rows = old.path("rows").asLong();
        s.chunks = old.path("chunks").asLong();
        s.startedAt = instant(old.get("started_at"));
        s.finishedAt = instant(old.get("finished_at"));
        if (old.hasNonNull("consistent_point") && s.state == State.DONE) {
            s.consistentPoint = Lsn.valueOf(old.get("consistent_point").asText());
        }
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }

    /** Test hook: see {@link WatermarkListener}. */
    public void listener(WatermarkListener listener) {
        this.listener = requireNonNull(listener, "listener is null");
    }

    /** True while a table still has rows to read or a chunk waits for its high watermark. */
    public boolean active() {
        return !inFlight.isEmpty() || tables.values().stream().anyMatch(t -> t.state == State.PENDING
                || t.state == State.RUNNING);
    }

    /**
     * True when the next step creates a temporary slot for an exported snapshot. Creating it waits for every open
     * transaction of the server to end, so the engine first lets the sink commit (a PostgreSQL sink on the same
     * server would otherwise hold an open transaction that the slot creation waits for, and neither moves).
     */
    public boolean opensSnapshotNext() {
        if (!inFlight.isEmpty() || snapshot != null) {
            return false;
        }
        TableState t = tables.values().stream().filter(s -> s.state == State.PENDING || s.state == State.RUNNING)
                .findFirst().orElse(null);
        return t != null && t.mode == Mode.EXPORTED_SNAPSHOT && !t.awaitingRelease;
    }

    /**
     * True when no new chunk may start now: {@value #MAX_IN_FLIGHT} chunks wait for their high watermarks, or the
     * table's last rows are read and wait.
     */
    public boolean waiting() {
        return inFlight.size() >= MAX_IN_FLIGHT || !inFlight.isEmpty() && inFlight.peekLast().table.allRead;
    }

    /** True when a chunk waits for its high watermark, which the stream is about to bring. */
    public boolean awaitingWatermark() {
        return !inFlight.isEmpty();
    }

    /**
     * Advances the backfill by one step, called by the engine between stream messages: starts the next chunk when
     * none is in flight (low watermark, read, high watermark), or reads the next part of an exported-snapshot table.
     * Returns what must go to the sink now (snapshot rows, held events), possibly nothing.
     */
    public List<CommittedTransaction> step() throws SQLException, IOException {
        if (waiting()) {
            return List.of();
        }
        TableState t = tables.values().stream().filter(s -> s.state == State.PENDING || s.state == State.RUNNING)
                .findFirst().orElse(null);
        if (t == null) {
            return List.of();
        }
        if (t.state == State.PENDING) {
            t.state = State.RUNNING;
            t.startedAt = Instant.now();
            LOG.info("backfill of {} starts ({})", t.table, t.mode.label());
        }
        if (t.mode == Mode.KEY_CHUNKS) {
            if (!t.allRead) {
                startChunk(t);
            }
            return List.of();
        }
        if (t.awaitingRelease) {
            return List.of();
        }
        return snapshotStep(t);
    }

    private void startChunk(TableState t) throws SQLException, IOException {
        Connection c = connection();
        TableShape shape = shapes.get(t.table);
        if (shape == null) {
            shape = TableShape.read(c, t.table, types);
            shapes.put(t.table, shape);
        }
        if (shape.orderKey().isEmpty()) {
            throw new IllegalStateException("table " + t.table + " lost its primary key during its backfill");
        }
        if (System.nanoTime() < retryAfterNanos) {
            return;
        }
        long number = t.chunks + inFlight.size() + 1;
        if (!t.lowWritten) {
            // otherwise the high watermark of the chunk before, written after it was read, is this one's low
            writeWatermarks(c, List.of(new Watermark(WatermarkKind.LOW, t.table, number, t.readKey,
                    UUID.randomUUID().toString())));
            t.lowWritten = true;
        }
        TableShape.Chunk read;
        try {
            read = shape.readChunkWithSnapshot(c, t.readKey, settings.chunkSize());
        }
        catch (SQLException e) {
            if (!"42703".equals(e.getSQLState())) {
                throw e;
            }
            read = new TableShape.Chunk(List.of(), "", true); // a column dropped between the check and the read
        }
        if (read.stale()) {
            LOG.info("backfill of {}: the table's columns or key changed; reading its shape again", t.table);
            shapes.remove(t.table);
            return;
        }
        List<TableShape.Row> rows = read.rows();
        Long unseen = invisibleDelivered(read.snapshot());
        if (unseen != null) {
            rereads++;
            retryAfterNanos = System.nanoTime() + 20_000_000;
            LOG.info("backfill of {}: transaction {} was already streamed but is not yet visible to the chunk's "
                    + "snapshot {}; reading the chunk again", t.table, unseen, read.snapshot());
            return;
        }
        if (rows.isEmpty()) {
            // nothing after the last key read: the previous chunk was the last (it was exactly full)
            t.allRead = true;
            if (inFlight.isEmpty()) {
                finish(t);
            }
            return;
        }
        String high = UUID.randomUUID().toString();
        Chunk chunk = new Chunk(t, rows, high, rows.size() < settings.chunkSize());
        inFlight.addLast(chunk);
        List<Watermark> marks = new ArrayList<>(2);
        marks.add(new Watermark(WatermarkKind.HIGH, t.table, number, t.readKey, high));
        if (!chunk.last) {
            marks.add(new Watermark(WatermarkKind.LOW, t.table, number + 1, chunk.lastKey, high));
        }
        writeWatermarks(c, marks);
        t.readKey = chunk.lastKey;
        t.allRead = chunk.last;
        t.lowWritten = !chunk.last;
    }

    /**
     * The first delivered transaction that the snapshot ({@code xmin:xmax:xip,…}, 64-bit txids) does not see, or
     * null; forgets those every later snapshot will see (below xmin).
     */
    private Long invisibleDelivered(String snapshot) {
        String[] parts = snapshot.split(":", -1);
        long xmin = Long.parseLong(parts[0]) & 0xFFFFFFFFL;
        long xmax = Long.parseLong(parts[1]) & 0xFFFFFFFFL;
        java.util.Set<Long> inProgress = new java.util.HashSet<>();
        if (parts.length > 2 && !parts[2].isEmpty()) {
            for (String x : parts[2].split(",")) {
                inProgress.add(Long.parseLong(x) & 0xFFFFFFFFL);
            }
        }
        recentXids.removeIf(x -> precedes(x, xmin));
        for (long x : recentXids) {
            if (inProgress.contains(x) || !precedes(x, xmax)) {
                return x;
            }
        }
        return null;
    }

    /** Transaction id order modulo 2^32, as PostgreSQL compares normal xids. */
    private static boolean precedes(long a, long b) {
        return (int) (a - b) < 0;
    }

    /** How many chunks were read again because the stream was ahead of their snapshot. */
    public long rereads() {
        return rereads;
    }

    /** One watermark write, which may stand for several watermarks (a chunk's high and the next chunk's low). */
    private void writeWatermarks(Connection c, List<Watermark> marks) throws SQLException {
        marks.forEach(listener::beforeWrite);
        TableId w = settings.watermarksTable();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Identifier.quote(w.schema()) + "."
                + Identifier.quote(w.table()) + " (slot, watermark) VALUES (?, ?) ON CONFLICT (slot) DO UPDATE SET "
                + "watermark = EXCLUDED.watermark")) {
            ps.setString(1, settings.slotName());
            ps.setString(2, marks.getFirst().id());
            ps.executeUpdate();
        }
        marks.forEach(listener::afterWrite);
    }

    private List<CommittedTransaction> snapshotStep(TableState t) throws SQLException, IOException {
        List<CommittedTransaction> out = new ArrayList<>();
        if (snapshot == null) {
            TableShape shape = TableShape.read(connection(), t.table, types);
            String temporary = temporarySlotName();
            snapshot = ExportedSnapshotRead.open(target, reader(), shape, temporary, settings.chunkSize());
            t.consistentPoint = snapshot.consistentPoint();
            t.rows = 0;
            t.chunks = 0;
            if (t.held != null) {
                t.held.close();
            }
            t.held = new EventBuffer(settings.source(), settings.spillDirectory(), settings.memoryEvents());
            if (t.snapshotRows != null) {
                t.snapshotRows.close();
                t.snapshotRows = null;
            }
            publish();
        }
        List<TableShape.Row> rows = snapshot.next(settings.chunkSize());
        boolean last = snapshot.exhausted();
        if (t.snapshotRows == null) {
            t.snapshotRows = new EventBuffer(settings.source(), settings.spillDirectory(), settings.memoryEvents());
        }
        Instant now = Instant.now();
        for (TableShape.Row r : rows) {
            t.snapshotRows.add(0, ChangeEvent.read(settings.source(), t.table, r.key(), r.after(), 0,
                    t.consistentPoint, t.consistentPoint, now, last));
        }
        t.rows += rows.size();
        if (!rows.isEmpty()) {
            t.chunks++;
        }
        if (last) {
            snapshot.close();
            snapshot = null;
            // The consistent point is usually ahead of the stream: transactions of other tables committed before it
            // may not have come through yet. The rows go out only after a stream transaction past that point (this
            // watermark write makes sure there is one), so nothing later in the stream carries an older LSN than
            // what the sink and the checkpoint have already seen.
            t.awaitingRelease = true;
            t.releaseSeen = false;
            t.releaseId = UUID.randomUUID().toString();
            writeWatermarks(connection(), List.of(new Watermark(WatermarkKind.HIGH, t.table, t.chunks, List.of(),
                    t.releaseId)));
        }
        else {
            publish();
        }
        return out;
    }

    private String temporarySlotName() {
        String base = settings.slotName().length() > 40 ? settings.slotName().substring(0, 40) : settings.slotName();
        return base + "_bf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private void finish(TableState t) {
        t.state = State.DONE;
        t.finishedAt = Instant.now();
        LOG.info("backfill of {} done: {} rows in {} chunks", t.table, t.rows, t.chunks);
        publish();
    }

    /**
     * Looks at one event of a committed log transaction before the sink gets it; returns it, or null when it must
     * not reach the sink (a watermark row; a keyless table's event its snapshot holds, or one held until its
     * snapshot rows are out). Evicts the event's key from the chunk in flight.
     */
    public ChangeEvent observe(ChangeEvent e) throws IOException {
        TableId table = e.table();
        if (table.equals(settings.watermarksTable())) {
            if (e.after() != null && settings.slotName().equals(e.after().path("slot").asText(null))) {
                String id = e.after().path("watermark").asText(null);
                for (Chunk c : inFlight) {
                    if (c.high.equals(id)) {
                        c.highSeen = true;
                    }
                }
            }
            for (TableState w : tables.values()) {
                if (w.awaitingRelease && e.after() != null && w.releaseId.equals(e.after().path("watermark").asText(null))
                        && settings.slotName().equals(e.after().path("slot").asText(null))) {
                    w.releaseSeen = true;
                }
            }
            return null;
        }
        if (!inFlight.isEmpty() && table.equals(inFlight.peekFirst().table.table)) {
            String key = e.op() == Op.TRUNCATE || e.key() == null ? null : CanonicalKey.of(e.key());
            for (Chunk c : inFlight) {
                if (e.op() == Op.TRUNCATE) {
                    c.evicted += c.rows.size();
                    c.rows.clear();
                }
                else if (key != null && c.rows.remove(key) != null) {
                    c.evicted++;
                    break; // the chunks hold disjoint keys
                }
            }
        }
        TableState t = tables.get(table);
        if (t != null && t.mode == Mode.KEY_CHUNKS && (t.state == State.PENDING || t.state == State.RUNNING)) {
            recentXids.add(e.txId() & 0xFFFFFFFFL);
            if (recentXids.size() > 1_000_000) {
                recentXids.removeFirst();
            }
        }
        if (t == null || t.mode != Mode.EXPORTED_SNAPSHOT) {
            return e;
        }
        return switch (t.state) {
            // the snapshot, taken later, holds every change committed so far
            case PENDING -> null;
            case RUNNING -> {
                if (t.consistentPoint == null || !e.commitLsn().isAfter(t.consistentPoint)) {
                    yield null;
                }
                t.held.add(0, e);
                yield null;
            }
            case DONE -> t.consistentPoint != null && !e.commitLsn().isAfter(t.consistentPoint) ? null : e;
            case SKIPPED -> e;
        };
    }

    /**
     * Called after a log transaction went to the sink: when it carried the high watermark of the chunk in flight,
     * returns the chunk's surviving rows as {@code op: r} events stamped with that transaction's commit, to go to
     * the sink right after it; else null.
     */
    public CommittedTransaction afterTransaction(CommittedTransaction tx) throws IOException {
        CommittedTransaction snapshotOut = releaseSnapshot(tx);
        if (snapshotOut != null) {
            return snapshotOut;
        }
        if (inFlight.isEmpty() || !inFlight.peekFirst().highSeen) {
            return null;
        }
        Chunk c = inFlight.removeFirst();
        TableState t = c.table;
        EventBuffer buffer = EventBuffer.inMemory(settings.source(), settings.spillDirectory(), c.rows.size());
        for (TableShape.Row r : c.rows.values()) {
            buffer.add(0, ChangeEvent.read(settings.source(), t.table, r.key(), r.after(), tx.xid(), tx.commitLsn(),
                    tx.endLsn(), tx.commitTime(), c.last));
        }
        t.lastKey = c.lastKey;
        t.chunks++;
        t.rows += c.read;
        dirty = true;
        LOG.debug("backfill of {}: chunk {} out at {} ({} rows, {} evicted by log events)", t.table, t.chunks,
                tx.endLsn(), c.rows.size(), c.evicted);
        if (c.last || t.allRead && inFlight.isEmpty()) {
            finish(t);
        }
        else {
            publish();
        }
        return CommittedTransaction.ofStamped(tx.xid(), tx.endLsn(), tx.commitTime(), buffer);
    }

    /**
     * An exported-snapshot table whose snapshot is read and whose consistent point the stream has now passed: its rows,
     * then the log events held while it ran, go to the sink as one transaction stamped with {@code tx}.
     */
    private CommittedTransaction releaseSnapshot(CommittedTransaction tx) throws IOException {
        // released on the release watermark's own transaction: it is written after the snapshot was exported (so it is
        // past the consistent point) and carries nothing else, so the sink has seen no transaction with this LSN yet
        TableState t = tables.values().stream().filter(s -> s.awaitingRelease && s.releaseSeen).findFirst().orElse(null);
        if (t == null) {
            return null;
        }
        EventBuffer out = t.snapshotRows;
        EventBuffer held = t.held;
        t.snapshotRows = null;
        t.held = null;
        t.awaitingRelease = false;
        t.releaseSeen = false;
        if (held != null) {
            if (held.count() > 0) {
                LOG.info("backfill of {}: releasing {} log events held while it ran", t.table, held.count());
            }
            for (java.util.Iterator<ChangeEvent> it = held.iterator(); it.hasNext(); ) {
                out.add(0, it.next());
            }
            held.close();
        }
        finish(t);
        return CommittedTransaction.ofStamped(tx.xid(), tx.endLsn(), tx.commitTime(), out);
    }

    /** True when progress changed since the last {@link #state()}: worth a checkpoint even without new commits. */
    public boolean dirty() {
        return dirty;
    }

    /**
     * The checkpoint's {@code backfill} node: {@code {"tables":[{schema, table, mode, state, rows, chunks, last_key,
     * started_at, finished_at, consistent_point}]}} — completed chunks only; a chunk in flight is read again after a
     * restart.
     */
    public ObjectNode state() {
        dirty = false;
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("tables");
        for (TableState t : tables.values()) {
            ObjectNode n = list.addObject();
            n.put("schema", t.table.schema());
            n.put("table", t.table.table());
            n.put("mode", t.mode.label());
            n.put("state", t.state.label());
            n.put("rows", t.rows);
            n.put("chunks", t.chunks);
            if (t.lastKey != null) {
                ArrayNode key = n.putArray("last_key");
                t.lastKey.forEach(key::add);
            }
            n.put("started_at", t.startedAt == null ? null : t.startedAt.toString());
            n.put("finished_at", t.finishedAt == null ? null : t.finishedAt.toString());
            n.put("consistent_point", t.consistentPoint == null ? null : t.consistentPoint.toString());
        }
        return root;
    }

    /** Every table's progress; safe to call from any thread. */
    public Map<TableId, BackfillProgress> progress() {
        return published;
    }

    private void publish() {
        Map<TableId, BackfillProgress> p = new TreeMap<>();
        tables.values().forEach(t -> p.put(t.table, t.progress()));
        published = Map.copyOf(p);
    }

    /**
     * Forgets what is in flight after a lost connection (the stream comes again from the last checkpoint): the
     * chunk is read again; a table read in an exported snapshot starts over.
     */
    public void reset() throws IOException {
        inFlight.clear();
        shapes.clear();
        for (TableState t : tables.values()) {
            t.readKey = t.lastKey;
            t.allRead = false;
            t.lowWritten = false;
        }
        if (snapshot != null) {
            snapshot.close();
            snapshot = null;
        }
        for (TableState t : tables.values()) {
            if (t.mode == Mode.EXPORTED_SNAPSHOT && t.state == State.RUNNING) {
                LOG.warn("backfill of {} read in an exported snapshot starts over after a lost connection", t.table);
                t.state = State.PENDING;
                t.consistentPoint = null;
                t.rows = 0;
                t.chunks = 0;
                if (t.held != null) {
                    t.held.close();
                    t.held = null;
                }
                if (t.snapshotRows != null) {
                    t.snapshotRows.close();
                    t.snapshotRows = null;
                }
                t.awaitingRelease = false;
                t.releaseSeen = false;
            }
        }
        closeConnection();
        publish();
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = reader().connect();
            connection.setAutoCommit(true);
            // a chunk's snapshot query and its SELECT share one snapshot
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (java.sql.Statement s = connection.createStatement()) {
                // a watermark's commit flushes the WAL at once, so the walsender sends it without waiting for the
                // WAL writer (where synchronous_commit is off, that wait would be each chunk's round trip); local:
                // it never waits for a synchronous standby
                s.execute("SET synchronous_commit = local");
            }
        }
        return connection;
    }

    /**
     * The reader's connection: the capture's own (TLS, timeouts), with text results for every type, exactly as
     * PostgreSQL prints them (and as the log events carry them).
     */
    private JdbcTarget reader() {
        return JdbcTarget.of(target.config().withExtra("application_name", "pgbridge-backfill"))
                .with(JdbcTarget.Session.TEXT_RESULTS);
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            }
            catch (SQLException e) {
                LOG.debug("closing the backfill connection: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        reset();
        for (TableState t : tables.values()) {
            if (t.held != null) {
                t.held.close();
                t.held = null;
            }
            if (t.snapshotRows != null) {
                t.snapshotRows.close();
                t.snapshotRows = null;
            }
        }
    }
}
