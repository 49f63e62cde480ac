package dev.pgbridge.metadata.usage;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.sql.Identifier;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The server's query log: {@code pg_stat_statements} joined to {@code pg_roles} (who ran it) and {@code pg_database}
 * (where), the most called first, in a read-only transaction, until {@code resultLimit} statements were kept: the
 * caller's test drops statements that name no catalogued relation (pgbridge's own catalog reads, statements on
 * {@code pg_catalog} alone) before they count, so they never crowd the users' queries out of the limit.
 *
 * <p>Its timing columns are chosen by what the installed view has, read from {@code pg_attribute}:
 * {@code total_exec_time} and {@code mean_exec_time} from extension version 1.8 on, {@code total_time} and
 * {@code mean_time} before — not by the server's version, since after pg_upgrade the extension can stay at an old
 * version until {@code ALTER EXTENSION pg_stat_statements UPDATE} (OpenMetadata's users hit both mix-ups, issues #10918
 * and #22109).
 *
 * <p>The view keeps counts, not timestamps: every count is "since the last reset". {@code queryLogDuration} is honoured
 * as well as that allows: when the extension has {@code pg_stat_statements_info} (1.9 on),
 * {@code pg_stat_statements_info.stats_reset} tells when the counts began
 * (the last {@code pg_stat_statements_reset()} or the server's start), and a reset inside the window (by the server's
 * clock) means the counts lie inside it. {@link Read#durationWarning} says which it is (and, without pg_stat_statements_info,
 * that it cannot be known). All counts are booked on the run's day.
 *
 * <p>{@code filterCondition} is OpenMetadata's: SQL text, applied as {@code WHERE (condition)} over the columns
 * {@code query_text}, {@code usename}, {@code database_name}, {@code calls}, {@code mean_time}, {@code total_time}. It
 * is SQL written into the query, so it is guarded: {@link FilterCondition} parses it as one expression when the
 * workflow is read and allows only those columns, literals, comparisons, pattern matches, AND/OR/NOT, IN lists,
 * IS [NOT] NULL and lower/upper/length (no other function, no sub-query). The read runs in a read-only transaction
 * under {@code SET LOCAL statement_timeout = '60s'}.
 */
public final class StatStatements {
    /** What a role without pg_read_all_stats sees instead of other roles' query texts (documented by PostgreSQL). */
    static final String HIDDEN_TEXT = "<insufficient privilege>";
    private static final int FETCH = 500;
    /** How long each statement of the read may run (SET LOCAL, this transaction only). */
    static final String STATEMENT_TIMEOUT = "60s";
    /** The columns {@code filterCondition} may name (OpenMetadata's names where it has them). */
    static final List<String> FILTER_COLUMNS = List.of("query_text", "usename", "database_name", "calls", "mean_time",
            "total_time");

    /**
     * What was read.
     *
     * @param hidden          rows whose text the role may not see (left out)
     * @param durationWarning what {@code queryLogDuration} means for counts without timestamps (always said)
     */
    public record Read(List<LoggedQuery> queries, int serverVersionNum, int hidden, String durationWarning) {
        public Read {
            queries = List.copyOf(queries);
        }
    }

    private StatStatements() {
    }

    /**
     * {@code total_exec_time, mean_exec_time} when the view has them (extension 1.8 on), else {@code total_time,
     * mean_time}.
     */
    static List<String> timeColumns(Collection<String> viewColumns) {
        return viewColumns.contains("total_exec_time") ? List.of("total_exec_time", "mean_exec_time")
                : List.of("total_time", "mean_time");
    }

    /** The columns of the relation {@code schema.name}; empty when there is no such relation. */
    static Set<String> relationColumns(Connection connection, String schema, String name) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT a.attname FROM pg_catalog.pg_attribute a "
                + "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static String logQuery(String view, List<String> time, String condition) {
        return """
                SELECT query_text, usename, database_name, calls, mean_time FROM (
                  SELECT s.query AS query_text, r.rolname AS usename, d.datname AS database_name, s.calls,
                         s.%s AS mean_time, s.%s AS total_time
                  FROM %s s
                  JOIN pg_catalog.pg_roles r ON r.oid = s.userid
                  JOIN pg_catalog.pg_database d ON d.oid = s.dbid
                  WHERE d.datname = ANY (?) AND s.query <> ? AND s.calls > 0
                ) q
                WHERE q.query_text NOT ILIKE '%%pg_stat_statements%%' AND (%s)
                ORDER BY q.calls DESC, q.total_time DESC, q.query_text""".formatted(Identifier.quote(time.get(1)),
                Identifier.quote(time.get(0)), view, condition == null ? "true" : condition);
    }

    /** Whether the log query runs without {@code filterCondition} (then a class-42 error is the condition's). */
    private static boolean runsWithoutCondition(Connection connection, String view, List<String> time,
                                                List<String> databases) {
        try (PreparedStatement ps = connection.prepareStatement(logQuery(view, time, null))) {
            Array names = connection.createArrayOf("text", databases.toArray());
            try {
                ps.setArray(1, names);
                ps.setString(2, HIDDEN_TEXT);
                ps.setMaxRows(1);
                ps.executeQuery().close();
            }
            finally {
                names.free();
            }
            connection.rollback();
            return true;
        }
        catch (SQLException e) {
            try {
                connection.rollback();
            }
            catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            return false;
        }
    }

    /**
     * Reads the statements run in {@code databases}, the most called first, until {@code resultLimit} of them passed
     * {@code keep}. {@code notReady} gives the error to raise when the extension is missing, not loaded, or the role
     * may not read every role's statements.
     */
    public static Read read(Connection connection, List<String> databases, QueryLogSettings settings, LocalDate today,
                            Supplier<PgBridgeException> notReady, Predicate<LoggedQuery> keep) throws SQLException {
        requireNonNull(databases, "databases is null");
        int version = serverVersionNum(connection);
        String schema = extensionSchema(connection);
        if (schema == null || !readsAllStats(connection)) {
            throw notReady.get();
        }
        if (settings.filterCondition() != null && FilterCondition.problem(settings.filterCondition()) != null) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "source.sourceConfig.config.filterCondition "
                    + FilterCondition.problem(settings.filterCondition()), "write one condition using only "
                    + FilterCondition.ALLOWED + ", e.g. query_text NOT ILIKE '%metabase%'");
        }
        List<String> time = timeColumns(relationColumns(connection, schema, "pg_stat_statements"));
        boolean infoView = !relationColumns(connection, schema, "pg_stat_statements_info").isEmpty();
        String view = Identifier.quote(schema) + ".pg_stat_statements";
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        try {
            try (Statement timeout = connection.createStatement()) {
                timeout.execute("SET LOCAL statement_timeout = '" + STATEMENT_TIMEOUT + "'");
            }
            List<LoggedQuery> queries = new ArrayList<>();
            int hidden;
            String durationWarning;
            Array names = connection.createArrayOf("text", databases.toArray());
            try {
                String sql = logQuery(view, time, settings.filterCondition());
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    ps.setArray(1, names);
                    ps.setString(2, HIDDEN_TEXT);
                    ps.setFetchSize(FETCH);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (queries.size() < settings.resultLimit() && rs.next()) {
                            double mean = rs.getDouble(5);
                            LoggedQuery q = new LoggedQuery(rs.getString(1), rs.getString(2), rs.getString(3), null,
                                    rs.getLong(4), rs.wasNull() ? null : mean, today);
                            if (keep.test(q)) {
                                queries.add(q);
                            }
                        }
                    }
                }
                try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM " + view
                        + " s JOIN pg_catalog.pg_database d ON d.oid = s.dbid WHERE d.datname = ANY (?) AND s.query = ?")) {
                    ps.setArray(1, names);
                    ps.setString(2, HIDDEN_TEXT);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        hidden = rs.getInt(1);
                    }
                }
                durationWarning = durationWarning(connection, schema, infoView, settings.queryLogDuration(), today);
            }
            finally {
                names.free();
            }
            connection.commit();
            return new Read(queries, version, hidden, durationWarning);
        }
        catch (SQLException e) {
            connection.rollback();
            // 55000: the extension is installed but its library was not loaded (shared_preload_libraries)
            if ("55000".equals(e.getSQLState())) {
                PgBridgeException error = notReady.get();
                error.addSuppressed(e);
                throw error;
            }
            // class 42 (syntax error, undefined column or function, …): with a condition given, it is the condition's
            // only when the query without it runs cleanly
            if (settings.filterCondition() != null && e.getSQLState() != null && e.getSQLState().startsWith("42")
                    && runsWithoutCondition(connection, view, time, databases)) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "source.sourceConfig.config.filterCondition "
                        + "is not a valid condition on the query log: " + e.getMessage(),
                        "write one SQL condition over the columns " + String.join(", ", FILTER_COLUMNS)
                                + ", e.g. query_text NOT ILIKE '%metabase%'", e);
            }
            throw e;
        }
        finally {
            connection.setReadOnly(false);
            connection.setAutoCommit(autoCommit);
        }
    }

    static int serverVersionNum(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.current_setting('server_version_num')::int")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The schema the extension is installed in, in this database; null when it is not installed. */
    static String extensionSchema(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT n.nspname FROM pg_catalog.pg_extension e "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ?")) {
            ps.setString(1, "pg_stat_statements");
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static boolean readsAllStats(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.pg_has_role(current_user, ?, 'USAGE')")) {
            ps.setString(1, "pg_read_all_stats");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** What the counts cover: since a reset inside the last {@code days} days, or since an older or unknown one. */
    private static String durationWarning(Connection connection, String schema, boolean infoView, int days,
                                          LocalDate today) throws SQLException {
        String since = "the last pg_stat_statements_reset() or the server's start";
        if (infoView) {
            // the server's clock decides whether the last reset lies inside the window
            try (PreparedStatement ps = connection.prepareStatement("SELECT stats_reset, stats_reset >= "
                    + "pg_catalog.now() - pg_catalog.make_interval(days => ?) FROM " + Identifier.quote(schema)
                    + ".pg_stat_statements_info")) {
                ps.setInt(1, days);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getObject(1) != null) {
                        OffsetDateTime reset = rs.getObject(1, OffsetDateTime.class);
                        if (rs.getBoolean(2)) {
                            return "queryLogDuration " + days + ": pg_stat_statements keeps counts without timestamps; "
                                    + "they began at its last reset, " + reset + ", inside the last " + plural(days)
                                    + ", and are all booked on " + today;
                        }
                        since = "their last reset at " + reset;
                    }
                }
            }
        }
        return "queryLogDuration " + days + ": pg_stat_statements keeps counts without timestamps, so the counts are "
                + "those since " + since + ", not only of the last " + plural(days) + ", all booked on " + today
                + "; to make them match, run SELECT pg_stat_statements_reset(); every " + plural(days)
                + " right after the usage workflow";
    }

    private static String plural(int days) {
        return days == 1 ? "1 day" : days + " days";
    }
}
