package dev.pgbridge.query;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The rows of one query, of any size, in batches: memory holds one fetch of rows at a time, never the result.
 * The query runs in a read-only transaction through a server-side cursor (pgjdbc's cursor mode: autocommit off,
 * a fetch size, forward only), with {@code IntervalStyle = iso_8601} and the optional timeout set for that
 * transaction only. The connection must be in autocommit mode; {@link #close()} ends the transaction and gives the
 * connection back in autocommit mode.
 *
 * <pre>{@code
 * try (RowStream rows = RowStream.open(connection, target, "SELECT * FROM big", List.of(), 10_000, null)) {
 *     rows.forEachBatch(10_000, batch -> batch.forEach(row -> ...));
 * }
 * }</pre>
 */
public final class RowStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RowStream.class);

    private final Connection connection;
    private final ConnectionConfig target;
    private final SqlStatement statement;
    private final Duration timeout;
    private final String snapshot;
    private PreparedStatement prepared;
    private ResultSet resultSet;
    private List<Column> columns;
    private long rows;
    private volatile boolean canceled;
    private volatile Object running;

    private RowStream(Connection connection, ConnectionConfig target, SqlStatement statement, Duration timeout,
                      String snapshot) {
        this.connection = connection;
        this.target = target;
        this.statement = statement;
        this.timeout = timeout;
        this.snapshot = snapshot;
    }

    /**
     * Starts the query. {@code sql} is one statement that returns rows; {@code parameters} fill its {@code ?}
     * markers as in {@link Query}.
     *
     * @param fetchSize rows per round trip to the server (e.g. 10,000)
     * @param timeout statement timeout for the query, or null
     */
    public static RowStream open(Connection connection, ConnectionConfig target, String sql, List<String> parameters,
                                 int fetchSize, Duration timeout) {
        return open(connection, target, sql, parameters, fetchSize, timeout, null);
    }

    /**
     * As {@link #open(Connection, ConnectionConfig, String, List, int, Duration)}, reading in the exported snapshot
     * {@code snapshot} ({@code pg_export_snapshot()} of a transaction that is still open; null: a snapshot of its own).
     */
    public static RowStream open(Connection connection, ConnectionConfig target, String sql, List<String> parameters,
                                 int fetchSize, Duration timeout, String snapshot) {
        requireNonNull(connection, "connection is null");
        requireNonNull(target, "target is null");
        requireNonNull(parameters, "parameters is null");
        if (fetchSize < 1) {
            throw new IllegalArgumentException("fetchSize must be positive: " + fetchSize);
        }
        SqlStatement statement = SqlScript.single(sql);
        if (statement.parameterCount() != parameters.size()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the statement has " + statement.parameterCount()
                    + " parameter markers (?) but " + parameters.size() + " values were given",
                    "give one value per ?, in order; write ?? for a literal ?");
        }
        RowStream stream;
        try {
            requireAutoCommit(connection);
            stream = new RowStream(connection, target, statement, timeout, snapshot);
        }
        catch (SQLException e) {
            throw QueryErrors.translate(e, target, statement, timeout, false);
        }
        stream.start(parameters, fetchSize);
        return stream;
    }

    private void start(List<String> parameters, int fetchSize) {
        try {
            connection.setAutoCommit(false);
            begin(connection, timeout, true, snapshot);
            prepared = connection.prepareStatement(statement.text(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            prepared.unwrap(PGStatement.class).setPrepareThreshold(0); // text results
            prepared.setFetchSize(fetchSize);
            for (int i = 0; i < parameters.size(); i++) {
                if (parameters.get(i) == null) {
                    prepared.setNull(i + 1, Types.OTHER);
                }
                else {
                    prepared.setObject(i + 1, parameters.get(i), Types.OTHER);
                }
            }
            running = prepared;
            try {
                resultSet = prepared.executeQuery();
            }
            finally {
                running = null;
            }
            columns = new ResultColumns(connection).columns(resultSet);
        }
        catch (SQLException e) {
            PgBridgeException failure = QueryErrors.translate(e, target, statement, timeout, canceled);
            close();
            throw failure;
        }
        catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The stream and the exports run in a transaction of their own and end it: a connection in the middle of the
     * caller's transaction would lose it.
     */
    public static void requireAutoCommit(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            throw new IllegalStateException("the connection is in a transaction (autocommit off); streaming needs "
                    + "one in autocommit mode, as it runs and ends a read-only transaction of its own");
        }
    }

    /**
     * Starts a read-only transaction on a connection with autocommit off, with the timeout (null: none) and, when
     * asked, ISO-8601 intervals for this transaction only. Shared by the exports, which run in the same kind of
     * transaction.
     */
    public static void begin(Connection connection, Duration timeout, boolean isoIntervals) throws SQLException {
        begin(connection, timeout, isoIntervals, null);
    }

    /**
     * As {@link #begin(Connection, Duration, boolean)}; with a {@code snapshot} (an id from
     * {@code pg_export_snapshot()}, null for none) the transaction is REPEATABLE READ and sees exactly that snapshot.
     */
    public static void begin(Connection connection, Duration timeout, boolean isoIntervals, String snapshot)
            throws SQLException {
        try (Statement s = connection.createStatement()) {
            if (snapshot == null) {
                s.execute("SET TRANSACTION READ ONLY");
            }
            else {
                if (!snapshot.matches("[0-9A-Fa-f-]{1,64}")) {
                    throw new IllegalArgumentException("not a snapshot id: " + snapshot);
                }
                // before any query of the transaction, as PostgreSQL requires; SET takes no bound parameters
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                s.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
            }
        }
        if (!isoIntervals && timeout == null) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT set_config('IntervalStyle', coalesce(?, current_setting('IntervalStyle')), true), "
                        + "set_config('statement_timeout', coalesce(?, current_setting('statement_timeout')), true)")) {
            ps.setString(1, isoIntervals ? "iso_8601" : null);
            ps.setString(2, timeout == null ? null : Long.toString(Math.max(1, timeout.toMillis())));
            ps.execute();
        }
    }

    /** The result's columns, known as soon as the stream is open. */
    public List<Column> columns() {
        return columns;
    }

    /** The statement that runs. */
    public SqlStatement statement() {
        return statement;
    }

    /** Rows handed out so far. */
    public long rowCount() {
        return rows;
    }

    /**
     * Hands every (remaining) row to {@code consumer} in lists of up to {@code size} rows; each list is new and
     * the consumer may keep it. Returns the number of rows handed out by this call. Exceptions the consumer throws
     * stop the stream and come out as they are.
     *
     * <p>A reader thread fetches the next batches while the consumer works on one (at most two wait), so the
     * server, the network and the consumer work at the same time; memory holds at most four batches plus one
     * fetch. The consumer runs on the calling thread.
     */
    public long forEachBatch(int size, Consumer<List<Row>> consumer) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        requireNonNull(consumer, "consumer is null");
        if (resultSet == null) {
            throw new IllegalStateException("the stream is closed");
        }
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2);
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = Thread.ofPlatform().daemon().name("pgbridge-row-reader")
                .unstarted(() -> read(size, queue, stop));
        running = resultSet;
        reader.start();
        long handed = 0;
        try {
            while (true) {
                Object item = queue.take();
                if (item == END) {
                    return handed;
                }
                if (item instanceof ReadFailure failure) {
                    if (failure.error() instanceof SQLException e) {
                        throw QueryErrors.translate(e, target, statement, timeout, canceled);
                    }
                    if (failure.error() instanceof RuntimeException e) {
                        throw e;
                    }
                    throw (Error) failure.error();
                }
                @SuppressWarnings("unchecked")
                List<Row> batch = (List<Row>) item;
                consumer.accept(batch);
                rows += batch.size();
                handed += batch.size();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgBridgeException(ErrorCode.CANCELED, "interrupted while reading rows", null, e);
        }
        finally {
            stopReader(reader, queue, stop);
            running = null;
        }
    }

    private static final Object END = new Object();

    private record ReadFailure(Throwable error) {
    }

    /** The reader thread: fetches rows into batches and queues them, then END (or the failure). */
    private void read(int size, BlockingQueue<Object> queue, AtomicBoolean stop) {
        try {
            List<Row> batch = new ArrayList<>(Math.min(size, 65_536));
            while (!stop.get() && next()) {
                batch.add(ResultColumns.row(resultSet, columns));
                if (batch.size() == size) {
                    put(queue, batch, stop);
                    batch = new ArrayList<>(Math.min(size, 65_536));
                }
            }
            if (!batch.isEmpty()) {
                put(queue, batch, stop);
            }
            put(queue, END, stop);
        }
        catch (SQLException | RuntimeException | Error e) {
            put(queue, new ReadFailure(e), stop);
        }
    }

    private static void put(BlockingQueue<Object> queue, Object item, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** After the consumer is done or failed: the reader stops, even in the middle of a slow fetch. */
    private void stopReader(Thread reader, BlockingQueue<Object> queue, AtomicBoolean stop) {
        stop.set(true);
        queue.clear();
        try {
            reader.join(1000);
            if (reader.isAlive()) {
                Cancel.whileRunning(connection, () -> reader.isAlive() ? reader : null);
                reader.join(5000);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean next() throws SQLException {
        if (canceled) {
            throw new SQLException("canceling statement due to user request", "57014");
        }
        return resultSet.next();
    }

    /** Stops the query on the server; the consumer gets no more rows. Any thread may call it. */
    public void cancel() {
        canceled = true;
        Cancel.whileRunning(connection, () -> running);
    }

    /** Closes the cursor, ends the read-only transaction and restores the connection's autocommit setting. */
    @Override
    public void close() {
        try {
            if (resultSet != null) {
                resultSet.close();
            }
            if (prepared != null) {
                prepared.close();
            }
            connection.rollback(); // read only: nothing to keep; also ends an aborted transaction
            connection.setAutoCommit(true);
        }
        catch (SQLException e) {
            log.debug("closing the row stream failed (the connection may be gone)", e);
        }
        finally {
            resultSet = null;
            prepared = null;
        }
    }
}
