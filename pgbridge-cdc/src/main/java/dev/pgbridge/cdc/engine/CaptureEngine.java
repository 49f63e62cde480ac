package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.backfill.Backfill;
import dev.pgbridge.cdc.checkpoint.CaptureResources;
import dev.pgbridge.cdc.checkpoint.Checkpoint;
import dev.pgbridge.cdc.checkpoint.CheckpointStore;
import dev.pgbridge.cdc.event.CaptureSource;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.RelationCache;
import dev.pgbridge.cdc.event.ToastObligations;
import dev.pgbridge.cdc.event.ToastResolver;
import dev.pgbridge.cdc.event.TransactionAssembler;
import dev.pgbridge.cdc.pgoutput.PgOutputDecoder;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.cdc.replication.ReplicationSetup;
import dev.pgbridge.cdc.replication.ReplicationStream;
import dev.pgbridge.cdc.replication.SlotLost;
import dev.pgbridge.cdc.sink.ChangeSink;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.pgtype.TypeResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static java.util.Objects.requireNonNull;

/**
 * Runs one capture until stopped: replication stream → pgoutput decoder → transaction assembler (TOAST resolved)
 * → sink → checkpoint → confirm to PostgreSQL.
 *
 * <ul>
 *   <li>One process per slot: {@link SlotLock}, an advisory lock on the control session. While another live process
 *       holds it, {@link #run()} fails at once, naming that session. When the slot is still marked active by a session
 *       that has just died, starting the stream is retried for up to 60 s.</li>
 *   <li>Delivery: a transaction goes to the sink after its commit; the sink is flushed at most every
 *       {@code flushInterval} (or {@code flushEvents} events, or when the stream is idle); only then is the
 *       checkpoint written and the LSN confirmed. After a crash the transactions after the checkpoint come again
 *       (at-least-once); those at or before it are skipped.</li>
 *   <li>Heartbeats: every {@code heartbeat_interval} a non-transactional logical message
 *       ({@code pg_logical_emit_message(false, 'pgbridge_heartbeat', …)}) is written; when no transaction is
 *       pending and the sink holds nothing unflushed, the position the server last reported (keepalive or
 *       heartbeat) is confirmed, so {@code confirmed_flush_lsn} advances even when only uncaptured tables
 *       change.</li>
 *   <li>What is retried is decided once, by {@link CaptureFailures}: a lost connection, the server restarting, a
 *       serialization failure or a busy slot is logged and retried with backoff (1 s doubling to 30 s); a dropped or
 *       invalidated slot stops the capture with what happened and how to backfill again; anything else (a missing
 *       privilege, a failed sink) stops it with its code and hint.</li>
 *   <li>Backfill: the existing rows of every captured table not in {@code skip_backfills} are read by a
 *       {@link Backfill} between stream messages, in the same loop; its watermark rows never reach the sink, its
 *       chunks go to the sink right after their high watermark's transaction, and its progress is part of every
 *       checkpoint.</li>
 * </ul>
 *
 * <p>What pgbridge created on the source (publication, watermarks table) is recorded in
 * {@value CaptureResources#FILE_NAME} beside the checkpoint, for {@code capture drop}.
 */
public final class CaptureEngine {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureEngine.class);
    static final String HEARTBEAT_PREFIX = "pgbridge_heartbeat";

    private final CaptureConfig config;
    private final JdbcTarget target;
    private final SinkPipeline sink;
    private final CheckpointStore checkpoints;
    private final Path spillDirectory;
    private final Settings settings;
    private final SlotLock slotLock;

    private volatile boolean stopping;
    private volatile boolean crashing;
    private volatile Thread runner;
    private volatile ReplicationStream stream;
    private Connection control;

    private final AtomicLong events = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private volatile Lsn durableLsn = Lsn.INVALID;
    private volatile Instant lastCommitTime;
    private volatile Lsn confirmedLsn = Lsn.INVALID;
    private volatile int reconnects;
    /** The checkpoint last written (a reconnect streams on from it); engine thread only. */
    private Checkpoint lastCheckpoint;
    private long streamOpenedAt;
    private volatile RelationCache relations;
    private volatile ToastResolver toast;
    private volatile Backfill backfill;
    private Backfill.WatermarkListener watermarkListener;
    private final TableStats tableStats = new TableStats();

    /**
     * Timings; the defaults suit production, tests shorten them. {@code toastVisibilityTimeout} bounds the wait for a
     * streamed transaction to become visible before its unchanged TOAST values are read back ({@link ToastResolver}).
     */
    public record Settings(Duration flushInterval, long flushEvents, Duration statusInterval, Duration slotBusyRetry,
                           Duration maxBackoff, Duration toastVisibilityTimeout) {
        public static final Settings DEFAULT = new Settings(Duration.ofMillis(500), 50_000, Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(60));

        public Settings {
            requireNonNull(toastVisibilityTimeout, "toastVisibilityTimeout is null");
        }

        /** With the default TOAST visibility timeout (60 s). */
        public Settings(Duration flushInterval, long flushEvents, Duration statusInterval, Duration slotBusyRetry,
                        Duration maxBackoff) {
            this(flushInterval, flushEvents, statusInterval, slotBusyRetry, maxBackoff, Duration.ofSeconds(60));
        }
    }

    public CaptureEngine(CaptureConfig config, ConnectionConfig source, ChangeSink sink, CheckpointStore checkpoints,
                         Path spillDirectory, Settings settings) {
        this.config = requireNonNull(config, "config is null");
        this.target = JdbcTarget.of(requireNonNull(source, "source is null"));
        this.sink = new SinkPipeline(requireNonNull(sink, "sink is null"), 2L * config.maxMemoryEvents(),
                "pgbridge-sink-" + config.name());
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.spillDirectory = requireNonNull(spillDirectory, "spillDirectory is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.slotLock = new SlotLock(config.slotName());
    }

    /** Asks {@link #run()} to finish: it flushes, checkpoints, confirms and returns. */
    public void stop() {
        stopping = true;
        Thread t = runner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Test hook: ends {@link #run()} at once as a crash would — no flush, no checkpoint, connections cut. What the
     * sink had not flushed may or may not be in its files.
     */
    void crash() {
        crashing = true;
        stopping = true;
        ReplicationStream s = stream;
        if (s != null) {
            s.abort();
        }
    }

    /** Chunks the backfill read again because the stream was ahead of their snapshot (for tests). */
    long backfillRereads() {
        Backfill b = backfill;
        return b == null ? 0 : b.rereads();
    }

    /** Transactions whose unchanged TOAST values waited for them to become visible (for tests). */
    long toastVisibilityWaits() {
        ToastResolver t = toast;
        return t == null ? 0 : t.visibilityWaits();
    }

    /** Test hook: called around every watermark write of the backfill (set before {@link #run()}). */
    void watermarkListener(Backfill.WatermarkListener listener) {
        this.watermarkListener = listener;
    }

    public CaptureStatus status() {
        RelationCache r = relations;
        Backfill b = backfill;
        return new CaptureStatus(events.get(), transactions.get(), spilled.get(), durableLsn, lastCommitTime, confirmedLsn, reconnects,
                r == null ? java.util.Map.of() : r.schemaChanges(), b == null ? java.util.Map.of() : b.progress(),
                tableStats.snapshot());
    }

    /** Runs until {@link #stop()}; fails with a {@link PgBridgeException} when the capture cannot go on. */
    public void run() {
        runner = Thread.currentThread();
        try {
            control = connect();
            slotLock.acquire(control);
            refuseOwnWrites(control);
            ReplicationSetup.Result setup = new ReplicationSetup(control, config.slotName(), config.publicationName(),
                    config.bindings(), config.watermarksTable()).prepare();
            recordResources(setup);
            Checkpoint checkpoint = checkpoints.load().orElse(null);
            if (checkpoint != null && setup.createdSlot()) {
                throw slotGone("replication slot \"" + config.slotName() + "\" did not exist although the checkpoint "
                        + checkpoints.file() + " says changes were captured up to " + checkpoint.commitLsn()
                        + " (it was dropped); a new slot was created, but the changes in between are lost");
            }
            if (checkpoint == null) {
                checkpoint = new Checkpoint(config.slotName(), Lsn.INVALID, Instant.now(), null);
            }
            durableLsn = checkpoint.commitLsn();
            tableStats.restore(checkpoint.tables());
            Backfill b = new Backfill(new Backfill.Settings(config.slotName(), config.watermarksTable(),
                    config.backfillChunkSize(), new CaptureSource(config.name(), target.database()), spillDirectory,
                    config.maxMemoryEvents()), target, new TypeResolver(new JdbcSourceCatalog(this::ensureControl, target.config())),
                    setup.tables(), config.skipBackfills(), checkpoint.backfill());
            if (watermarkListener != null) {
                b.listener(watermarkListener);
            }
            backfill = b;
            try {
                loop(checkpoint);
            }
            finally {
                b.close(); // also after a crash: its reader thread and connections go, as with a killed process
            }
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "capture " + config.name() + ": " + e.getMessage(),
                    "check the disk space and permissions of " + checkpoints.file().getParent(), e);
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, target.config());
        }
        catch (RuntimeException e) {
            throw CaptureFailures.typed(e, config.name(), target.config(), stateDirectory());
        }
        finally {
            if (!crashing) {
                closeQuietly();
            }
            else {
                sink.abandon();
                abortControl();
            }
            runner = null;
        }
    }

    /**
     * Streams until stopped. A failure {@link CaptureFailures} calls retriable (the server restarting, the network
     * dropping, a busy slot) is said in the log and retried with backoff: 1 s, doubling up to {@code maxBackoff}, back
     * to 1 s once a stream has run for a minute. Each attempt reconnects the control session first, from the last
     * checkpoint written. Any other failure stops the capture with its code and hint.
     */
    private void loop(Checkpoint checkpoint) {
        long backoff = 1000;
        lastCheckpoint = checkpoint;
        while (!stopping) {
            try {
                ensureControl();
                pump(lastCheckpoint);
            }
            catch (SQLException | IOException | RuntimeException e) {
                boolean retriable = CaptureFailures.retriable(e);
                if (stopping && retriable) {
                    break;
                }
                if (!retriable) {
                    CaptureFailures.sqlCause(e).ifPresent(this::fatalSlotState);
                    throw CaptureFailures.typed(e, config.name(), target.config(), stateDirectory());
                }
                sink.reset(); // writes what it has queued: the backfill does not read a chunk it handed over again
                resetBackfill();
                reconnects++;
                if (streamOpenedAt != 0 && System.nanoTime() - streamOpenedAt > 60_000_000_000L) {
                    backoff = 1000;
                }
                streamOpenedAt = 0;
                LOG.warn("capture {}: connection lost ({}); reconnecting in {} ms", config.name(), describe(e),
                        backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
            }
        }
    }

    /** The failure's message with the SQLSTATE that made it retriable, for the log. */
    private static String describe(Throwable e) {
        return CaptureFailures.sqlCause(e).map(sql -> e.getMessage() + " [SQLSTATE " + sql.getSQLState() + "]")
                .orElse(String.valueOf(e.getMessage()));
    }

    private String stateDirectory() {
        return String.valueOf(checkpoints.file().toAbsolutePath().getParent());
    }

    /** Streams from {@code checkpoint} until stopped or the connection fails. */
    private void pump(Checkpoint checkpoint) throws SQLException, IOException {
        Checkpoint current = checkpoint;
        ReplicationStream s = openStream(current.commitLsn());
        stream = s;
        streamOpenedAt = System.nanoTime();
        TypeResolver types = new TypeResolver(new JdbcSourceCatalog(this::ensureControl, target.config()));
        RelationCache cache = new RelationCache(types, new JdbcSourceCatalog(this::ensureControl, target.config()));
        relations = cache;
        ToastObligations obligations = new ToastObligations();
        ToastResolver toast = new ToastResolver(this::ensureControl, types, obligations,
                settings.toastVisibilityTimeout());
        this.toast = toast;
        cache.onSchemaChange(toast::forget);
        cache.onSchemaChange(tableStats::schemaChanged);
        CaptureSource source = new CaptureSource(config.name(), target.database());
        PgOutputDecoder decoder = new PgOutputDecoder(s.protocolVersion());
        Lsn pending = current.commitLsn();
        long unflushedEvents = 0;
        long lastFlush = System.nanoTime();
        long lastHeartbeat = System.nanoTime();
        try (TransactionAssembler assembler = new TransactionAssembler(source, cache, types, spillDirectory,
                config.maxMemoryEvents())) {
            assembler.skipThrough(current.commitLsn());
            Backfill b = backfill;
            while (!stopping) {
                if (b.active() && !b.waiting()) {
                    if (b.opensSnapshotNext()) {
                        current = flush(s, current, pending);
                        unflushedEvents = 0;
                        lastFlush = System.nanoTime();
                    }
                    for (CommittedTransaction rows : backfillStep(b)) {
                        unflushedEvents += deliver(rows, toast, obligations);
                    }
                }
                ByteBuffer buffer = s.readPending();
                if (buffer == null) {
                    if (pending.isAfter(current.commitLsn()) || b.dirty()) {
                        // while a backfill chunk waits for its high watermark, the periodic flush is enough: a flush
                        // per chunk would stall the backfill on the sink's fsync
                        if (!b.awaitingWatermark()
                                || System.nanoTime() - lastFlush >= settings.flushInterval().toNanos()) {
                            current = flush(s, current, pending);
                            unflushedEvents = 0;
                            lastFlush = System.nanoTime();
                        }
                    }
                    else if (assembler.idle()) {
                        // nothing delivered is unflushed: the server's position may be confirmed
                        Lsn server = s.lastReceiveLsn();
                        if (server.isAfter(s.confirmed())) {
                            s.confirm(server);
                            confirmedLsn = server;
                        }
                    }
                    if (!config.heartbeatInterval().isZero()
                            && System.nanoTime() - lastHeartbeat >= config.heartbeatInterval().toNanos()) {
                        heartbeat();
                        lastHeartbeat = System.nanoTime();
                    }
                    // the high watermark of a chunk is on its way: look again soon
                    LockSupport.parkNanos(b.awaitingWatermark() ? 200_000 : 5_000_000);
                    continue;
                }
                Lsn walLsn = s.lastReceiveLsn();
                CommittedTransaction tx = assembler.accept(decoder.decode(buffer), walLsn);
                if (tx != null) {
                    try (tx) {
                        // every transaction that committed before this one has been delivered
                        obligations.beforeTransaction(tx.commitLsn());
                        if (tx.eventCount() > 0) {
                            if (onlyWatermarks(tx)) {
                                // the backfill's own write: nothing for the sink, which must not see its LSN as
                                // applied before the rows stamped with it (below) arrive
                                for (java.util.Iterator<ChangeEvent> it = tx.events(); it.hasNext(); ) {
                                    observe(b, it.next());
                                }
                            }
                            else {
                                long delivered = deliver(tx.map(e -> observe(b, e)), toast, obligations);
                                unflushedEvents += delivered;
                                if (delivered > 0) {
                                    transactions.incrementAndGet();
                                    spilled.addAndGet(tx.spilledCount());
                                    lastCommitTime = tx.commitTime();
                                }
                            }
                            CommittedTransaction chunk = b.afterTransaction(tx);
                            if (chunk != null) {
                                unflushedEvents += deliver(chunk, toast, obligations);
                            }
                        }
                    }
                    if (tx.endLsn().isAfter(pending)) {
                        pending = tx.endLsn();
                    }
                    if (unflushedEvents >= settings.flushEvents()
                            || System.nanoTime() - lastFlush >= settings.flushInterval().toNanos()) {
                        current = flush(s, current, pending);
                        unflushedEvents = 0;
                        lastFlush = System.nanoTime();
                    }
                }
            }
            if (!crashing && (pending.isAfter(current.commitLsn()) || b.dirty())) {
                flush(s, current, pending);
            }
        }
        finally {
            stream = null;
            if (crashing) {
                s.abort();
            }
            else {
                try {
                    s.close();
                }
                catch (SQLException e) {
                    LOG.debug("closing the replication stream: {}", e.getMessage());
                }
            }
        }
    }

    /**
     * One backfill step. What {@link CaptureFailures} calls retriable is retried like the stream's; any other SQL error
     * (a missing privilege, a table that changed under the backfill) stops the capture, since no retry can help.
     */
    private java.util.List<CommittedTransaction> backfillStep(Backfill b) throws SQLException, IOException {
        try {
            return b.step();
        }
        catch (SQLException e) {
            if (CaptureFailures.retriable(e)) {
                throw e;
            }
            PgBridgeException translated = SqlErrors.translate(e, target.config());
            boolean privilege = translated.code() == ErrorCode.PRIVILEGE_MISSING;
            // pgjdbc turns running out of heap while it receives rows into SQLSTATE 53200 with the error as its cause
            boolean heap = e.getCause() instanceof OutOfMemoryError;
            String hint = privilege ? "GRANT SELECT ON the captured tables, and SELECT, INSERT, UPDATE ON "
                    + config.watermarksTable() + ", to the capture's role; or list the table in advanced.skip_backfills"
                    : heap ? "the rows are too large for this JVM's heap (" + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MB): give it more, e.g. PGBRIDGE_JAVA_OPTS=-Xmx1g, and start the capture again: the backfill "
                    + "goes on from its last completed chunk"
                    : (translated.hint() == null ? "" : translated.hint() + "; ") + "fix the cause and start the "
                    + "capture again: the backfill goes on from its last completed chunk";
            throw new PgBridgeException(translated.code(), "capture " + config.name() + ": the backfill failed: "
                    + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", hint, e);
        }
    }

    /**
     * Hands a transaction to the sink with its TOAST columns resolved, its deletes settling what the resolver expects
     * ({@link ToastObligations}); returns the events the sink got.
     */
    private long deliver(CommittedTransaction tx, ToastResolver toast, ToastObligations obligations)
            throws IOException {
        try (tx) {
            long[] count = new long[1];
            sink.accept(tx.map(toast::resolve).map(obligations::observe).map(e -> {
                count[0]++;
                tableStats.record(e);
                return e;
            }));
            events.addAndGet(count[0]);
            return count[0];
        }
    }

    /** True when every event of {@code tx} is a write to the watermarks table (stops at the first other one). */
    private boolean onlyWatermarks(CommittedTransaction tx) {
        for (java.util.Iterator<ChangeEvent> it = tx.events(); it.hasNext(); ) {
            if (!it.next().table().equals(config.watermarksTable())) {
                return false;
            }
        }
        return true;
    }

    private ChangeEvent observe(Backfill b, ChangeEvent e) {
        try {
            return b.observe(e);
        }
        catch (IOException io) {
            throw new PgBridgeException(ErrorCode.IO, "capture " + config.name() + ": cannot hold back a change of "
                    + e.table() + " during its backfill: " + io, "check the free space and permissions of the spill "
                    + "directory " + spillDirectory + "; the capture resumes from its checkpoint when started again",
                    io);
        }
    }

    private void resetBackfill() {
        Backfill b = backfill;
        if (b != null) {
            try {
                b.reset();
            }
            catch (IOException e) {
                LOG.warn("capture {}: resetting the backfill: {}", config.name(), e.getMessage());
            }
        }
    }

    private void recordResources(ReplicationSetup.Result setup) throws IOException {
        java.nio.file.Path file = CaptureResources.fileBeside(checkpoints.file());
        CaptureResources now = new CaptureResources(config.slotName(), config.publicationName(),
                setup.createdPublication(), config.watermarksTable(), setup.createdWatermarksTable());
        CaptureResources merged = now.merge(CaptureResources.load(file).orElse(null));
        if (!merged.equals(CaptureResources.load(file).orElse(null))) {
            merged.save(file);
        }
    }

    /** Sink durable → checkpoint on disk → LSN confirmed to the server, in that order. */
    private Checkpoint flush(ReplicationStream s, Checkpoint current, Lsn pending) throws IOException, SQLException {
        if (crashing) {
            return current;
        }
        sink.flush();
        Checkpoint next = current.at(pending, Instant.now(), backfill.state(), tableStats.toJson());
        checkpoints.save(next);
        lastCheckpoint = next;
        durableLsn = pending;
        s.confirm(pending);
        confirmedLsn = s.confirmed();
        return next;
    }

    private void heartbeat() {
        try (PreparedStatement ps = ensureControl().prepareStatement(
                "SELECT pg_catalog.pg_logical_emit_message(false, ?, ?)")) {
            ps.setString(1, HEARTBEAT_PREFIX);
            ps.setString(2, Instant.now().toString());
            ps.execute();
        }
        catch (SQLException e) {
            LOG.warn("capture {}: heartbeat failed: {}", config.name(), e.getMessage());
            abortControl();
        }
    }

    private ReplicationStream openStream(Lsn start) throws SQLException {
        long deadline = System.nanoTime() + settings.slotBusyRetry().toNanos();
        while (true) {
            try {
                return ReplicationStream.open(target, config.slotName(), config.publicationName(), start,
                        settings.statusInterval());
            }
            catch (SQLException e) {
                if (!"55006".equals(e.getSQLState()) || stopping) {
                    throw e;
                }
                if (System.nanoTime() > deadline) {
                    // CAPTURE_LOCKED, not a lost connection: retrying without end cannot free a slot another session holds
                    throw new PgBridgeException(ErrorCode.CAPTURE_LOCKED, "replication slot \"" + config.slotName()
                            + "\" is still in use by another session after " + settings.slotBusyRetry().toSeconds()
                            + " s: " + e.getMessage(), "find the session with SELECT active_pid FROM "
                            + "pg_replication_slots WHERE slot_name = '" + config.slotName() + "' and end it with "
                            + "pg_terminate_backend(pid) if it is a leftover", e);
                }
                LOG.info("replication slot {} is still active (a session that just ended?); retrying", config.slotName());
                sleep(1000);
            }
        }
    }

    /**
     * Throws {@link ErrorCode#SLOT_LOST} when a failure that stops the capture comes from its slot being gone or
     * invalidated. The SQLSTATEs ({@code 42704} undefined object, {@code 55000} object not in prerequisite state) are
     * shared with other failures (a dropped publication, wal_level), so the slot's row in {@code pg_replication_slots}
     * decides, not the message.
     */
    private void fatalSlotState(SQLException e) {
        String state = e.getSQLState();
        if (!"42704".equals(state) && !"55000".equals(state)) {
            return;
        }
        Optional<SlotState> slot;
        try {
            slot = slotState(ensureControl());
        }
        catch (SQLException unreadable) {
            e.addSuppressed(unreadable);
            return; // the failure is reported as it is
        }
        if (slot.isEmpty()) {
            throw slotGone("replication slot \"" + config.slotName() + "\" no longer exists (it was dropped): "
                    + "changes since " + durableLsn + " can no longer be streamed");
        }
        if (slot.get().invalidated()) {
            throw slotGone("replication slot \"" + config.slotName() + "\" was invalidated (" + slot.get().why()
                    + "): " + e.getMessage());
        }
    }

    /** A slot's row: invalidated when {@code wal_status} is {@code lost} or an invalidation reason is set. */
    private record SlotState(String walStatus, String invalidationReason) {
        boolean invalidated() {
            return "lost".equals(walStatus) || invalidationReason != null;
        }

        String why() {
            return invalidationReason != null ? "invalidation_reason = " + invalidationReason
                    : "wal_status = " + walStatus;
        }
    }

    /** The slot's row, read through to_jsonb so the columns of every version (12: neither, 13+, 17+) can be asked. */
    private Optional<SlotState> slotState(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_jsonb(s) ->> 'wal_status', "
                + "to_jsonb(s) ->> 'invalidation_reason' FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = ?")) {
            ps.setString(1, config.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new SlotState(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    private PgBridgeException slotGone(String what) {
        return new PgBridgeException(ErrorCode.SLOT_LOST, what, SlotLost.recovery(config.slotName())
                .replace("the capture's checkpoint file", checkpoints.file().toString()));
    }

    private Connection connect() throws SQLException {
        Connection c = target.connect();
        c.setAutoCommit(true);
        return c;
    }

    /** The control connection, reconnected (and the lock taken again) when it was lost. */
    private synchronized Connection ensureControl() throws SQLException {
        if (control != null && !control.isClosed() && control.isValid(5)) {
            return control;
        }
        abortControl();
        control = connect();
        slotLock.acquire(control);
        return control;
    }

    /**
     * Takes the session-level advisory lock of {@code slotName} on {@code c} (the lock every process that runs or
     * drops that capture takes); false when another session holds it.
     */
    public static boolean tryLock(Connection c, String slotName) throws SQLException {
        return new SlotLock(slotName).tryAcquire(c);
    }

    /** Who holds the lock of {@code slotName}: "session pid … (application …)", or "another session". */
    public static String lockHolder(Connection c, String slotName) throws SQLException {
        return new SlotLock(slotName).holder(c);
    }

    /**
     * Refuses a PostgreSQL sink that writes into the captured database itself where the capture's publication would
     * publish the sink's schema (FOR ALL TABLES, or its tables bound or listed): every change it applies would come
     * back as a change to capture, without end. Checked before anything is created.
     */
    private void refuseOwnWrites(Connection c) throws SQLException {
        Optional<String> own = sink.schemaInDatabaseOf(c);
        if (own.isEmpty()) {
            return;
        }
        String schema = own.get();
        boolean exists = false;
        boolean allTables = false;
        boolean listsSchema = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT p.puballtables, EXISTS (SELECT 1 FROM "
                + "pg_catalog.pg_publication_tables t WHERE t.pubname = p.pubname AND t.schemaname = ?) "
                + "FROM pg_catalog.pg_publication p WHERE p.pubname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, config.publicationName());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    exists = true;
                    allTables = rs.getBoolean(1);
                    listsSchema = rs.getBoolean(2);
                }
            }
        }
        boolean bindsSchema = config.bindings().stream().anyMatch(t -> t.schema().equals(schema));
        String why = allTables ? "publication " + config.publicationName() + " is FOR ALL TABLES"
                : listsSchema ? "publication " + config.publicationName() + " lists tables of " + schema
                : bindsSchema ? "the bindings include tables of " + schema
                : !exists && config.bindings().isEmpty() ? "without bindings the capture would create publication "
                        + config.publicationName() + " FOR ALL TABLES"
                : null;
        if (why != null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "capture " + config.name() + ": its PostgreSQL sink "
                    + "writes into schema " + schema + " of the captured database itself, and " + why + ": every "
                    + "change the sink applies would be captured again, without end", "list the source tables under "
                    + "bindings (the publication then holds just those) and keep " + schema + " out of them, or "
                    + "let the sink write into another database");
        }
    }

    private void abortControl() {
        Connection c = control;
        control = null;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            }
            catch (SQLException e) {
                LOG.debug("abort of the control connection: {}", e.getMessage());
            }
        }
    }

    private void closeQuietly() {
        try {
            sink.close();
        }
        catch (RuntimeException e) {
            LOG.warn("capture {}: closing the sink failed: {}", config.name(), e.getMessage());
        }
        Connection c = control;
        control = null;
        if (c != null) {
            try {
                c.close();
            }
            catch (SQLException e) {
                LOG.debug("closing the control connection: {}", e.getMessage());
            }
        }
    }

    private void sleep(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!stopping && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Math.min(deadline - System.nanoTime(), 50_000_000));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }
}
