package dev.pgbridge.server.data;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.copy.CsvText;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.query.Cancel;
import dev.pgbridge.query.Column;
import dev.pgbridge.query.CountResult;
import dev.pgbridge.query.Query;
import dev.pgbridge.query.QueryException;
import dev.pgbridge.query.QueryRunner;
import dev.pgbridge.query.ResultHandler;
import dev.pgbridge.query.Row;
import dev.pgbridge.query.RowStream;
import dev.pgbridge.query.SqlScript;
import dev.pgbridge.query.SqlStatement;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.connections.ConnectionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * The query console: runs a user's SQL on a tenant's pooled connection with a statement timeout, under a query id
 * that another request of the tenant can cancel ({@link RunningQueries}).
 *
 * <p>The role rule: an editor (or admin) runs any SQL, statement after statement in autocommit as psql does
 * (core's {@link QueryRunner}); a viewer runs one statement in a read-only transaction (core's {@link RowStream}), so
 * PostgreSQL itself refuses any write ({@code SQLSTATE 25006}). A CSV download runs read-only for every role: it
 * re-runs the SQL, and a download must never write twice. Each run is a session of its own: what is left open at its
 * end (a transaction, {@code SET}s, temporary tables, advisory locks) is rolled back and discarded before the
 * connection goes back to the pool.
 */
public final class QueryService {
    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    public static final int DEFAULT_MAX_ROWS = 1000;
    public static final int MAX_ROWS = 100_000;
    private static final int CSV_FETCH = 10_000;

    /**
     * What to run.
     *
     * @param params  values of the {@code ?} markers, bound (null: SQL NULL)
     * @param timeout statement timeout (null: {@link #DEFAULT_TIMEOUT})
     * @param maxRows rows to return at most (0: {@link #DEFAULT_MAX_ROWS}); a CSV download has no limit
     * @param queryId the client's id for the run (null: one is made)
     */
    public record QueryRequest(String sql, List<String> params, Duration timeout, int maxRows, String queryId) {
        public QueryRequest {
            if (sql == null || sql.isBlank()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the SQL is empty", "give a statement, e.g. SELECT 1");
            }
            params = params == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(params));
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the timeout is " + timeout.toMillis()
                        + " ms; it must be more than 0 and at most " + MAX_TIMEOUT.toSeconds() + " s",
                        "give timeout_seconds between 1 and " + MAX_TIMEOUT.toSeconds());
            }
            maxRows = maxRows == 0 ? DEFAULT_MAX_ROWS : maxRows;
            if (maxRows < 1 || maxRows > MAX_ROWS) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "max_rows is " + maxRows + "; it must be 1 to "
                        + MAX_ROWS, "download the result as CSV for more rows (it has no limit)");
            }
            queryId = RunningQueries.id(queryId);
        }

        @Override
        public String toString() {
            return "QueryRequest[" + sql.length() + " chars, " + params.size() + " params, " + queryId + "]"; // no SQL, no values
        }
    }

    /**
     * What a run gave: the result of its last statement.
     *
     * @param rows      at most maxRows rows (for a statement without rows, none)
     * @param rowCount  the rows returned, or the rows a statement without rows touched ({@code UPDATE 3}: 3)
     * @param truncated whether there were more rows than returned
     * @param command   psql's tag of the last statement: {@code SELECT 2}, {@code UPDATE 3}, {@code CREATE}
     * @param readOnly  whether it ran in a read-only transaction (the viewer role)
     */
    public record QueryResult(String queryId, List<Column> columns, List<Row> rows, long rowCount, boolean truncated,
                              long elapsedMs, String command, boolean readOnly) {
        public QueryResult {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    /** Where a CSV download goes: opened once the query has started, so a failure before that is still an error reply. */
    public interface CsvOutput {
        OutputStream open(String queryId) throws IOException;

        /**
         * The query failed after {@link #open}: rows went out already, under a success status that cannot change any
         * more, so the transfer must end as broken (not as a complete, shorter file).
         */
        void abort(Throwable failure);
    }

    private final ConnectionService connections;
    private final RunningQueries running;

    public QueryService(ConnectionService connections, RunningQueries running) {
        this.connections = requireNonNull(connections, "connections is null");
        this.running = requireNonNull(running, "running is null");
    }

    public RunningQueries running() {
        return running;
    }

    /** Whether this principal's SQL runs read-only (a viewer's). */
    public static boolean readOnly(Principal principal) {
        return !principal.role().allows(Role.EDITOR);
    }

    /** Runs the SQL and returns its last result (at most {@code maxRows} rows). */
    public QueryResult run(Principal principal, String connId, QueryRequest request) {
        principal.require(Role.VIEWER);
        requireNonNull(request, "request is null");
        boolean readOnly = readOnly(principal);
        if (readOnly) {
            checkOneStatement(request.sql());
        }
        ConnectionConfig config = connections.get(principal, connId).config();
        DataSource pool = connections.dataSource(principal, connId);
        long start = System.nanoTime();
        try (Connection connection = pool.getConnection()) {
            try {
                if (readOnly) {
                    List<Row> rows = new ArrayList<>();
                    AtomicBoolean truncated = new AtomicBoolean();
                    List<Column> columns = stream(principal, connId, config, connection, request,
                            Math.min(request.maxRows() + 1, CSV_FETCH), stream -> {
                                try {
                                    stream.forEachBatch(Math.min(request.maxRows() + 1, CSV_FETCH), batch -> {
                                        for (Row row : batch) {
                                            if (rows.size() == request.maxRows()) {
                                                truncated.set(true);
                                                throw new StopReading();
                                            }
                                            rows.add(row);
                                        }
                                    });
                                }
                                catch (StopReading enough) {
                                    // the first maxRows rows are in; the rest stay on the server
                                }
                                return stream.columns();
                            });
                    return new QueryResult(request.queryId(), columns, rows, rows.size(), truncated.get(),
                            millis(start), "SELECT " + rows.size(), true);
                }
                return runReadWrite(principal, connId, config, connection, request, start);
            }
            finally {
                reset(connection);
            }
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, config);
        }
    }

    /**
     * Streams the rows of one statement as CSV (header line, then every row as {@code COPY … csv} writes it; NULL is an
     * empty unquoted field), read-only, through a cursor: memory stays flat whatever the size. Returns the rows written.
     */
    public long csv(Principal principal, String connId, QueryRequest request, CsvOutput output) {
        principal.require(Role.VIEWER);
        requireNonNull(output, "output is null");
        checkOneStatement(request.sql());
        ConnectionConfig config = connections.get(principal, connId).config();
        DataSource pool = connections.dataSource(principal, connId);
        AtomicBoolean opened = new AtomicBoolean();
        try (Connection connection = pool.getConnection()) {
            try {
                return stream(principal, connId, config, connection, request, CSV_FETCH, stream -> {
                    OutputStream out = output.open(request.queryId());
                    opened.set(true);
                    out.write(CsvText.line(stream.columns().stream().map(Column::name).toList()).getBytes(StandardCharsets.UTF_8));
                    long rows = stream.forEachBatch(CSV_FETCH, batch -> {
                        StringBuilder text = new StringBuilder();
                        for (Row row : batch) {
                            text.append(CsvText.line(row.values()));
                        }
                        try {
                            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                        }
                        catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    out.flush();
                    return rows;
                });
            }
            catch (RuntimeException e) {
                if (opened.get()) {
                    output.abort(e);
                }
                throw e;
            }
            finally {
                reset(connection);
            }
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, config);
        }
        catch (java.io.UncheckedIOException e) {
            throw new PgBridgeException(ErrorCode.IO, "the CSV download was cut off: " + e.getCause().getMessage(),
                    "the client stopped reading; download it again", e);
        }
    }

    /** What is done with an open row stream. */
    private interface StreamWork<T> {
        T apply(RowStream stream) throws IOException;
    }

    /** Runs one statement read-only through core's {@link RowStream}, registered for cancel under the query id. */
    private <T> T stream(Principal principal, String connId, ConnectionConfig config, Connection connection,
                         QueryRequest request, int fetch, StreamWork<T> work) {
        AtomicBoolean canceled = new AtomicBoolean();
        AtomicReference<Object> busy = new AtomicReference<>(request);
        RunningQueries.Registration registration = running.register(principal, request.queryId(), connId, () -> {
            canceled.set(true);
            Cancel.whileRunning(connection, busy::get);
        });
        try {
            RowStream stream = null;
            try {
                stream = RowStream.open(connection, config, request.sql(), request.params(), fetch, request.timeout());
                return work.apply(stream);
            }
            catch (QueryException e) {
                if (canceled.get()) {
                    throw canceled(request, e);
                }
                throw "25006".equals(e.sqlState()) ? e.withHint(READ_ONLY_HINT) : e;
            }
            catch (PgBridgeException e) {
                if (canceled.get()) {
                    throw canceled(request, e);
                }
                if (e.getCause() instanceof SQLException sql && "02000".equals(sql.getSQLState())) {
                    // pgjdbc's "No results were returned by the query": SET, an INSERT without RETURNING, …
                    throw new PgBridgeException(ErrorCode.SQL_ERROR, "the statement returns no rows; a read-only run "
                            + "takes one statement that does (SELECT, VALUES, TABLE, SHOW, … RETURNING)", READ_ONLY_HINT, e);
                }
                throw e;
            }
            catch (IOException e) {
                throw new PgBridgeException(ErrorCode.IO, "the CSV download was cut off: " + e.getMessage(),
                        "the client stopped reading; download it again", e);
            }
            finally {
                busy.set(null);
                if (stream != null) {
                    stream.close();
                }
            }
        }
        finally {
            registration.close();
        }
    }

    private static final String READ_ONLY_HINT = "SQL of the viewer role (and every CSV download) runs in a read-only "
            + "transaction; an editor can run statements that write";

    private QueryResult runReadWrite(Principal principal, String connId, ConnectionConfig config, Connection connection,
                                     QueryRequest request, long start) {
        QueryRunner runner = QueryRunner.on(connection, config).limitRows(request.maxRows() + 1L);
        LastResult last = new LastResult(request.maxRows());
        RunningQueries.Registration registration = running.register(principal, request.queryId(), connId, runner::cancel);
        try {
            runner.run(new Query(request.sql(), request.params(), request.timeout()), last);
        }
        finally {
            registration.close();
            runner.close();
        }
        return new QueryResult(request.queryId(), last.columns, last.rows, last.rowCount, last.truncated, millis(start),
                last.command, false);
    }

    private static void checkOneStatement(String sql) {
        List<SqlStatement> statements = SqlScript.split(sql);
        if (statements.size() > 1) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the SQL holds " + statements.size()
                    + " statements; read-only runs and CSV downloads take one statement that returns rows",
                    "run one statement at a time (a viewer's SQL and every CSV download run in a read-only transaction)");
        }
    }

    private static PgBridgeException canceled(QueryRequest request, PgBridgeException cause) {
        return new PgBridgeException(ErrorCode.CANCELED, "query " + request.queryId() + " was canceled; PostgreSQL stopped it",
                "run it again when you want its result", cause);
    }

    /** Ends whatever the run left open on the pooled connection: a transaction, settings, temp tables, locks. */
    private static void reset(Connection connection) {
        try (Statement s = connection.createStatement()) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            s.execute("ROLLBACK"); // a BEGIN of the user's without COMMIT; a warning when there is none
            s.execute("DISCARD ALL");
        }
        catch (SQLException e) {
            LOG.debug("resetting a console connection failed (SQLSTATE {})", e.getSQLState());
        }
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Thrown by the row consumer once maxRows rows are in: stops the stream early. */
    private static final class StopReading extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopReading() {
            super(null, null, false, false);
        }
    }

    /** Keeps the last result of a run: its first maxRows rows, or a statement's row count. */
    private static final class LastResult implements ResultHandler {
        private final int maxRows;
        private List<Column> columns = List.of();
        private List<Row> rows = List.of();
        private long rowCount;
        private boolean truncated;
        private String command = "";

        LastResult(int maxRows) {
            this.maxRows = maxRows;
        }

        @Override
        public void start(SqlStatement statement, List<Column> columns) {
            this.columns = columns;
            this.rows = new ArrayList<>();
            this.truncated = false;
        }

        @Override
        public void row(Row row) {
            if (rows.size() < maxRows) {
                rows.add(row);
            }
            else {
                truncated = true;
            }
        }

        @Override
        public void end(SqlStatement statement, long count) {
            rowCount = rows.size();
            String keyword = statement.firstKeyword().isEmpty() ? "SELECT" : statement.firstKeyword();
            command = keyword + " " + rows.size() + (truncated ? "+" : "");
        }

        @Override
        public void count(CountResult count) {
            columns = List.of();
            rows = List.of();
            truncated = false;
            rowCount = count.count();
            command = count.tag();
        }
    }
}
