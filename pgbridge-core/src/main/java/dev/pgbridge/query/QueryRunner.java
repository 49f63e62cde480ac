package dev.pgbridge.query;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Runs SQL for a user on one connection: every statement of the text in order, each on its own in autocommit
 * mode as psql runs them (wrap them in BEGIN … COMMIT for all or nothing), each result handed over as it comes.
 * Values arrive as PostgreSQL prints them (text format; see {@link Row}), with the session's
 * {@code IntervalStyle} set to {@code iso_8601} while it runs, so intervals are ISO-8601 durations.
 *
 * <p>A result is read whole before it is handed over (pgjdbc reads it in one go outside a transaction): use
 * {@link RowStream} for results of any size. {@link #cancel()} may be called from any thread.
 */
public final class QueryRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueryRunner.class);

    private final Connection connection;
    private final ConnectionConfig target;
    private final boolean owned;
    private final ResultColumns types;
    private volatile boolean canceled;
    private volatile Statement current;
    private long rowLimit;

    private QueryRunner(Connection connection, ConnectionConfig target, boolean owned) {
        this.connection = requireNonNull(connection, "connection is null");
        this.target = requireNonNull(target, "target is null");
        this.owned = owned;
        this.types = new ResultColumns(connection);
    }

    /** Opens a connection of its own to {@code target}; {@link #close()} closes it. */
    public static QueryRunner open(ConnectionConfig target) {
        try {
            return new QueryRunner(JdbcTarget.of(target).connect(), target, true);
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, target);
        }
    }

    /** Runs on a connection the caller owns (and closes); {@code target} names it in error messages. */
    public static QueryRunner on(Connection connection, ConnectionConfig target) {
        return new QueryRunner(connection, target, false);
    }

    /**
     * Reads at most {@code max} rows of each result (0: all): PostgreSQL stops sending after them
     * ({@code Statement.setMaxRows}), so a console that shows the first rows does not hold the rest in memory.
     * Ask for one row more than shown to tell whether there were more.
     */
    public QueryRunner limitRows(long max) {
        if (max < 0) {
            throw new IllegalArgumentException("max is negative: " + max);
        }
        this.rowLimit = max;
        return this;
    }

    /** Runs the query and collects every result in memory. */
    public List<StatementResult> run(Query query) {
        Collector collector = new Collector();
        run(query, collector);
        return List.copyOf(collector.results);
    }

    /**
     * Runs the query, handing each result to {@code handler} as it comes. Stops at the first failing statement
     * (the ones before it stay done) with a {@link QueryException} for errors in the SQL, a
     * {@link PgBridgeException} of code {@code TIMEOUT} or {@code CANCELED}, or one from {@link SqlErrors}.
     */
    public void run(Query query, ResultHandler handler) {
        requireNonNull(query, "query is null");
        requireNonNull(handler, "handler is null");
        List<SqlStatement> statements = SqlScript.split(query.sql());
        check(query, statements);
        SqlStatement running = null;
        Session previous = null;
        try {
            previous = Session.apply(connection, query.timeout());
            for (SqlStatement statement : statements) {
                running = statement;
                execute(statement, query.parameters(), handler);
            }
        }
        catch (SQLException e) {
            throw QueryErrors.translate(e, target, running, query.timeout(), canceled);
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot write the result: " + e.getMessage(),
                    "check the output (disk full, closed pipe)", e);
        }
        finally {
            if (previous != null) {
                previous.restore(connection);
            }
        }
    }

    private static void check(Query query, List<SqlStatement> statements) {
        if (statements.isEmpty()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the SQL text holds no statement",
                    "give SQL text with at least one statement");
        }
        if (query.parameters().isEmpty()) {
            return;
        }
        if (statements.size() > 1) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "parameters need a single statement, but the SQL "
                    + "text holds " + statements.size(), "run the statements one at a time, or drop the parameters");
        }
        int markers = statements.get(0).parameterCount();
        if (markers != query.parameters().size()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "the statement has " + markers
                    + " parameter marker" + (markers == 1 ? "" : "s") + " (?) but " + query.parameters().size()
                    + " value" + (query.parameters().size() == 1 ? " was" : "s were") + " given",
                    "give one value per ?, in order; write ?? for a literal ? (the jsonb operators ?, ?| and ?&)");
        }
    }

    private void execute(SqlStatement statement, List<String> parameters, ResultHandler handler)
            throws SQLException, IOException {
        Statement s = parameters.isEmpty() ? connection.createStatement() : connection.prepareStatement(statement.text());
        try (s) {
            // 0: never switch to a server-prepared statement, whose results pgjdbc would take in binary
            s.unwrap(PGStatement.class).setPrepareThreshold(0);
            s.setMaxRows((int) Math.min(rowLimit, Integer.MAX_VALUE)); // pgjdbc has no setLargeMaxRows
            current = s;
            if (canceled) {
                throw new SQLException("canceling statement due to user request", "57014");
            }
            boolean rows;
            if (s instanceof PreparedStatement ps) {
                for (int i = 0; i < parameters.size(); i++) {
                    String value = parameters.get(i);
                    if (value == null) {
                        ps.setNull(i + 1, Types.OTHER);
                    }
                    else {
                        ps.setObject(i + 1, value, Types.OTHER); // untyped: PostgreSQL infers the type
                    }
                }
                rows = ps.execute();
            }
            else {
                s.setEscapeProcessing(false); // PostgreSQL SQL as written, no JDBC {fn …} escapes
                rows = s.execute(statement.text());
            }
            while (true) {
                if (rows) {
                    try (ResultSet rs = s.getResultSet()) {
                        read(statement, rs, handler);
                    }
                }
                else {
                    long count = s.getLargeUpdateCount();
                    if (count < 0) {
                        break;
                    }
                    handler.count(new CountResult(statement, count));
                }
                rows = s.getMoreResults();
            }
        }
        finally {
            current = null;
        }
    }

    private void read(SqlStatement statement, ResultSet rs, ResultHandler handler) throws SQLException, IOException {
        List<Column> columns = types.columns(rs);
        handler.start(statement, columns);
        long count = 0;
        while (rs.next()) {
            handler.row(ResultColumns.row(rs, columns));
            count++;
        }
        handler.end(statement, count);
    }

    /**
     * Cancels the running statement on the server (PostgreSQL's cancel request) and every later one: this runner
     * runs nothing more. Returns when the statement has stopped, or after 5 seconds. Any thread may call it.
     */
    public void cancel() {
        canceled = true;
        Cancel.whileRunning(connection, () -> current);
    }

    public boolean canceled() {
        return canceled;
    }

    /** Closes the connection if this runner opened it. */
    @Override
    public void close() {
        if (!owned) {
            return;
        }
        try {
            connection.close();
        }
        catch (SQLException e) {
            log.debug("closing the query connection failed", e);
        }
    }

    /** The session settings pgbridge changes while it runs a query, and their values before. */
    private record Session(String intervalStyle, String statementTimeout) {
        static Session apply(Connection c, Duration timeout) throws SQLException {
            Session before;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('IntervalStyle'), current_setting('statement_timeout')")) {
                rs.next();
                before = new Session(rs.getString(1), timeout == null ? null : rs.getString(2));
            }
            try (PreparedStatement ps = c.prepareStatement(timeout == null
                    ? "SELECT set_config('IntervalStyle', 'iso_8601', false)"
                    : "SELECT set_config('IntervalStyle', 'iso_8601', false), set_config('statement_timeout', ?, false)")) {
                if (timeout != null) {
                    ps.setString(1, Long.toString(Math.max(1, timeout.toMillis())));
                }
                ps.execute();
            }
            return before;
        }

        void restore(Connection c) {
            try (PreparedStatement ps = c.prepareStatement(statementTimeout == null
                    ? "SELECT set_config('IntervalStyle', ?, false)"
                    : "SELECT set_config('IntervalStyle', ?, false), set_config('statement_timeout', ?, false)")) {
                ps.setString(1, intervalStyle);
                if (statementTimeout != null) {
                    ps.setString(2, statementTimeout);
                }
                ps.execute();
            }
            catch (SQLException e) {
                // an aborted transaction (its rollback undoes the settings too) or a lost connection
                log.debug("could not restore the session settings", e);
            }
        }
    }

    private static final class Collector implements ResultHandler {
        private final List<StatementResult> results = new ArrayList<>();
        private List<Column> columns;
        private List<Row> rows;

        @Override
        public void start(SqlStatement statement, List<Column> columns) {
            this.columns = columns;
            this.rows = new ArrayList<>();
        }

        @Override
        public void row(Row row) {
            rows.add(row);
        }

        @Override
        public void end(SqlStatement statement, long count) {
            results.add(new RowsResult(statement, columns, rows));
        }

        @Override
        public void count(CountResult count) {
            results.add(count);
        }
    }
}
