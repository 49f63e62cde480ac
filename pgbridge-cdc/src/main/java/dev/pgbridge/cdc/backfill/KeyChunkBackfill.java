package dev.pgbridge.cdc.backfill;

import dev.pgbridge.cdc.backfill.Backfill.Watermark;
import dev.pgbridge.cdc.backfill.Backfill.WatermarkKind;
import dev.pgbridge.cdc.event.CanonicalKey;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.Op;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.TypeResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The backfill of a table with a key (primary key, else replica-identity index), chunk by chunk between watermarks
 * (DBLog). A chunk is the next {@code chunkSize} rows after the last key read (fewer for wide rows: a chunk stops at
 * about {@value #CHUNK_BYTES} bytes of text, and the next ones ask for as many rows as fit), in key order
 * ({@link TableShape#chunkSql});
 * before it is read a low watermark is written, after it a high one (which is also the next chunk's low). Until the
 * high watermark comes through the stream, every log event for a key of the chunk removes that row (it may be stale;
 * the event carries the newer image); what survives goes out right after the high watermark's transaction.
 *
 * <p>A chunk is read in one REPEATABLE READ transaction together with its snapshot; when a transaction already
 * delivered for a table being backfilled is not visible to it ({@link DeliveredXids}), the rows are dropped and the
 * chunk is read again a little later. Up to {@value Backfill#MAX_IN_FLIGHT} chunks of one table wait at once.
 */
final class KeyChunkBackfill {
    private static final Logger LOG = LoggerFactory.getLogger(KeyChunkBackfill.class);
    /** How long a chunk waits before it is read again after its snapshot missed a delivered transaction. */
    private static final long REREAD_DELAY_NANOS = 20_000_000;

    /**
     * A chunk between its watermarks: its rows, until the high watermark comes through, minus those a log event
     * evicted. The index of its rows by canonical key is built at the first log event of its table while it waits: a
     * table nobody writes to meanwhile (the usual backfill) never pays for it.
     */
    private static final class Chunk {
        final TableBackfill table;
        /** Every row read, in key order, and the key read after (null: from the first row). */
        final List<TableShape.Row> readRows;
        final List<String> after;
        final String high;
        final List<String> lastKey;
        final int read;
        final boolean last;
        boolean highSeen;
        long evicted;
        /** Whether each row read was evicted (null: none was). */
        private boolean[] gone;
        /** The index of each row by canonical key (null until a log event of the table came). */
        private Map<String, Integer> byKey;

        Chunk(TableBackfill table, List<String> after, List<TableShape.Row> read, String high, boolean last) {
            this.table = table;
            this.after = after;
            this.readRows = List.copyOf(read);
            this.high = high;
            this.lastKey = read.getLast().orderKeyText();
            this.read = read.size();
            this.last = last;
        }

        /** Evicts the row of canonical key {@code key}; true when the chunk held it (still unevicted). */
        boolean evict(String key) {
            if (byKey == null) {
                byKey = HashMap.newHashMap(readRows.size());
                for (int i = 0; i < readRows.size(); i++) {
                    byKey.put(CanonicalKey.of(readRows.get(i).key()), i);
                }
            }
            Integer i = byKey.remove(key);
            if (i == null) {
                return false;
            }
            gone()[i] = true;
            evicted++;
            return true;
        }

        /** Evicts every row (a truncate). */
        void evictAll() {
            boolean[] g = gone();
            for (int i = 0; i < g.length; i++) {
                if (!g[i]) {
                    g[i] = true;
                    evicted++;
                }
            }
            byKey = new HashMap<>(); // nothing left to find
        }

        private boolean[] gone() {
            if (gone == null) {
                gone = new boolean[readRows.size()];
            }
            return gone;
        }

        /** The rows not evicted, in key order. */
        List<TableShape.Row> survivors() {
            if (gone == null) {
                return readRows;
            }
            List<TableShape.Row> out = new ArrayList<>(readRows.size());
            for (int i = 0; i < gone.length; i++) {
                if (!gone[i]) {
                    out.add(readRows.get(i));
                }
            }
            return out;
        }
    }

    /**
     * A chunk whose high watermark came through: the rows that survived; whether it was read as its table's last
     * (fewer rows than a full chunk); whether its table is now done.
     */
    record Out(TableBackfill table, List<TableShape.Row> rows, boolean lastChunk, boolean tableDone,
               List<String> after, List<TableShape.Row> read) {
        /** The key a chunk reads after to find {@code row} of this chunk again (null: the table's first row). */
        List<String> keyBefore(TableShape.Row row) {
            int i = indexOf(row);
            if (i < 0) {
                throw new IllegalArgumentException("the row is not of this chunk");
            }
            return i == 0 ? after : read.get(i - 1).orderKeyText();
        }

        /** How many rows of this chunk were read from {@code row} on. */
        long rowsFrom(TableShape.Row row) {
            int i = indexOf(row);
            if (i < 0) {
                throw new IllegalArgumentException("the row is not of this chunk");
            }
            return read.size() - i;
        }

        /**
         * Where {@code row} (the very object) is among the rows read, searched from the end: it is the newest but one
         * or two (a search by equals, from the start, compared whole rows and keys: a visible part of a backfill).
         */
        private int indexOf(TableShape.Row row) {
            for (int i = read.size() - 1; i >= 0; i--) {
                if (read.get(i) == row) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * About how many bytes of row text a chunk holds at most: a table of wide rows is read in fewer rows per chunk
     * than {@code chunkSize}, so the chunks waiting in memory stay small whatever the rows hold.
     */
    static final long CHUNK_BYTES = 8L << 20;
    /** Rows a round trip in a table's first chunk, before the width of its rows is known. */
    static final int FIRST_FETCH = 512;

    private final int chunkSize;
    /** Rows per chunk of each table, from the width of its rows read so far (at most {@code chunkSize}). */
    private final Map<TableId, Integer> limits = new HashMap<>();
    private final TypeResolver types;
    private final ReaderSession session;
    private final WatermarkWriter watermarks;
    /** Chunks read, oldest first, waiting for their high watermarks (all of one table). */
    private final ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
    /** The shape of each table being read in chunks; read again when a chunk finds the table changed. */
    private final Map<TableId, TableShape> shapes = new HashMap<>();
    private final DeliveredXids delivered = new DeliveredXids();
    private long retryAfterNanos;
    private long rereads;

    KeyChunkBackfill(int chunkSize, TypeResolver types, ReaderSession session, WatermarkWriter watermarks) {
        this.chunkSize = chunkSize;
        this.types = requireNonNull(types, "types is null");
        this.session = requireNonNull(session, "session is null");
        this.watermarks = requireNonNull(watermarks, "watermarks is null");
    }

    /** True when a chunk waits for its high watermark. */
    boolean inFlight() {
        return !inFlight.isEmpty();
    }

    /** True when no new chunk may start now: too many wait, or the table's last rows are read and wait. */
    boolean waiting() {
        return inFlight.size() >= Backfill.MAX_IN_FLIGHT || !inFlight.isEmpty() && inFlight.peekLast().table.allRead;
    }

    /** How many chunks were read again because the stream was ahead of their snapshot. */
    long rereads() {
        return rereads;
    }

    /**
     * Reads {@code t}'s next chunk (low watermark, read, high watermark), or nothing when it must wait. Returns true
     * when the table turned out to be done with nothing in flight (the chunk before was the last, and exactly full).
     */
    boolean readNext(TableBackfill t) throws SQLException {
        Connection c = session.connection();
        TableShape shape = shape(c, t);
        if (System.nanoTime() < retryAfterNanos) {
            return false;
        }
        long number = t.chunks + inFlight.size() + 1;
        if (!t.lowWritten) {
            // otherwise the high watermark of the chunk before, written after it was read, is this one's low
            watermarks.write(c, List.of(new Watermark(WatermarkKind.LOW, t.table, number, t.readKey,
                    UUID.randomUUID().toString())));
            t.lowWritten = true;
        }
        Integer known = limits.get(t.table);
        int limit = known == null ? chunkSize : known;
        // a table's first chunk, whose row width is not known yet, comes in small fetches, and stops at CHUNK_BYTES
        int fetch = known == null ? Math.min(limit, FIRST_FETCH) : limit;
        TableShape.Chunk read;
        try {
            read = shape.readChunkWithSnapshot(c, t.readKey, limit, fetch, CHUNK_BYTES);
        }
        catch (SQLException e) {
            if (!"42703".equals(e.getSQLState())) {
                throw e;
            }
            read = TableShape.Chunk.staleAt(""); // a column dropped between the check and the read
        }
        if (read.stale()) {
            LOG.info("backfill of {}: the table's columns or key changed; reading its shape again", t.table);
            shapes.remove(t.table);
            return false;
        }
        List<TableShape.Row> rows = read.rows();
        Long unseen = delivered.firstInvisible(read.snapshot());
        if (unseen != null) {
            rereads++;
            retryAfterNanos = System.nanoTime() + REREAD_DELAY_NANOS;
            LOG.info("backfill of {}: transaction {} was already streamed but is not yet visible to the chunk's "
                    + "snapshot {}; reading the chunk again", t.table, unseen, read.snapshot());
            return false;
        }
        if (rows.isEmpty()) {
            // nothing after the last key read: the previous chunk was the last (it was exactly full)
            t.allRead = true;
            return inFlight.isEmpty();
        }
        String high = UUID.randomUUID().toString();
        Chunk chunk = new Chunk(t, t.readKey, rows, high, !read.cutShort() && rows.size() < limit);
        limits.put(t.table, nextLimit(rows));
        inFlight.addLast(chunk);
        List<Watermark> marks = new ArrayList<>(2);
        marks.add(new Watermark(WatermarkKind.HIGH, t.table, number, t.readKey, high));
        if (!chunk.last) {
            marks.add(new Watermark(WatermarkKind.LOW, t.table, number + 1, chunk.lastKey, high));
        }
        watermarks.write(c, marks);
        t.readKey = chunk.lastKey;
        t.allRead = chunk.last;
        t.lowWritten = !chunk.last;
        return false;
    }

    /** Rows for the next chunk: as many of the width just read as fit {@link #CHUNK_BYTES}, 1 to {@code chunkSize}. */
    private int nextLimit(List<TableShape.Row> rows) {
        long bytes = 0;
        for (TableShape.Row r : rows) {
            bytes += r.after().textBytes(); // the measure a chunk's read stops at, too
        }
        long perRow = Math.max(1, bytes / rows.size());
        return (int) Math.max(1, Math.min(chunkSize, CHUNK_BYTES / perRow));
    }

    /**
     * True when {@code t} has no row now, read as a chunk is ({@link TableShape#readChunkWithSnapshot}: the table
     * locked before the snapshot is taken, so a table rewrite committing meanwhile cannot make it look empty). A
     * table whose shape changed counts as not empty (its backfill reads it as usual).
     */
    boolean isEmpty(TableBackfill t) throws SQLException {
        Connection c = session.connection();
        TableShape shape = shape(c, t);
        TableShape.Chunk read;
        try {
            read = shape.readChunkWithSnapshot(c, null, 1);
        }
        catch (SQLException e) {
            if (!"42703".equals(e.getSQLState())) {
                throw e;
            }
            shapes.remove(t.table); // a column dropped between the check and the read
            return false;
        }
        if (read.stale()) {
            shapes.remove(t.table);
            return false;
        }
        return read.rows().isEmpty();
    }

    /** {@code t}'s shape, read once (again after it changed); refused when the table lost its key. */
    private TableShape shape(Connection c, TableBackfill t) throws SQLException {
        TableShape shape = shapes.get(t.table);
        if (shape == null) {
            shape = TableShape.read(c, t.table, types);
            shapes.put(t.table, shape);
        }
        if (shape.orderKey().isEmpty()) {
            throw new PgBridgeException(ErrorCode.REPLICATION_SETUP, "table " + t.table + " lost its primary key "
                    + "(and has no replica-identity index) during its backfill, which reads it in key order",
                    "give it back its primary key (or REPLICA IDENTITY USING INDEX) and start the capture again: its "
                            + "backfill reads on after the last key saved; or, to read it from its first row, stop the "
                            + "capture and delete the table's entry under \"backfill\".\"tables\" in checkpoint.json "
                            + "(a table without a key needs REPLICA IDENTITY FULL)");
        }
        return shape;
    }

    /** A watermark of this slot came through the stream: it may be a waiting chunk's high one. */
    void watermarkSeen(String id) {
        for (Chunk c : inFlight) {
            if (c.high.equals(id)) {
                c.highSeen = true;
            }
        }
    }

    /**
     * A log event of a table ({@code t}, null when not captured) on its way to the sink: it evicts its key from the
     * chunks in flight (a truncate: every row), and its transaction is remembered while the table is to backfill.
     */
    void observe(ChangeEvent e, TableBackfill t) {
        if (!inFlight.isEmpty() && e.table().equals(inFlight.peekFirst().table.table)) {
            String key = e.op() == Op.TRUNCATE || e.key() == null ? null : CanonicalKey.of(e.key());
            for (Chunk c : inFlight) {
                if (e.op() == Op.TRUNCATE) {
                    c.evictAll();
                }
                else if (key != null && c.evict(key)) {
                    break; // the chunks hold disjoint keys
                }
            }
        }
        if (t != null && t.mode == BackfillProgress.Mode.KEY_CHUNKS && t.unfinished()) {
            delivered.add(e.txId());
        }
    }

    /**
     * After a log transaction went to the sink: when it carried the oldest waiting chunk's high watermark, that
     * chunk counts as completed (its table's progress moves on) and its surviving rows are returned; else null.
     */
    Out complete(CommittedTransaction tx) {
        if (inFlight.isEmpty() || !inFlight.peekFirst().highSeen) {
            return null;
        }
        Chunk c = inFlight.removeFirst();
        TableBackfill t = c.table;
        t.lastKey = c.lastKey;
        t.chunks++;
        t.rows += c.read;
        List<TableShape.Row> survivors = c.survivors();
        LOG.debug("backfill of {}: chunk {} out at {} ({} rows, {} evicted by log events)", t.table, t.chunks,
                tx.endLsn(), survivors.size(), c.evicted);
        return new Out(t, survivors, c.last, c.last || t.allRead && inFlight.isEmpty(), c.after, c.readRows);
    }

    /** Forgets the chunks in flight and the shapes read (after a lost connection): they are read again. */
    void reset(Collection<TableBackfill> tables) {
        inFlight.clear();
        shapes.clear();
        for (TableBackfill t : tables) {
            t.readKey = t.lastKey;
            t.allRead = false;
            t.lowWritten = false;
        }
    }
}
