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
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The rows of one query, of any size, in batches: memory holds one fetch of rows at a time, never the result.
 * The query runs in a read-only transaction through a server-side cursor (pgjdbc's cursor mode: autocommit off,
 * a fetch size, forward only), with {@code IntervalStyle = iso_8601} and the optional timeout set for that
 * transaction only. {@link #close()} ends the transaction and gives the connection back as it was.
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
    private final boolean autoCommitBefore;
    private PreparedStatement prepared;
    private ResultSet resultSet;
    private List<Column> columns;
    private long rows;
    private volatile boolean canceled;
    private volatile Object running;

    private RowStream(Connection connection, ConnectionConfig target, SqlStatement statement, Duration timeout,
                      boolean autoCommitBefore) {
        this.connection = connection;
        this.target = target;
        this.statement = statement;
        this.timeout = timeout;
        this.autoCommitBefore = autoCommitBefore;
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
            stream = new RowStream(connection, target, statement, timeout, connection.getAutoCommit());
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
            begin(connection, timeout, true);
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
            columns = new TypeResolver(connection).columns(resultSet);
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
     * Starts a read-only transaction on a connection with autocommit off, with the timeout (null: none) and, when
     * asked, ISO-8601 intervals for this transaction only. Shared by the exports, which run in the same kind of
     * transaction.
     */
    public static void begin(Connection connection, Duration timeout, boolean isoIntervals) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
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
     */
    public long forEachBatch(int size, Consumer<List<Row>> consumer) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        requireNonNull(consumer, "consumer is null");
        if (resultSet == null) {
            throw new IllegalStateException("the stream is closed");
        }
        long handed = 0;
        int width = columns.size();
        List<Row> batch = new ArrayList<>(Math.min(size, 65_536));
        try {
            running = resultSet;
            while (next()) {
                String[] values = new String[width];
                for (int i = 0; i < width; i++) {
                    values[i] = resultSet.getString(i + 1);
                }
                batch.add(Row.wrap(values));
                if (batch.size() == size) {
                    handed += hand(consumer, batch);
                    batch = new ArrayList<>(Math.min(size, 65_536));
                }
            }
            if (!batch.isEmpty()) {
                handed += hand(consumer, batch);
            }
            return handed;
        }
        catch (SQLException e) {
            throw QueryErrors.translate(e, target, statement, timeout, canceled);
        }
        finally {
            running = null;
        }
    }

    private boolean next() throws SQLException {
        if (canceled) {
            throw new SQLException("canceling statement due to user request", "57014");
        }
        return resultSet.next();
    }

    private long hand(Consumer<List<Row>> consumer, List<Row> batch) {
        consumer.accept(batch);
        rows += batch.size();
        return batch.size();
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
            connection.setAutoCommit(autoCommitBefore);
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
