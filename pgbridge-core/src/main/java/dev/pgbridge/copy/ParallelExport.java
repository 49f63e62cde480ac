package dev.pgbridge.copy;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.query.QueryErrors;
import dev.pgbridge.sql.Identifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * Exports one table with several sessions that read in ONE exported snapshot, so the rows are one consistent image
 * of the table. A coordinator session opens a {@code REPEATABLE READ} transaction and exports its snapshot
 * ({@code pg_export_snapshot()}); it plans the ranges inside that snapshot and stays open until every worker is done.
 * Each worker is an ordinary {@link Export} (CSV or JSON lines, so the text is exactly a single session's) of one
 * range, in a transaction that imports the snapshot ({@code SET TRANSACTION SNAPSHOT}).
 *
 * <p>How the table is split ({@link #method()}):
 * <ul>
 *   <li>PostgreSQL 14 and later, a plain, partitioned or materialized table: by heap pages,
 *       {@code ctid >= '(a,0)' AND ctid < '(b,0)'}, which PostgreSQL runs as a TID range scan; the page count is
 *       the relation's size (for a partitioned table, its largest partition's: the predicate applies to every
 *       partition's own pages through the root), the last range open-ended so that no row is lost on pages added
 *       since;</li>
 *   <li>PostgreSQL 12 and 13 (no TID range scans: a ctid range would be a full scan per worker): by ranges of a
 *       one-column primary key of type smallint, integer or bigint, cut evenly between its min and max in the
 *       snapshot, the first and last ranges open-ended;</li>
 *   <li>otherwise (a view, a foreign table, no such key, an empty table, one worker): one session.</li>
 * </ul>
 *
 * <p>Output: either one stream, the ranges stitched in range order (the first range writes straight through, later
 * ones spill to a temporary file until their turn: memory stays bounded, the CSV header comes once, from the first
 * range), or one stream per range ({@link #runSplit}). Any worker's failure cancels the others and fails the export.
 */
public final class ParallelExport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ParallelExport.class);

    /** How the table is split. */
    public enum Method {
        /** heap page ranges (ctid), TID range scans */
        CTID,
        /** ranges of an integer primary key */
        KEY,
        /** one session */
        SINGLE
    }

    private static final String PARTITION_PAGES = """
            SELECT coalesce(max(pg_catalog.pg_relation_size(relid)), 0)
                   / pg_catalog.current_setting('block_size')::bigint
            FROM pg_catalog.pg_partition_tree(?::regclass) WHERE isleaf""";
    private static final String PAGES = """
            SELECT pg_catalog.pg_relation_size(?::regclass) / pg_catalog.current_setting('block_size')::bigint""";
    private static final String INTEGER_KEY = """
            SELECT a.attname FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = ?::regclass AND i.indisprimary AND i.indnkeyatts = 1
              AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)""";

    private final ConnectionConfig config;
    private final ExportFormat format;
    private final ExportOptions options;
    private final Connection coordinator;
    private final String snapshot;
    private final Method method;
    private final List<String> selects;
    private final String reason;
    private final List<Export> running = new ArrayList<>();
    private volatile boolean canceled;

    private ParallelExport(ConnectionConfig config, ExportFormat format, ExportOptions options, Connection coordinator,
                           String snapshot, Method method, List<String> selects, String reason) {
        this.config = config;
        this.format = format;
        this.options = options;
        this.coordinator = coordinator;
        this.snapshot = snapshot;
        this.method = method;
        this.selects = selects;
        this.reason = reason;
    }

    /**
     * Connects, exports a snapshot and plans up to {@code workers} ranges of {@code table} (named as in SQL, as
     * {@link ExportSource#table}). Close the result when done: it ends the coordinator's transaction.
     */
    public static ParallelExport open(ConnectionConfig config, String table, int workers, ExportFormat format,
                                      ExportOptions options) {
        requireNonNull(config, "config is null");
        requireNonNull(table, "table is null");
        requireNonNull(format, "format is null");
        requireNonNull(options, "options is null");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be positive: " + workers);
        }
        Connection c = connect(config);
        try {
            ExportSource.Resolved resolved = new ExportSource.Table(table).resolve(c, config);
            c.setAutoCommit(false);
            String snapshot;
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
                    rs.next();
                    snapshot = rs.getString(1);
                }
            }
            ParallelExport export = plan(config, format, options, c, snapshot, resolved, workers);
            log.debug("parallel export of {}: {} ranges by {} ({})", resolved.quoted(), export.selects.size(),
                    export.method, export.reason);
            return export;
        }
        catch (SQLException e) {
            closeQuietly(c);
            throw QueryErrors.translate(e, config, null, null, false);
        }
        catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static ParallelExport plan(ConnectionConfig config, ExportFormat format, ExportOptions options,
                                       Connection c, String snapshot, ExportSource.Resolved table, int workers)
            throws SQLException {
        String all = "SELECT * FROM " + table.quoted();
        Plan plan = plan(c, table.quoted(), table.kind(), workers);
        List<String> selects = plan.conditions().stream()
                .map(condition -> condition.isEmpty() ? all : all + " WHERE " + condition).toList();
        return new ParallelExport(config, format, options, c, snapshot, plan.method(), selects, plan.reason());
    }

    /**
     * How to split a relation into up to {@code workers} ranges: one WHERE condition per range ("" for all rows),
     * in order. Runs its catalog queries (and, for key ranges, min and max of the key) on {@code c}, which should be
     * in the snapshot the ranges will be read in.
     *
     * @param table the relation's name as SQL writes it (quoted as needed)
     * @param kind its {@code pg_class.relkind}
     */
    public record Plan(Method method, List<String> conditions, String reason) {
        public Plan {
            requireNonNull(method, "method is null");
            conditions = List.copyOf(conditions);
            requireNonNull(reason, "reason is null");
        }

        /** All rows in one session, for {@code reason}. */
        public static Plan single(String reason) {
            return new Plan(Method.SINGLE, List.of(""), reason);
        }

        /** One line for the user: how the table is split and why. */
        public String describe() {
            return switch (method) {
                case CTID -> conditions.size() + " sessions in one snapshot, split by heap pages (" + reason + ")";
                case KEY -> conditions.size() + " sessions in one snapshot, split by key (" + reason + ")";
                case SINGLE -> "one session (" + reason + ")";
            };
        }
    }

    /** See {@link Plan}. */
    public static Plan plan(Connection c, String table, String kind, int workers) throws SQLException {
        boolean heap = kind.equals("r") || kind.equals("p") || kind.equals("m");
        if (workers == 1) {
            return Plan.single("one worker asked for");
        }
        if (!heap) {
            return Plan.single("a view or foreign table is read by one session");
        }
        int version = c.getMetaData().getDatabaseMajorVersion();
        if (version >= 14) {
            long pages;
            try (PreparedStatement ps = c.prepareStatement(kind.equals("p") ? PARTITION_PAGES : PAGES)) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    pages = rs.getLong(1);
                }
            }
            int n = (int) Math.min(workers, pages);
            if (n <= 1) {
                return Plan.single("the table has " + pages + " page(s)");
            }
            List<String> conditions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long from = pages * i / n;
                long to = pages * (i + 1) / n;
                StringBuilder sql = new StringBuilder();
                if (i > 0) {
                    sql.append("ctid >= '(").append(from).append(",0)'::tid");
                }
                if (i > 0 && i < n - 1) {
                    sql.append(" AND ");
                }
                if (i < n - 1) {
                    sql.append("ctid < '(").append(to).append(",0)'::tid"); // the last range is open-ended
                }
                conditions.add(sql.toString());
            }
            return new Plan(Method.CTID, conditions, pages + " pages, TID range scans (PostgreSQL " + version + ")");
        }
        String key = null;
        try (PreparedStatement ps = c.prepareStatement(INTEGER_KEY)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    key = rs.getString(1);
                }
            }
        }
        if (key == null) {
            return Plan.single("PostgreSQL " + version + " has no TID range scans and the table no integer primary key");
        }
        String column = Identifier.quote(key);
        BigInteger min;
        BigInteger max;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT min(" + column + ")::text, max(" + column + ")::text FROM " + table)) {
            rs.next();
            if (rs.getString(1) == null) {
                return Plan.single("the table is empty");
            }
            min = new BigInteger(rs.getString(1));
            max = new BigInteger(rs.getString(2));
        }
        BigInteger span = max.subtract(min).add(BigInteger.ONE);
        int n = span.min(BigInteger.valueOf(workers)).intValueExact();
        if (n <= 1) {
            return Plan.single("one key value");
        }
        List<String> conditions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BigInteger from = min.add(span.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(n)));
            BigInteger to = min.add(span.multiply(BigInteger.valueOf(i + 1)).divide(BigInteger.valueOf(n)));
            StringBuilder sql = new StringBuilder();
            if (i > 0) {
                sql.append(column).append(" >= ").append(from);
            }
            if (i > 0 && i < n - 1) {
                sql.append(" AND ");
            }
            if (i < n - 1) {
                sql.append(column).append(" < ").append(to);
            }
            conditions.add(sql.toString());
        }
        return new Plan(Method.KEY, conditions, "PostgreSQL " + version + " has no TID range scans: ranges of the primary key " + key);
    }

    /** How the table is split. */
    public Method method() {
        return method;
    }

    /** How many ranges (and sessions, and files with {@link #runSplit}) there are. */
    public int ranges() {
        return selects.size();
    }

    /** One line for the user: how the table is split and why. */
    public String describe() {
        return new Plan(method, selects, reason).describe();
    }

    /** The exported snapshot every range reads in, as {@code pg_export_snapshot()} gave it. */
    public String snapshot() {
        return snapshot;
    }

    /** The SELECT of each range, in order (for tests and diagnostics). */
    public List<String> selects() {
        return List.copyOf(selects);
    }

    /**
     * Writes every range to {@code out} in range order; ranges other than the one being written spill to temporary
     * files in {@code spillDirectory} until their turn. {@code out} is flushed, not closed.
     */
    public ExportResult run(OutputStream out, Path spillDirectory, ProgressListener listener) {
        requireNonNull(out, "out is null");
        requireNonNull(spillDirectory, "spillDirectory is null");
        try (OrderedRanges ranges = new OrderedRanges(out, selects.size(), spillDirectory)) {
            ExportResult result = runAll(ranges::range, ranges::finished, listener);
            ranges.finish();
            return result;
        }
    }

    /** Writes range i to {@code outs.get(i)} (one per {@link #ranges()}); the streams are flushed, not closed. */
    public ExportResult runSplit(List<? extends OutputStream> outs, ProgressListener listener) {
        if (outs.size() != selects.size()) {
            throw new IllegalArgumentException(outs.size() + " outputs for " + selects.size() + " ranges");
        }
        return runAll(outs::get, i -> { }, listener);
    }

    private ExportResult runAll(java.util.function.IntFunction<OutputStream> outputOf,
                                java.util.function.IntConsumer finished, ProgressListener listener) {
        requireNonNull(listener, "listener is null");
        long start = System.nanoTime();
        int n = selects.size();
        AtomicLongArray rows = new AtomicLongArray(n);
        AtomicLongArray bytes = new AtomicLongArray(n);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Connection> connections = new ArrayList<>(n);
        List<Thread> threads = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                connections.add(connect(config));
            }
            for (int i = 0; i < n; i++) {
                Export export = Export.of(format, connections.get(i), config,
                        options.withHeader(options.header() && i == 0).withSnapshot(snapshot));
                synchronized (running) {
                    running.add(export);
                }
            }
            if (canceled) {
                throw new PgBridgeException(ErrorCode.CANCELED, "the export was canceled", null);
            }
            for (int i = 0; i < n; i++) {
                int range = i;
                Export export = running.get(i);
                Thread t = Thread.ofPlatform().name("pgbridge-export-" + (i + 1)).start(() -> {
                    try {
                        ExportResult r = export.run(ExportSource.query(selects.get(range)), outputOf.apply(range),
                                (rowCount, byteCount) -> {
                                    rows.set(range, rowCount);
                                    bytes.set(range, byteCount);
                                    report(listener, rows, bytes);
                                });
                        rows.set(range, r.rows());
                        bytes.set(range, r.bytes());
                        finished.accept(range);
                    }
                    catch (RuntimeException e) {
                        if (failure.compareAndSet(null, e)) {
                            cancelOthers(range);
                        }
                    }
                });
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new PgBridgeException(ErrorCode.CANCELED, "the export was interrupted", null, e);
        }
        finally {
            for (Connection c : connections) {
                closeQuietly(c);
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        long totalRows = sum(rows);
        long totalBytes = sum(bytes);
        report(listener, rows, bytes);
        return new ExportResult(totalRows, totalBytes, Duration.ofNanos(System.nanoTime() - start));
    }

    private static synchronized void report(ProgressListener listener, AtomicLongArray rows, AtomicLongArray bytes) {
        listener.progress(sum(rows), sum(bytes));
    }

    private static long sum(AtomicLongArray values) {
        long sum = 0;
        for (int i = 0; i < values.length(); i++) {
            sum += values.get(i);
        }
        return sum;
    }

    private void cancelOthers(int failed) {
        List<Export> exports;
        synchronized (running) {
            exports = List.copyOf(running);
        }
        for (int i = 0; i < exports.size(); i++) {
            if (i != failed) {
                exports.get(i).cancel();
            }
        }
    }

    /** Stops every worker on the server; the run then fails with code CANCELED. Any thread may call it. */
    public void cancel() {
        canceled = true;
        cancelOthers(-1);
    }

    /** Ends the coordinator's transaction (releasing the snapshot) and disconnects it. */
    @Override
    public void close() {
        closeQuietly(coordinator);
    }

    private static Connection connect(ConnectionConfig config) {
        try {
            return JdbcTarget.of(config).connect();
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, config);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
        catch (SQLException e) {
            log.debug("ending the coordinator's transaction failed", e);
        }
        try {
            c.close();
        }
        catch (SQLException e) {
            log.debug("closing a connection failed", e);
        }
    }
}
