package dev.pgbridge.transfer;

import dev.pgbridge.sql.QualifiedName;
import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.copy.CommitGate;
import dev.pgbridge.copy.Loader;
import dev.pgbridge.copy.LoadColumn;
import dev.pgbridge.copy.LoadCopyError;
import dev.pgbridge.copy.LoadTable;
import dev.pgbridge.copy.LoadTarget;
import dev.pgbridge.copy.ParallelExport;
import dev.pgbridge.copy.ProgressListener;
import dev.pgbridge.copy.TableCreator;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.pgtype.ResultTypes;
import dev.pgbridge.sql.Identifier;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Moves a table or the rows of a query from one PostgreSQL connection into a table on another:
 * {@code COPY (…) TO STDOUT} on the source piped into {@code COPY … FROM STDIN} on the target through a bounded
 * buffer ({@link CopyPipe}), both sides streaming, in ONE target transaction. The data stays in PostgreSQL's binary
 * COPY format when every column has the same built-in type on both sides (no text is formatted or parsed), else in
 * its text format. The source runs in a read-only transaction.
 *
 * <p>Any failure rolls the target back (a {@code truncate} and a {@code create} included) and its message says which
 * side failed and why; a row the target rejects is named by its position in the source's output.
 */
public final class TableTransfer {
    private static final Logger log = LoggerFactory.getLogger(TableTransfer.class);

    private final ConnectionConfig from;
    private final ConnectionConfig to;

    public TableTransfer(ConnectionConfig from, ConnectionConfig to) {
        this.from = requireNonNull(from, "from is null");
        this.to = requireNonNull(to, "to is null");
    }

    /** Which end of the transfer something happened at. */
    public enum Side {
        SOURCE, TARGET;

        String label() {
            return this == SOURCE ? "source" : "target";
        }
    }

    /** A column of the source's output, with what is needed to create and to feed the target. */
    private record SourceColumn(String name, String type, boolean notNull, int typeOid, boolean builtIn) {
    }

    /** @param table the source table's quoted name, null for a query */
    private record SourceShape(String sql, List<SourceColumn> columns, List<String> primaryKey, String table) {
    }

    /** How the last {@link #run} read its source ({@link ParallelExport.Plan#describe()}), null before any. */
    private volatile String lastPlan;

    /** How the last run read its source: one session, or several in one snapshot and how they split it. */
    public String lastPlan() {
        return lastPlan;
    }

    /** Connects to both sides, transfers, commits the target and disconnects. */
    public TransferResult run(TransferOptions options) {
        return run(options, CommitGate.create());
    }

    /**
     * Connects to both sides, transfers, commits the target through {@code gate} and disconnects; once the gate is
     * interrupted the target rolls back and the transfer fails with {@link ErrorCode#CANCELED}.
     */
    public TransferResult run(TransferOptions options, CommitGate gate) {
        return run(options, gate, ProgressListener.NONE);
    }

    /**
     * As {@link #run(TransferOptions, CommitGate)}, telling {@code listener} the bytes moved so far (the row count is
     * -1: COPY tells it only at the end).
     */
    public TransferResult run(TransferOptions options, CommitGate gate, ProgressListener listener) {
        requireNonNull(options, "options is null");
        requireNonNull(gate, "gate is null");
        requireNonNull(listener, "listener is null");
        Connection source = connect(from, Side.SOURCE);
        try (source) {
            Connection target = connect(to, Side.TARGET);
            try (target) {
                return new Run(source, target, options, gate, listener).execute();
            }
        }
        catch (SQLException e) {
            // closing failed after the work was done or failed; the connection is gone either way
            throw SqlErrors.translate(e, to);
        }
    }

    private Connection connect(ConnectionConfig config, Side side) {
        try {
            return JdbcTarget.of(config).connect();
        }
        catch (SQLException e) {
            throw sideFailure(side, SqlErrors.translate(e, config), null);
        }
        catch (PgBridgeException e) {
            throw sideFailure(side, e, null);
        }
    }

    /**
     * Transfers over open pgjdbc connections: the source gets a read-only transaction that is rolled back at the end,
     * the target a transaction that is committed on success and rolled back on any failure.
     */
    public TransferResult run(Connection source, Connection target, TransferOptions options) {
        return run(source, target, options, CommitGate.create());
    }

    /**
     * As {@link #run(Connection, Connection, TransferOptions)}, committing through {@code gate}. Whatever ends the
     * transfer other than its success (an {@link Error} and an interruption included) rolls the target back before
     * its autocommit is restored.
     */
    public TransferResult run(Connection source, Connection target, TransferOptions options, CommitGate gate) {
        return new Run(source, target, options, gate, ProgressListener.NONE).execute();
    }

    /** The 19 bytes before the first tuple of binary COPY: signature, flags (0), header extension length (0). */
    private static final byte[] BINARY_HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
            0, 0, 0, 0, 0, 0, 0, 0};

    private static String snapshotId(String snapshot) {
        if (snapshot == null || !snapshot.matches("[0-9A-Fa-f-]{1,64}")) {
            throw new IllegalStateException("not a snapshot id: " + snapshot);
        }
        return snapshot;
    }

    /** The message of a transfer stopped by an interruption (Ctrl-C, SIGTERM) before its COMMIT. */
    public static final String INTERRUPTED = Loader.INTERRUPTED;

    private final class Run {
        private final Connection source;
        private final Connection target;
        private final TransferOptions o;
        private final CommitGate gate;
        private final ProgressListener listener;
        private final long start = System.nanoTime();
        private String targetName;
        private boolean creating;

        Run(Connection source, Connection target, TransferOptions o, CommitGate gate, ProgressListener listener) {
            this.source = requireNonNull(source, "source is null");
            this.target = requireNonNull(target, "target is null");
            this.o = requireNonNull(o, "options is null");
            this.gate = requireNonNull(gate, "gate is null");
            this.listener = requireNonNull(listener, "listener is null");
            this.targetName = o.targetTable();
        }

        TransferResult execute() {
            boolean sourceAutoCommit;
            boolean targetAutoCommit;
            try {
                sourceAutoCommit = source.getAutoCommit();
                source.setAutoCommit(false);
                source.setReadOnly(true);
            }
            catch (SQLException e) {
                throw failure(Side.SOURCE, e);
            }
            try {
                targetAutoCommit = target.getAutoCommit();
                target.setAutoCommit(false);
            }
            catch (SQLException e) {
                throw failure(Side.TARGET, e);
            }
            gate.watch(source);
            gate.watch(target);
            try {
                return transfer();
            }
            catch (RuntimeException e) {
                if (gate.interrupted()) {
                    // whatever the interruption caused (a canceled statement, a closed connection) is not the news
                    throw new PgBridgeException(ErrorCode.CANCELED, INTERRUPTED, hint(), e);
                }
                throw e;
            }
            finally {
                gate.unwatch(source);
                gate.unwatch(target);
                end(source, sourceAutoCommit, true);
                end(target, targetAutoCommit, false);
            }
        }

        private TransferResult transfer() {
            boolean parallel = o.parallel() > 1 && o.source() instanceof TransferSource.Table;
            if (parallel) {
                // the source's snapshot is exported to the sessions that read its ranges: REPEATABLE READ, set first
                try (Statement s = source.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                }
                catch (SQLException e) {
                    throw failure(Side.SOURCE, e);
                }
            }
            SourceShape shape = describeSource();
            LoadTable table;
            String created = null;
            LoadTarget loadTarget;
            List<String> columns = new ArrayList<>();
            try {
                Optional<LoadTable> existing = LoadTable.find(target, o.targetTable());
                if (existing.isPresent()) {
                    table = existing.get();
                }
                else {
                    if (!o.create()) {
                        PgBridgeException missing = new Catalog(target).notFound(QualifiedName.parse(o.targetTable()));
                        throw new PgBridgeException(ErrorCode.NOT_FOUND, missing.getMessage(), missing.hint()
                                + " (or give --create to create it from the source's columns)");
                    }
                    creating = true;
                    List<TableCreator.Column> definition = shape.columns().stream()
                            .map(c -> new TableCreator.Column(c.name(), c.type(), c.notNull())).toList();
                    // the source's primary key, else the upsert key (an upsert needs a unique key to merge on)
                    List<String> key = shape.primaryKey().isEmpty() ? o.upsertKey() : shape.primaryKey();
                    List<TableCreator.Column> keyed = definition.stream().map(c -> key.contains(c.name())
                            ? new TableCreator.Column(c.name(), c.type(), true) : c).toList();
                    TableCreator.Created made = TableCreator.create(target, o.targetTable(), keyed, key);
                    created = made.sql();
                    table = LoadTable.find(target, made.qualifiedName()).orElseThrow();
                }
                targetName = table.qualifiedName();
                for (SourceColumn c : shape.columns()) {
                    // a column the target computes itself (GENERATED … STORED) is left to it
                    if (table.column(c.name()).map(LoadColumn::generated).orElse(false)) {
                        continue;
                    }
                    columns.add(c.name());
                }
                loadTarget = LoadTarget.prepare(target, table, columns, o.truncate(), o.upsertKey());
            }
            catch (SQLException e) {
                throw failure(Side.TARGET, e);
            }
            catch (PgBridgeException e) {
                throw sideFailure(Side.TARGET, e, hint());
            }
            boolean binary = binary(shape, loadTarget);
            String format = binary ? " (FORMAT binary)" : "";
            ParallelExport.Plan plan = ParallelExport.Plan.single(o.source() instanceof TransferSource.Table
                    ? "one session asked for" : "a query runs in one session");
            String snapshot = null;
            if (parallel) {
                try (PreparedStatement kind = source.prepareStatement(
                        "SELECT relkind::text FROM pg_catalog.pg_class WHERE oid = ?::regclass");
                     Statement s = source.createStatement()) {
                    kind.setString(1, shape.table());
                    String relkind;
                    try (ResultSet rs = kind.executeQuery()) {
                        rs.next();
                        relkind = rs.getString(1);
                    }
                    plan = ParallelExport.plan(source, shape.table(), relkind, o.parallel());
                    try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
                        rs.next();
                        snapshot = rs.getString(1);
                    }
                }
                catch (SQLException e) {
                    throw failure(Side.SOURCE, e);
                }
            }
            lastPlan = plan.describe();
            if (plan.conditions().size() > 1) {
                return transferRanges(shape, loadTarget, binary, created, plan, snapshot);
            }

            CopyOut out;
            try {
                out = source.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (\n" + shape.sql() + "\n) TO STDOUT" + format);
            }
            catch (SQLException e) {
                throw failure(Side.SOURCE, e);
            }
            CopyIn in;
            try {
                in = target.unwrap(PGConnection.class).getCopyAPI().copyIn(loadTarget.copyStatement(binary));
            }
            catch (SQLException e) {
                cancel(out);
                throw failure(Side.TARGET, e);
            }

            CopyPipe pipe = new CopyPipe();
            Thread reader = Thread.ofPlatform().daemon().name("pgbridge-transfer-source").start(() -> pipe.pump(out));
            long bytes = 0;
            long rows;
            try {
                while (true) {
                    CopyPipe.Piece piece = pipe.take();
                    if (piece.failure() != null) {
                        cancel(in);
                        throw piece.failure() instanceof SQLException s ? failure(Side.SOURCE, s)
                                : new PgBridgeException(ErrorCode.INTERNAL, "reading the source failed: " + piece.failure(),
                                        hint(), piece.failure());
                    }
                    if (piece.end()) {
                        break;
                    }
                    in.writeToCopy(piece.bytes(), 0, piece.length());
                    bytes += piece.length();
                    listener.progress(-1, bytes);
                }
                rows = in.endCopy();
            }
            catch (SQLException e) {
                stopReader(pipe, reader);
                cancel(in);
                throw targetCopyFailure(e, columns);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopReader(pipe, reader);
                cancel(in);
                throw new PgBridgeException(ErrorCode.INTERNAL, "the transfer into " + targetName + " was interrupted", hint(), e);
            }
            catch (RuntimeException | Error e) {
                stopReader(pipe, reader);
                cancel(in);
                throw e;
            }
            join(reader);

            long merged = finishTarget(loadTarget);
            return new TransferResult(targetName, rows, bytes, Duration.ofNanos(System.nanoTime() - start), binary, created, merged);
        }

        /** Ends the target's COPY (merging an upsert) and commits through the gate; returns the rows merged. */
        private long finishTarget(LoadTarget loadTarget) {
            try {
                long merged = loadTarget.finish(target);
                gate.commit(target, false);
                return merged;
            }
            catch (SQLException e) {
                throw failure(Side.TARGET, e);
            }
            catch (PgBridgeException e) {
                throw sideFailure(Side.TARGET, e, hint());
            }
        }

        /**
         * The source's ranges read by one session each, all in {@code snapshot}, into ONE target COPY in the target's
         * one transaction: whole rows (text) or whole tuples (binary: each session's header and trailer left out,
         * one of each sent here) from every range go into the same bounded pipe, in whatever order they come.
         */
        private TransferResult transferRanges(SourceShape shape, LoadTarget loadTarget, boolean binary,
                                              String created, ParallelExport.Plan plan,
                                              String snapshot) {
            String format = binary ? " (FORMAT binary)" : "";
            int n = plan.conditions().size();
            List<Connection> sessions = new ArrayList<>(n);
            List<CopyOut> outs = new ArrayList<>(n);
            List<Thread> readers = new ArrayList<>(n);
            CopyPipe pipe = new CopyPipe();
            CopyIn in = null;
            try {
                for (int i = 0; i < n; i++) {
                    sessions.add(TableTransfer.this.connect(from, Side.SOURCE));
                }
                for (int i = 0; i < n; i++) {
                    Connection c = sessions.get(i);
                    gate.watch(c);
                    try {
                        c.setAutoCommit(false);
                        try (Statement s = c.createStatement()) {
                            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                            s.execute("SET TRANSACTION SNAPSHOT '" + snapshotId(snapshot) + "'");
                        }
                        outs.add(c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (\n" + shape.sql() + " WHERE "
                                + plan.conditions().get(i) + "\n) TO STDOUT" + format));
                    }
                    catch (SQLException e) {
                        throw failure(Side.SOURCE, e);
                    }
                }
                try {
                    in = target.unwrap(PGConnection.class).getCopyAPI().copyIn(loadTarget.copyStatement(binary));
                }
                catch (SQLException e) {
                    throw failure(Side.TARGET, e);
                }
                for (int i = 0; i < n; i++) {
                    CopyOut out = outs.get(i);
                    readers.add(Thread.ofPlatform().daemon().name("pgbridge-transfer-source-" + (i + 1))
                            .start(() -> pipe.pump(out, binary ? BINARY_HEADER.length : 0, binary ? 2 : 0)));
                }
                long bytes = 0;
                long rows;
                try {
                    if (binary) {
                        in.writeToCopy(BINARY_HEADER, 0, BINARY_HEADER.length);
                    }
                    int ended = 0;
                    while (ended < n) {
                        CopyPipe.Piece piece = pipe.take();
                        if (piece.failure() != null) {
                            throw piece.failure() instanceof SQLException s ? failure(Side.SOURCE, s)
                                    : new PgBridgeException(ErrorCode.INTERNAL, "reading the source failed: "
                                    + piece.failure(), hint(), piece.failure());
                        }
                        if (piece.end()) {
                            ended++;
                            continue;
                        }
                        in.writeToCopy(piece.bytes(), 0, piece.length());
                        bytes += piece.length();
                        listener.progress(-1, bytes);
                    }
                    if (binary) {
                        in.writeToCopy(new byte[] {(byte) 0xFF, (byte) 0xFF}, 0, 2);
                    }
                    rows = in.endCopy();
                }
                catch (SQLException e) {
                    // no "row N of the source": the ranges' rows arrive interleaved
                    throw failure(Side.TARGET, e);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PgBridgeException(ErrorCode.INTERNAL, "the transfer into " + targetName + " was interrupted", hint(), e);
                }
                for (Thread reader : readers) {
                    join(reader);
                }
                long merged = finishTarget(loadTarget);
                return new TransferResult(targetName, rows, bytes, Duration.ofNanos(System.nanoTime() - start), binary,
                        created, merged);
            }
            catch (RuntimeException | Error e) {
                pipe.stop();
                for (Connection c : sessions) {
                    try {
                        c.unwrap(PGConnection.class).cancelQuery();
                    }
                    catch (SQLException cancelFailed) {
                        log.debug("cannot cancel a source range", cancelFailed);
                    }
                }
                for (Thread reader : readers) {
                    join(reader);
                }
                if (in != null) {
                    cancel(in);
                }
                throw e;
            }
            finally {
                for (Connection c : sessions) {
                    gate.unwatch(c);
                    try {
                        c.close();
                    }
                    catch (SQLException e) {
                        log.debug("closing a source range's session failed", e);
                    }
                }
            }
        }

        private SourceShape describeSource() {
            try {
                return switch (o.source()) {
                    case TransferSource.Table t -> describeTable(t);
                    case TransferSource.Query q -> describeQuery(q);
                };
            }
            catch (SQLException e) {
                throw failure(Side.SOURCE, e);
            }
            catch (PgBridgeException e) {
                throw sideFailure(Side.SOURCE, e, hint());
            }
        }

        private SourceShape describeTable(TransferSource.Table t) throws SQLException {
            Optional<LoadTable> found = LoadTable.find(source, t.name());
            if (found.isEmpty()) {
                throw new Catalog(source).notFound(QualifiedName.parse(t.name()));
            }
            LoadTable table = found.get();
            List<SourceColumn> columns = new ArrayList<>();
            StringBuilder select = new StringBuilder("SELECT ");
            for (LoadColumn c : table.columns()) {
                columns.add(new SourceColumn(c.name(), c.type(), c.notNull(), c.typeOid(), c.builtInType()));
                select.append(columns.size() == 1 ? "" : ", ").append(Identifier.quote(c.name()));
            }
            select.append(" FROM ").append(table.qualifiedName());
            return new SourceShape(select.toString(), columns, table.primaryKey(), table.qualifiedName());
        }

        private SourceShape describeQuery(TransferSource.Query q) throws SQLException {
            String sql = q.sql().strip();
            while (sql.endsWith(";")) {
                sql = sql.substring(0, sql.length() - 1).strip();
            }
            List<String> names = new ArrayList<>();
            List<ResultTypes.SqlType> types;
            try (PreparedStatement ps = source.prepareStatement(sql)) {
                ResultSetMetaData md = ps.getMetaData();
                if (md == null || md.getColumnCount() == 0) {
                    throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the query returns no columns",
                            "give a query that returns rows (SELECT, VALUES, TABLE or WITH … SELECT)");
                }
                Set<String> seen = new HashSet<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String name = md.getColumnLabel(i);
                    if (name.equals("?column?")) {
                        throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "column " + i + " of the query has no name",
                                "name it with AS, e.g. SELECT count(*) AS n …: the names are the target's column names");
                    }
                    if (!seen.add(name)) {
                        throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the query returns column \"" + name + "\" twice",
                                "give each column its own name with AS");
                    }
                    names.add(name);
                }
                types = ResultTypes.of(source, md, names);
            }
            List<SourceColumn> columns = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                ResultTypes.SqlType type = types.get(i);
                columns.add(new SourceColumn(names.get(i), type.sqlName(), false, type.oid(), type.builtIn()));
            }
            return new SourceShape(sql, columns, List.of(), null);
        }

        /** Binary COPY when every column is the same built-in type on both sides (its binary form is then the same). */
        private boolean binary(SourceShape shape, LoadTarget loadTarget) {
            for (LoadColumn t : loadTarget.columns()) {
                SourceColumn s = shape.columns().stream().filter(c -> c.name().equals(t.name())).findFirst().orElse(null);
                if (s == null || !s.builtIn() || !t.builtInType() || s.typeOid() != t.typeOid()) {
                    return false;
                }
            }
            return true;
        }

        private PgBridgeException targetCopyFailure(SQLException e, List<String> columns) {
            Optional<LoadCopyError> row = LoadCopyError.of(e, columns);
            if (row.isPresent()) {
                return new PgBridgeException(ErrorCode.INVALID_DATA, "the target " + describe(to) + " failed: "
                        + row.get().describe("row " + row.get().copyLine() + " of the source"), hint(), e);
            }
            return failure(Side.TARGET, e);
        }

        private PgBridgeException failure(Side side, SQLException e) {
            return sideFailure(side, SqlErrors.translate(e, side == Side.SOURCE ? from : to), hint());
        }

        private String hint() {
            return "the target was rolled back: " + (creating ? "the table was not created" : "nothing was written to " + targetName);
        }

        private void stopReader(CopyPipe pipe, Thread reader) {
            pipe.stop();
            try {
                reader.join(500);
                if (reader.isAlive()) {
                    // the source is slow to send its next row: cancel its query so the reader wakes up
                    source.unwrap(PGConnection.class).cancelQuery();
                    reader.join(10_000);
                }
            }
            catch (SQLException e) {
                // the reader ends when its connection closes
                log.debug("cannot cancel the source query", e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void join(Thread reader) {
            try {
                reader.join(10_000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private PgBridgeException sideFailure(Side side, PgBridgeException e, String extraHint) {
        String hint = e.hint() == null ? extraHint : extraHint == null ? e.hint() : e.hint() + "; " + extraHint;
        return new PgBridgeException(e.code(), "the " + side.label() + " " + describe(side == Side.SOURCE ? from : to)
                + " failed: " + e.getMessage(), hint, e);
    }

    /** {@code 'conn_id' (host:port/database)}, never a password. */
    static String describe(ConnectionConfig c) {
        String where = (c.host() == null ? "" : c.host()) + ":" + (c.port() == null ? ConnectionConfig.DEFAULT_PORT : c.port())
                + "/" + (c.database() == null ? c.login() : c.database());
        return c.connId() == null ? "(" + where + ")" : "'" + c.connId() + "' (" + where + ")";
    }

    private static void cancel(CopyIn in) {
        try {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
        catch (SQLException e) {
            // the transaction is rolled back next, which ends the COPY anyway
            log.debug("cannot cancel the target COPY", e);
        }
    }

    private static void cancel(CopyOut out) {
        try {
            if (out.isActive()) {
                out.cancelCopy();
            }
        }
        catch (SQLException e) {
            // the source transaction is rolled back next
            log.debug("cannot cancel the source COPY", e);
        }
    }

    /** Rolls back (the source always, the target unless committed) and restores autocommit; the connection may be broken. */
    private static void end(Connection c, boolean autoCommit, boolean readOnly) {
        try {
            if (c.isClosed()) {
                return;
            }
            c.rollback();
            if (readOnly) {
                c.setReadOnly(false);
            }
            c.setAutoCommit(autoCommit);
        }
        catch (SQLException e) {
            // broken connection: the caller closes it, and the failure already thrown says why
            log.debug("cannot end the transaction", e);
        }
    }
}
