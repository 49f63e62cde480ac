package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.SourceCatalog;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.TypeCatalog;
import dev.pgbridge.pgtype.TypeResolver;
import dev.pgbridge.sql.Identifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Applies the captured transactions into another PostgreSQL database, exactly once.
 *
 * <p><b>Tables.</b> A source table {@code s.t} goes to {@code <schema>.t} of the target (two captured tables of the
 * same name in different source schemas are refused). On first sight a missing target table is created from the
 * source's catalog: every column that logical replication sends, with its type as the source prints it
 * ({@code format_type}) and no other constraint than the primary key. A type the target lacks (an enum, a domain)
 * must be created there first; the error names it. An existing target table is used as it is.
 *
 * <p><b>Changes.</b> Inserts, updates and backfill reads become {@code INSERT … ON CONFLICT (primary key) DO UPDATE}
 * of the columns the event carries; deletes are {@code DELETE … WHERE <event key columns> = …}; a truncate is a
 * {@code TRUNCATE}. Every value is bound as text and cast to the target column's type ({@code ?::numeric(10,2)}),
 * converted back from the event's JSON by {@link PgJson#toText}, so exact numerics, NaN and infinities, arrays, jsonb,
 * bytea and intervals arrive as they left. Changes are applied in JDBC batches per table: within a batch the changes
 * of one key are folded into one with the same effect (they commit in the same target transaction anyway), and
 * deletes run before upserts — which gives the same table as applying every change in order, since the folded
 * changes of different keys touch different rows.
 *
 * <p><b>Tables without a primary key</b> (REPLICA IDENTITY FULL at the source, where events are keyed by all
 * columns) are applied as a multiset: an insert is a plain {@code INSERT}; a delete removes <em>one</em> row equal
 * in every key column ({@code IS NOT DISTINCT FROM}), found by a sequential scan of the target table per delete —
 * slow for big tables; give them a primary key where you can. Columns without an equality operator (json, xml,
 * point) cannot be matched: such deletes fail.
 *
 * <p><b>Schema changes.</b> A column that appears in events is added to the target ({@code ALTER TABLE … ADD COLUMN},
 * with the source's type). A dropped column is kept in the target: it is nullable there, so rows inserted later have
 * NULL in it, and updates leave it as it was. A column whose type changed at the source is not altered in the
 * target; values that no longer fit fail the apply with PostgreSQL's error (alter the target column by hand). Types
 * are read from the source catalog when a table or column is first seen, which may be later than the change that
 * carries it: a column already dropped at the source by then is created as {@code text}.
 *
 * <p><b>Exactly once.</b> The table {@code <schema>.pgbridge_applied (capture, lsn, …)} holds, per capture name, the
 * commit LSN (end of the commit record) of the last source transaction applied. Accepted transactions are applied
 * in one open target transaction; {@link #flush()} moves the stored LSN to the last of them and commits, so the rows
 * and the LSN become visible together or not at all. A transaction whose LSN is not after the stored one (a replay
 * after a crash, when the target committed but the capture had not yet confirmed) is skipped. The stored LSN is
 * guarded: when another writer moved it in between, the flush fails instead of committing. A capture that starts
 * over from scratch under the same name (a new slot after a re-backfill) must delete its row first.
 *
 * <p>After a failure the sink refuses everything (its open transaction is rolled back); the capture stops and
 * resumes from its checkpoint when started again.
 *
 * <p>The parts, all on the sink's one target connection and its open transaction: {@link TargetTable} (one target
 * table: its columns and key, its pending changes and the statements that apply them), {@link SchemaChanges} (tables
 * and columns created in the target from the source's catalog) and {@link AppliedLsn} (the stored LSN). This class
 * holds them together: which target table a change goes to, when batches are sent and committed, and how a failure is
 * reported.
 */
public final class PostgresSink implements ChangeSink {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresSink.class);
    /** The table, in the target schema, of the applied LSN per capture. */
    public static final String APPLIED_TABLE = AppliedLsn.TABLE;

    private final JdbcTarget target;
    private final String schema;
    private final String captureName;
    private final Settings settings;
    private final TypeResolver types;
    private final Map<TableId, TargetTable> tables = new HashMap<>();
    private final Map<String, TableId> targetNames = new HashMap<>();

    private Connection connection;
    private AppliedLsn applied;
    private SchemaChanges schemaChanges;
    private Lsn acceptedLsn;
    private Instant acceptedCommitTime;
    private boolean uncommitted;
    private int pendingChanges;
    private SinkFailure failure;
    private boolean closed;
    private long appliedTransactions;
    private long skippedTransactions;

    /** @param batchSize changes held per target transaction before they are sent as JDBC batches */
    public record Settings(int batchSize) {
        public static final Settings DEFAULT = new Settings(1000);

        public Settings {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
            }
        }
    }

    /**
     * Connects to the target, creates {@code schema} and the applied-LSN table when missing and reads where this
     * capture stopped. The source connection is used to read the catalog of tables not yet in the target.
     *
     * @throws PgBridgeException when the target cannot be reached or prepared
     */
    public PostgresSink(ConnectionConfig target, String schema, String captureName, ConnectionConfig source,
                        Settings settings) {
        requireNonNull(target, "target is null");
        this.target = JdbcTarget.of(target.extraValue("application_name") == null
                ? target.withExtra("application_name", "pgbridge-sink") : target);
        JdbcTarget sourceTarget = JdbcTarget.of(requireNonNull(source, "source is null"));
        this.schema = new Identifier(requireNonNull(schema, "schema is null")).name();
        this.captureName = requireNonNull(captureName, "captureName is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.types = new TypeResolver(new TargetTypes());
        try {
            connection = this.target.connect();
            connection.setAutoCommit(false);
            createSchemaIfMissing();
            applied = AppliedLsn.open(connection, schema, captureName);
            connection.commit();
            acceptedLsn = applied.applied();
            schemaChanges = new SchemaChanges(connection, schema, sourceTarget);
        }
        catch (SQLException e) {
            SinkFailure failed = failure("preparing schema " + schema + " and its " + APPLIED_TABLE + " table", e,
                    "fix the cause and start the capture again");
            closeConnections();
            throw failed;
        }
        LOG.info("postgres sink {}: capture {} has applied up to {} in schema {}; transactions at or before it are "
                + "skipped", this.target.url(), captureName, applied.applied(), schema);
    }

    @Override
    public Optional<String> schemaInDatabaseOf(Connection source) throws SQLException {
        String target = serverAndDatabase(connection);
        connection.rollback(); // the sink's connection does not autocommit: end the read's transaction
        return target.equals(serverAndDatabase(source)) ? Optional.of(schema) : Optional.empty();
    }

    /** The server instance (its start time and port) and the database a connection is in. */
    private static String serverAndDatabase(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_postmaster_start_time()::text || ' ' || "
                     + "coalesce(pg_catalog.inet_server_port()::text, '') || ' ' || pg_catalog.current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void createSchemaIfMissing() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    try (Statement s = connection.createStatement()) {
                        s.execute("CREATE SCHEMA " + Identifier.quote(schema));
                    }
                    LOG.info("postgres sink: created schema {}", schema);
                }
            }
        }
    }

    /** The commit LSN of the last source transaction committed into the target. */
    public Lsn appliedLsn() {
        return applied.applied();
    }

    /** Source transactions committed into the target since this sink was opened. */
    public long appliedTransactions() {
        return appliedTransactions;
    }

    /** Source transactions skipped because the target already had them. */
    public long skippedTransactions() {
        return skippedTransactions;
    }

    @Override
    public void accept(CommittedTransaction transaction) {
        checkUsable();
        Lsn end = transaction.endLsn();
        if (!end.isAfter(acceptedLsn)) {
            skippedTransactions++;
            LOG.debug("postgres sink: skipping {}, the target has it (applied up to {})", transaction, acceptedLsn);
            return;
        }
        try {
            for (Iterator<ChangeEvent> it = transaction.events(); it.hasNext(); ) {
                apply(it.next());
                if (pendingChanges >= settings.batchSize()) {
                    executePending();
                }
            }
        }
        catch (SQLException | RuntimeException e) {
            throw fail("applying " + transaction, e);
        }
        acceptedLsn = end;
        acceptedCommitTime = transaction.commitTime();
        uncommitted = true;
        appliedTransactions++;
    }

    /** Sends what is pending, moves the stored LSN and commits: after it returns the target has it all. */
    @Override
    public void flush() {
        checkUsable();
        if (!uncommitted) {
            return;
        }
        try {
            executePending();
            applied.commit(acceptedLsn, acceptedCommitTime);
            uncommitted = false;
        }
        catch (SQLException | RuntimeException e) {
            throw fail("committing up to " + acceptedLsn, e);
        }
    }

    private void checkUsable() {
        if (closed) {
            throw new SinkFailure(ErrorCode.SINK_FAILED, "postgres sink is closed", null);
        }
        if (failure != null) {
            throw new SinkFailure(failure.code(), "postgres sink: refusing to go on after an earlier failure: "
                    + failure.getMessage(), failure.hint(), failure);
        }
    }

    /** Rolls back, remembers the failure and returns it with the code and hint of its cause. */
    private SinkFailure fail(String what, Exception e) {
        try {
            connection.rollback();
        }
        catch (SQLException rollback) {
            e.addSuppressed(rollback);
        }
        failure = failure(what, e, "the open target transaction was rolled back and nothing after " + applied.applied()
                + " is confirmed; start the capture again (it resumes from its checkpoint and the target skips what "
                + "it already has)");
        pendingChanges = 0;
        tables.values().forEach(TargetTable::clearPending);
        return failure;
    }

    /**
     * A failure of {@code what}, typed by its cause: an {@link SQLException} anywhere in the chain is translated by
     * SQLSTATE (a missing privilege gets the GRANT this sink needs, read from the target's catalog), a
     * {@link PgBridgeException} keeps its code and hint; {@code then} says what happens next.
     */
    private SinkFailure failure(String what, Exception e, String then) {
        String where = "postgres sink " + target.url() + " schema " + schema + ": " + what + " failed: ";
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgBridgeException known) {
                return new SinkFailure(known.code(), where + known.getMessage(), hint(known.hint(), then), e);
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                PgBridgeException translated = SqlErrors.translate(sql, target.config());
                String hint = translated.hint();
                if (translated.code() == ErrorCode.PRIVILEGE_MISSING) {
                    hint = MissingGrants.read(connection, schema, tables.keySet().stream().map(TableId::table).toList())
                            .map(grants -> "ask the owner of the tables or a superuser of the target to run:\n"
                                    + grants).orElse(hint);
                }
                return new SinkFailure(translated.code(), where + translated.getMessage(), hint(hint, then), e);
            }
        }
        return new SinkFailure(ErrorCode.SINK_FAILED, where + e.getMessage(), then, e);
    }

    private static String hint(String hint, String then) {
        return hint == null ? then : hint + "; " + then;
    }

    private void apply(ChangeEvent event) throws SQLException {
        TargetTable table = table(event.table());
        int before = table.pending();
        switch (event.op()) {
            case READ, CREATE, UPDATE -> table.upsert(event);
            case DELETE -> table.delete(event);
            case TRUNCATE -> table.truncate();
        }
        pendingChanges += table.pending() - before;
    }

    private void executePending() throws SQLException {
        for (TargetTable t : tables.values()) {
            t.executePending();
        }
        pendingChanges = 0;
    }

    /** The target table of source table {@code id}, prepared on first sight (see {@link SchemaChanges#table}). */
    private TargetTable table(TableId id) throws SQLException {
        TargetTable table = tables.get(id);
        if (table != null) {
            return table;
        }
        String name = id.table();
        if (name.equals(APPLIED_TABLE)) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "source table " + id + " has the name of the "
                    + "sink's own table " + schema + "." + APPLIED_TABLE, "do not capture it, or apply into a schema "
                    + "of its own");
        }
        TableId other = targetNames.putIfAbsent(name, id);
        if (other != null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "source tables " + other + " and " + id + " would "
                    + "both be applied into " + schema + "." + name, "capture them into different sinks (schemas)");
        }
        table = new TargetTable(connection, schema, id, schemaChanges.table(id), types, schemaChanges);
        tables.put(id, table);
        return table;
    }

    /** Rolls back what was not flushed and closes the connections; flushes first unless a failure came before. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (failure == null) {
                flush();
            }
        }
        finally {
            closed = true;
            closeConnections();
        }
    }

    private void closeConnections() {
        tables.values().forEach(TargetTable::closeStatements);
        if (connection != null) {
            try {
                if (!connection.isClosed() && !connection.getAutoCommit()) {
                    connection.rollback();
                }
                connection.close();
            }
            catch (SQLException e) {
                LOG.debug("closing a connection: {}", e.getMessage());
            }
        }
        if (schemaChanges != null) {
            schemaChanges.close();
        }
    }

    @Override
    public String toString() {
        return "PostgresSink[target=" + target.url() + ", schema=" + schema + ", capture=" + captureName + "]";
    }

    /** {@code pg_type} of the target, for {@link TypeResolver}: how each column's text is made. */
    private final class TargetTypes implements SourceCatalog {
        @Override
        public Optional<List<String>> primaryKey(int relationOid) {
            return Optional.empty();
        }

        @Override
        public Optional<TypeRow> type(int typeOid) {
            try {
                return TypeCatalog.lookup(connection, typeOid);
            }
            catch (SQLException e) {
                throw new IllegalStateException("cannot read type " + typeOid + " of the target: " + e.getMessage(), e);
            }
        }
    }
}
