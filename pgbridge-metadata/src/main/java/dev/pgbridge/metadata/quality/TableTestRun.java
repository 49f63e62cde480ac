package dev.pgbridge.metadata.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.openmetadata.TestCaseNames;
import dev.pgbridge.metadata.profile.pii.PiiTag;
import dev.pgbridge.sql.Identifier;
import dev.pgbridge.sql.QualifiedName;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The tests of one table, run in as few scans as their math allows: every aggregate test (row count, nulls, sets,
 * regular expressions, bounds, lengths, max/min/mean/median/stddev/sum, recent inserts) in one {@code SELECT} over the
 * table; uniqueness, {@code tableCustomSQLQuery} and {@code tableDiff} in a query each; column counts and names from
 * the table's shape. Each query runs in its own read-only transaction with {@code SET LOCAL statement_timeout}. When the
 * shared scan fails (a bad regular expression, a value the column's type cannot read), each test's part runs alone, so
 * only the test at fault is Aborted, with the server's message; a statement timeout or a lost connection of the shared
 * scan aborts its tests with that message at once (alone, each would only wait as long again). Names enter SQL only
 * through {@link Identifier#quote}, every value (bounds, sets, patterns) is bound; only {@code sqlExpression},
 * {@code partitionCondition} and {@code tableDiff}'s {@code where} are the user's SQL, each checked by core's lexer
 * ({@link TestDefinition.Parameter#sql}) and run read-only.
 */
final class TableTestRun {
    static final String SUCCESS = "Success";
    static final String FAILED = "Failed";
    static final String ABORTED = "Aborted";
    /** Failing rows kept per test. */
    static final int SAMPLE_ROWS = 10;

    private final String tableFqn;
    private final QualifiedName table;
    private final TableShape shape;
    private final List<TestSuiteSettings.TestCaseSpec> cases;
    private final Duration timeout;
    private final SensitiveColumns pii;
    private final long timestamp;

    /** @param shape null when the table does not exist (every test is then Aborted) */
    TableTestRun(String tableFqn, QualifiedName table, TableShape shape, List<TestSuiteSettings.TestCaseSpec> cases,
                 Duration timeout, SensitiveColumns pii, long timestamp) {
        this.tableFqn = requireNonNull(tableFqn, "tableFqn is null");
        this.cases = List.copyOf(cases);
        this.table = requireNonNull(table, "table is null");
        this.shape = shape;
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.pii = requireNonNull(pii, "pii is null");
        this.timestamp = timestamp;
    }

    // ---- the parts of a test

    /** A bound value the server reads as the type its place asks for (a column's type for {@code col < ?}). */
    private record Untyped(String text) {
    }

    /** SQL text with its bound values. */
    private record Sql(String text, List<Object> binds) {
        Sql {
            binds = List.copyOf(binds);
        }

        static Sql of(String text, Object... binds) {
            return new Sql(text, Arrays.asList(binds));
        }
    }

    /** What a test concluded. */
    private record Verdict(String status, String result, List<Requests.TestResultValue> values, Long passedRows,
                           Long failedRows) {
    }

    /** A test that runs its own query (or none), in a read-only transaction of its own. */
    @FunctionalInterface
    private interface Own {
        Verdict run(Connection c) throws SQLException;
    }

    /** A test: its aggregates over the table and the verdict on their values, or its own query. */
    private static final class Check {
        final TestSuiteSettings.TestCaseSpec spec;
        final List<Sql> aggregates = new ArrayList<>();
        java.util.function.Function<Object[], Verdict> verdict;
        Own own;
        /** The condition of its failing rows; null when it has none. */
        Sql failing;
        /** Failing rows it collected itself (tableCustomSQLQuery). */
        Requests.TableData sample;
        Verdict outcome;

        Check(TestSuiteSettings.TestCaseSpec spec) {
            this.spec = spec;
        }

        int add(String text, Object... binds) {
            aggregates.add(Sql.of(text, binds));
            return aggregates.size() - 1;
        }
    }

    private static final class Aborted extends Exception {
        private static final long serialVersionUID = 1L;

        Aborted(String message) {
            super(message);
        }
    }

    // ---- the run

    List<TestOutcome> run(Connection c) throws SQLException {
        List<Check> checks = new ArrayList<>();
        for (TestSuiteSettings.TestCaseSpec spec : cases) {
            Check check = new Check(spec);
            checks.add(check);
            if (shape == null) {
                check.outcome = aborted("table " + table + " does not exist (or is not visible to this login)");
                continue;
            }
            try {
                plan(check);
            }
            catch (Aborted e) {
                check.outcome = aborted(e.getMessage());
            }
            catch (RuntimeException e) {
                check.outcome = aborted(failure(e));
            }
        }
        List<Check> aggregated = checks.stream().filter(k -> k.outcome == null && k.own == null).toList();
        if (!aggregated.isEmpty()) {
            scan(c, aggregated);
        }
        for (Check check : checks) {
            if (check.outcome == null && check.own != null) {
                try {
                    check.outcome = runOwn(c, check.own);
                }
                catch (SQLException e) {
                    check.outcome = aborted(serverMessage(e));
                }
                catch (RuntimeException e) {
                    check.outcome = aborted(failure(e));
                }
            }
        }
        List<TestOutcome> out = new ArrayList<>();
        for (Check check : checks) {
            Requests.TableData sample = check.sample;
            if (sample == null && FAILED.equals(check.outcome.status()) && check.failing != null) {
                try {
                    sample = failingRows(c, check.failing);
                }
                catch (SQLException | RuntimeException e) {
                    sample = null; // the verdict stands without its sample
                }
            }
            try {
                sample = sample == null ? null : masked(sample);
            }
            catch (RuntimeException e) {
                sample = null; // never unmasked: the verdict stands without its sample
            }
            Verdict v = check.outcome;
            Long total = v.passedRows() == null || v.failedRows() == null ? null : v.passedRows() + v.failedRows();
            Double failedPct = total == null || total == 0 ? null : 100.0 * v.failedRows() / total;
            Double passedPct = failedPct == null ? null : 100.0 - failedPct;
            Requests.TestCaseResult result = new Requests.TestCaseResult(timestamp, v.status(), v.result(),
                    v.values(), v.passedRows(), v.failedRows(), passedPct, failedPct,
                    sample == null || sample.rows().isEmpty() ? null : json(sample));
            out.add(new TestOutcome(tableFqn, check.spec, testCaseFqn(tableFqn, check.spec), result,
                    sample == null || sample.rows().isEmpty() ? null : sample));
        }
        return out;
    }

    /** {@code <tableFqn>.<name>}, or {@code <tableFqn>.<column>.<name>} for a column test (OpenMetadata's). */
    static String testCaseFqn(String tableFqn, TestSuiteSettings.TestCaseSpec spec) {
        return TestCaseNames.testCaseFqn(tableFqn, spec.columnName(), spec.name());
    }

    /** The one scan of the table for every aggregate test; on failure each test's part alone. */
    private void scan(Connection c, List<Check> checks) throws SQLException {
        List<Sql> all = new ArrayList<>();
        for (Check k : checks) {
            all.addAll(k.aggregates);
        }
        try {
            Object[] values = readOnly(c, (SqlWork<Object[]>) conn -> aggregate(conn, all));
            int at = 1;
            for (Check k : checks) {
                k.outcome = decide(k, values[0], Arrays.copyOfRange(values, at, at + k.aggregates.size()));
                at += k.aggregates.size();
            }
        }
        catch (SQLException shared) {
            if (cannotRunAlone(shared)) {
                // each part alone would wait as long or fail the same way: N times the timeout for nothing
                for (Check k : checks) {
                    k.outcome = aborted(serverMessage(shared));
                }
                return;
            }
            for (Check k : checks) {
                try {
                    Object[] values = readOnly(c, (SqlWork<Object[]>) conn -> aggregate(conn, k.aggregates));
                    k.outcome = decide(k, values[0], Arrays.copyOfRange(values, 1, values.length));
                }
                catch (SQLException e) {
                    k.outcome = aborted(serverMessage(e));
                }
            }
        }
    }

    /** A statement timeout (57014) or a lost connection (class 08): not the fault of one test's part. */
    private static boolean cannotRunAlone(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("57014") || state.startsWith("08"));
    }

    private static Verdict decide(Check k, Object rowCount, Object[] values) {
        Object[] withRows = new Object[values.length + 1];
        withRows[0] = rowCount;
        System.arraycopy(values, 0, withRows, 1, values.length);
        try {
            return k.verdict.apply(withRows);
        }
        catch (RuntimeException e) {
            return aborted("cannot compare the measured value: " + failure(e));
        }
    }

    /** {@code SELECT count(*), <aggregates> FROM table}: the row count first. */
    private Object[] aggregate(Connection c, List<Sql> aggregates) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT count(*)");
        List<Object> binds = new ArrayList<>();
        for (Sql a : aggregates) {
            sql.append(", ").append(a.text());
            binds.addAll(a.binds());
        }
        sql.append(" FROM ").append(table.quoted());
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, binds);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                Object[] out = new Object[aggregates.size() + 1];
                for (int i = 0; i < out.length; i++) {
                    Object value = rs.getObject(i + 1);
                    out[i] = value == null || value instanceof Number ? value : rs.getString(i + 1); // server's text
                }
                return out;
            }
        }
    }

    private static void bind(PreparedStatement s, List<Object> binds) throws SQLException {
        for (int i = 0; i < binds.size(); i++) {
            Object b = binds.get(i);
            if (b instanceof Untyped u) {
                s.setObject(i + 1, u.text(), Types.OTHER);
            }
            else if (b instanceof Long l) {
                s.setLong(i + 1, l);
            }
            else if (b instanceof Integer n) {
                s.setInt(i + 1, n);
            }
            else {
                s.setString(i + 1, (String) b);
            }
        }
    }

    /** Runs {@code work} in a read-only transaction of its own with the statement timeout; rolled back on failure. */
    private <T> T readOnly(Connection c, SqlWork<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION READ ONLY");
                s.execute("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis()));
            }
            T result = work.run(c);
            c.commit();
            return result;
        }
        catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            }
            catch (SQLException r) {
                e.addSuppressed(r); // the first failure (a lost connection's) is what the test says
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private Verdict runOwn(Connection c, Own own) throws SQLException {
        return readOnly(c, (SqlWork<Verdict>) own::run);
    }

    /** The server's message (first line) and SQLSTATE: what an Aborted test says. */
    static String serverMessage(SQLException e) {
        String message = e.getMessage() == null ? "SQL error" : e.getMessage().lines().findFirst().orElse("");
        if (message.startsWith("ERROR: ")) {
            message = message.substring("ERROR: ".length());
        }
        return message + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
    }

    /** A failure that is no server error as one line: its message, or its kind when it has none. */
    static String failure(RuntimeException e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getMessage().lines().findFirst().orElse("");
        return e instanceof PgBridgeException p ? p.oneLine().lines().findFirst().orElse("")
                : "cannot run the test: " + message;
    }

    private static Verdict aborted(String message) {
        return new Verdict(ABORTED, message, null, null, null);
    }

    // ---- planning each definition

    private void plan(Check k) throws Aborted {
        TestSuiteSettings.TestCaseSpec spec = k.spec;
        String def = spec.testDefinitionName();
        TestDefinition definition = TestDefinition.named(def)
                .orElseThrow(() -> new Aborted("unknown test definition " + def));
        TableShape.Column column = null;
        String q = null;
        if (definition.entityType() == TestDefinition.EntityType.COLUMN) {
            column = column(spec.columnName());
            q = Identifier.quote(column.name());
        }
        switch (def) {
            case "tableRowCountToBeBetween" -> k.verdict = v -> between("rowCount", number(v[0]),
                    spec.parameter("minValue"), spec.parameter("maxValue"), null, null);
            case "tableRowCountToEqual" -> k.verdict = v -> equal("rowCount", number(v[0]), spec.parameter("value"));
            case "tableColumnCountToBeBetween" -> shapeOnly(k, () -> between("columnCount",
                    BigDecimal.valueOf(shape.columns().size()), spec.parameter("minColValue"),
                    spec.parameter("maxColValue"), null, null));
            case "tableColumnCountToEqual" -> shapeOnly(k, () -> equal("columnCount",
                    BigDecimal.valueOf(shape.columns().size()), spec.parameter("columnCount")));
            case "tableColumnNameToExist" -> shapeOnly(k, () -> {
                boolean exists = shape.column(spec.parameter("columnName")).isPresent();
                return new Verdict(exists ? SUCCESS : FAILED, "column " + spec.parameter("columnName")
                        + (exists ? " exists" : " does not exist"), values("columnNameExits", String.valueOf(exists)),
                        null, null);
            });
            case "tableColumnToMatchSet" -> shapeOnly(k, () -> columnSet(spec));
            case "tableCustomSQLQuery" -> {
                String query = userSql(definition, spec, "sqlExpression");
                String condition = userSql(definition, spec, "partitionCondition");
                k.own = conn -> customSql(conn, k, query, condition);
            }
            case "tableRowInsertedCountToBeBetween" -> planInserted(k);
            case "tableDiff" -> planDiff(k, userSql(definition, spec, "where"));
            case "columnValuesToBeNotNull" -> {
                int nulls = k.add("count(*) FILTER (WHERE " + q + " IS NULL)");
                k.failing = Sql.of(q + " IS NULL");
                k.verdict = v -> rowLevel("nullCount", v[0], number(v[nulls + 1]).longValue(), null);
            }
            case "columnValuesToBeUnique" -> planUnique(k, q);
            case "columnValuesToBeBetween" -> planBetween(k, q);
            case "columnValuesToBeInSet" -> {
                Sql in = in(q, list(spec.parameter("allowedValues")));
                boolean matchEnum = Boolean.parseBoolean(spec.parameter("matchEnum"));
                int inSet = k.add("count(*) FILTER (WHERE " + in.text() + ")", in.binds().toArray());
                int count = k.add("count(" + q + ")");
                k.failing = new Sql(q + " IS NOT NULL AND NOT (" + in.text() + ")", in.binds());
                k.verdict = v -> {
                    long allowed = number(v[inSet + 1]).longValue();
                    long values = number(v[count + 1]).longValue();
                    boolean pass = matchEnum ? allowed == values : allowed >= 1;
                    return new Verdict(pass ? SUCCESS : FAILED, "found allowedValueCount=" + allowed + " of "
                            + values + " values" + (matchEnum ? "" : " (at least one expected; matchEnum: every one)"),
                            values("allowedValueCount", String.valueOf(allowed)),
                            number(v[0]).longValue() - (values - allowed), values - allowed);
                };
            }
            case "columnValuesToBeNotInSet" -> {
                Sql in = in(q, list(spec.parameter("forbiddenValues")));
                int forbidden = k.add("count(*) FILTER (WHERE " + in.text() + ")", in.binds().toArray());
                k.failing = in;
                k.verdict = v -> rowLevel("countForbiddenValues", v[0], number(v[forbidden + 1]).longValue(), null);
            }
            case "columnValuesToMatchRegex" -> {
                String regex = spec.parameter("regex");
                int like = k.add("count(*) FILTER (WHERE CAST(" + q + " AS text) ~ ?)", regex);
                int count = k.add("count(" + q + ")");
                k.failing = Sql.of(q + " IS NOT NULL AND NOT (CAST(" + q + " AS text) ~ ?)", regex);
                k.verdict = v -> {
                    long matched = number(v[like + 1]).longValue();
                    long failed = number(v[count + 1]).longValue() - matched;
                    return new Verdict(failed == 0 ? SUCCESS : FAILED, "found likeCount=" + matched + ", "
                            + failed + " value(s) not matching", values("likeCount", String.valueOf(matched)),
                            number(v[0]).longValue() - failed, failed);
                };
            }
            case "columnValuesToNotMatchRegex" -> {
                String regex = spec.parameter("forbiddenRegex");
                int notLike = k.add("count(*) FILTER (WHERE CAST(" + q + " AS text) ~ ?)", regex);
                k.failing = Sql.of("CAST(" + q + " AS text) ~ ?", regex);
                k.verdict = v -> rowLevel("notLikeCount", v[0], number(v[notLike + 1]).longValue(), null);
            }
            case "columnValuesMissingCount" -> {
                List<String> extra = spec.parameter("missingValueMatch") == null ? List.of()
                        : list(spec.parameter("missingValueMatch"));
                // OpenMetadata's NULL_MISSING_COUNT: NULLs and empty strings are missing
                StringBuilder cond = new StringBuilder(q + " IS NULL OR CAST(" + q + " AS text) = ''");
                if (!extra.isEmpty()) {
                    cond.append(" OR CAST(").append(q).append(" AS text) IN (")
                            .append(String.join(", ", extra.stream().map(x -> "?").toList())).append(')');
                }
                int missing = k.add("count(*) FILTER (WHERE " + cond + ")", extra.toArray());
                k.verdict = v -> equal("missingCount", number(v[missing + 1]), spec.parameter("missingCountValue"));
            }
            case "columnValueLengthsToBeBetween" -> {
                String length = column.type().endsWith("[]") ? "cardinality(" + q + ")" : "length(" + q + ")";
                int min = k.add("min(" + length + ")");
                int max = k.add("max(" + length + ")");
                Sql outside = outside(length, spec.parameter("minLength"), spec.parameter("maxLength"), false);
                int out = outside == null ? -1 : k.add("count(*) FILTER (WHERE " + outside.text() + ")",
                        outside.binds().toArray());
                k.failing = outside;
                k.verdict = v -> {
                    long failed = out < 0 ? 0 : number(v[out + 1]).longValue();
                    return new Verdict(failed == 0 ? SUCCESS : FAILED, "found minValueLength=" + text(v[min + 1])
                            + ", maxValueLength=" + text(v[max + 1]) + (failed == 0 ? "" : ", " + failed
                            + " value(s) outside the bounds"), values("minValueLength", text(v[min + 1]),
                            "maxValueLength", text(v[max + 1])), number(v[0]).longValue() - failed, failed);
                };
            }
            case "columnValueMaxToBeBetween" -> statistic(k, "max(" + q + ")", "max", "minValueForMaxInCol",
                    "maxValueForMaxInCol");
            case "columnValueMinToBeBetween" -> statistic(k, "min(" + q + ")", "min", "minValueForMinInCol",
                    "maxValueForMinInCol");
            case "columnValueMeanToBeBetween" -> statistic(k, "avg(" + q + ")", "mean", "minValueForMeanInCol",
                    "maxValueForMeanInCol");
            case "columnValueMedianToBeBetween" -> statistic(k, "percentile_cont(0.5) WITHIN GROUP (ORDER BY " + q
                    + ")", "median", "minValueForMedianInCol", "maxValueForMedianInCol");
            case "columnValueStdDevToBeBetween" -> statistic(k, "stddev_pop(" + q + ")", "stddev",
                    "minValueForStdDevInCol", "maxValueForStdDevInCol");
            case "columnValuesSumToBeBetween" -> statistic(k, "sum(" + q + ")", "sum", "minValueForColSum",
                    "maxValueForColSum");
            default -> throw new Aborted("test definition " + def + " has no runner");
        }
    }

    /**
     * The user's SQL of a {@code QUERY} or {@code CONDITION} parameter checked as the workflow check does (settings
     * built elsewhere are not trusted to have been): null when not given.
     */
    private static String userSql(TestDefinition definition, TestSuiteSettings.TestCaseSpec spec, String name)
            throws Aborted {
        String text = spec.parameter(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return definition.parameter(name).orElseThrow().sql(text);
        }
        catch (PgBridgeException e) {
            throw new Aborted(e.getMessage());
        }
    }

    private TableShape.Column column(String name) throws Aborted {
        Optional<TableShape.Column> column = shape.column(name);
        if (column.isEmpty()) {
            throw new Aborted("column " + name + " does not exist in table " + table + " (its columns: "
                    + String.join(", ", shape.columnNames()) + ")");
        }
        return column.get();
    }

    private static void shapeOnly(Check k, java.util.function.Supplier<Verdict> verdict) {
        k.own = conn -> verdict.get();
    }

    private void statistic(Check k, String expression, String name, String minKey, String maxKey) {
        int at = k.add(expression);
        k.verdict = v -> {
            if (v[at + 1] == null) {
                return new Verdict(FAILED, "the column has no values: no " + name, values(name, "null"), null, null);
            }
            return between(name, number(v[at + 1]), k.spec.parameter(minKey), k.spec.parameter(maxKey), null, null);
        };
    }

    private void planBetween(Check k, String q) {
        String min = k.spec.parameter("minValue");
        String max = k.spec.parameter("maxValue");
        int lo = k.add("min(" + q + ")");
        int hi = k.add("max(" + q + ")");
        Sql outside = outside(q, min, max, true);
        int out = outside == null ? -1 : k.add("count(*) FILTER (WHERE " + outside.text() + ")",
                outside.binds().toArray());
        k.failing = outside;
        k.verdict = v -> {
            long failed = out < 0 ? 0 : number(v[out + 1]).longValue();
            return new Verdict(failed == 0 ? SUCCESS : FAILED, "found min=" + text(v[lo + 1]) + ", max="
                    + text(v[hi + 1]) + (failed == 0 ? "" : ", " + failed + " value(s) outside ["
                    + (min == null ? "" : min) + ", " + (max == null ? "" : max) + "]"),
                    values("min", text(v[lo + 1]), "max", text(v[hi + 1])), number(v[0]).longValue() - failed, failed);
        };
    }

    /** {@code x < ? OR x > ?} for the bounds given (values read as {@code x}'s type when untyped); null for none. */
    private static Sql outside(String x, String min, String max, boolean untyped) {
        List<String> parts = new ArrayList<>();
        List<Object> binds = new ArrayList<>();
        if (min != null) {
            parts.add(x + " < ?");
            binds.add(untyped ? new Untyped(min) : (Object) Long.valueOf(min.strip()));
        }
        if (max != null) {
            parts.add(x + " > ?");
            binds.add(untyped ? new Untyped(max) : (Object) Long.valueOf(max.strip()));
        }
        return parts.isEmpty() ? null : new Sql(String.join(" OR ", parts), binds);
    }

    /** {@code x IN (?, …)}, each value read as {@code x}'s type; {@code false} for an empty list. */
    private static Sql in(String x, List<String> items) {
        if (items.isEmpty()) {
            return Sql.of("false");
        }
        return new Sql(x + " IN (" + String.join(", ", items.stream().map(i -> "?").toList()) + ")",
                items.stream().map(i -> (Object) new Untyped(i)).toList());
    }

    private void planUnique(Check k, String q) {
        String from = table.quoted();
        k.failing = Sql.of(q + " IN (SELECT " + q + " FROM " + from + " WHERE " + q + " IS NOT NULL GROUP BY " + q
                + " HAVING count(*) > 1)");
        k.own = conn -> {
            try (PreparedStatement s = conn.prepareStatement("SELECT (SELECT count(*) FROM " + from + "), "
                    + "coalesce(sum(n), 0), count(*) FILTER (WHERE n = 1) FROM (SELECT count(*) AS n FROM " + from
                    + " WHERE " + q + " IS NOT NULL GROUP BY " + q + ") g");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                long rows = rs.getLong(1);
                long valueCount = rs.getLong(2);
                long uniqueCount = rs.getLong(3);
                long failed = valueCount - uniqueCount;
                return new Verdict(failed == 0 ? SUCCESS : FAILED, "found valueCount=" + valueCount
                        + ", uniqueCount=" + uniqueCount, values("valueCount", String.valueOf(valueCount),
                        "uniqueCount", String.valueOf(uniqueCount)), rows - failed, failed);
            }
        };
    }

    private static final Map<String, String> RANGE_UNITS = Map.of("HOUR", "interval '1 hour'",
            "DAY", "interval '1 day'", "MONTH", "interval '1 month'", "YEAR", "interval '1 year'");

    private void planInserted(Check k) throws Aborted {
        TestSuiteSettings.TestCaseSpec spec = k.spec;
        String q = Identifier.quote(column(spec.parameter("columnName")).name());
        String unit = RANGE_UNITS.get(spec.parameter("rangeType").toUpperCase(Locale.ROOT));
        int interval = Integer.parseInt(spec.parameter("rangeInterval").strip());
        int at = k.add("count(*) FILTER (WHERE " + q + " >= now() - CAST(? AS integer) * " + unit + ")", interval);
        k.verdict = v -> between("rowCount", number(v[at + 1]), spec.parameter("min"), spec.parameter("max"), null,
                null);
    }

    // ---- verdicts

    private static Verdict rowLevel(String name, Object rowCount, long failed, String what) {
        long rows = number(rowCount).longValue();
        return new Verdict(failed == 0 ? SUCCESS : FAILED, "found " + name + "=" + failed + (what == null ? ""
                : " " + what), values(name, String.valueOf(failed)), rows - failed, failed);
    }

    private static Verdict between(String name, BigDecimal measured, String min, String max, Long passed,
                                   Long failed) {
        boolean pass = (min == null || measured.compareTo(new BigDecimal(min.strip())) >= 0)
                && (max == null || measured.compareTo(new BigDecimal(max.strip())) <= 0);
        String shown = plain(measured);
        return new Verdict(pass ? SUCCESS : FAILED, "found " + name + "=" + shown + (pass ? " within" : " outside")
                + " [" + (min == null ? "" : min) + ", " + (max == null ? "" : max) + "]", values(name, shown), passed,
                failed);
    }

    private static Verdict equal(String name, BigDecimal measured, String expected) {
        boolean pass = measured.compareTo(new BigDecimal(expected.strip())) == 0;
        String shown = plain(measured);
        return new Verdict(pass ? SUCCESS : FAILED, "found " + name + "=" + shown + ", expected " + expected,
                values(name, shown), null, null);
    }

    private Verdict columnSet(TestSuiteSettings.TestCaseSpec spec) {
        List<String> expected = Arrays.stream(spec.parameter("columnNames").split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        List<String> actual = shape.columnNames();
        boolean ordered = Boolean.parseBoolean(spec.parameter("ordered"));
        boolean pass = ordered ? actual.equals(expected) : new LinkedHashSet<>(actual).equals(Set.copyOf(expected))
                && actual.size() == expected.size();
        return new Verdict(pass ? SUCCESS : FAILED, "found columns " + String.join(", ", actual)
                + (pass ? "" : ", expected " + String.join(", ", expected) + (ordered ? " in this order" : "")),
                values("columnNames", String.join(", ", actual)), null, null);
    }

    private static List<Requests.TestResultValue> values(String... nameValue) {
        List<Requests.TestResultValue> out = new ArrayList<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            out.add(new Requests.TestResultValue(nameValue[i], nameValue[i + 1]));
        }
        return out;
    }

    private static BigDecimal number(Object value) {
        if (value == null) {
            return BigDecimal.ZERO;
        }
        if (value instanceof BigDecimal b) {
            return b;
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        return new BigDecimal(value.toString());
    }

    private static String text(Object value) {
        if (value == null) {
            return "null";
        }
        return value instanceof Number ? plain(number(value)) : value.toString();
    }

    private static String plain(BigDecimal value) {
        BigDecimal v = value.scale() > 10 ? value.setScale(10, java.math.RoundingMode.HALF_EVEN) : value;
        String s = v.stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    private static List<String> list(String value) {
        return TestDefinition.list(value).orElse(List.of(value));
    }

    // ---- tableCustomSQLQuery

    private Verdict customSql(Connection c, Check k, String sql, String condition) throws SQLException {
        TestSuiteSettings.TestCaseSpec spec = k.spec;
        if (sql == null) {
            return aborted("sqlExpression is missing");
        }
        String strategy = spec.parameter("strategy") == null ? "ROWS" : spec.parameter("strategy")
                .toUpperCase(Locale.ROOT);
        String operator = spec.parameter("operator") == null ? "<=" : spec.parameter("operator");
        BigDecimal threshold = spec.parameter("threshold") == null ? BigDecimal.ZERO
                : new BigDecimal(spec.parameter("threshold").strip());
        long resultRows;
        try (Statement s = c.createStatement()) {
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery(sql)) {
                if (strategy.equals("COUNT")) {
                    Object first = rs.next() ? rs.getObject(1) : null;
                    if (first == null) {
                        return aborted("sqlExpression with strategy COUNT returned no count (expected one row with "
                                + "a number in its first column)");
                    }
                    try {
                        resultRows = number(first).longValue();
                    }
                    catch (NumberFormatException e) {
                        return aborted("sqlExpression with strategy COUNT returned '" + first
                                + "', not a number");
                    }
                }
                else {
                    k.sample = rows(rs);
                    resultRows = k.sample.rows().size();
                    while (rs.next()) {
                        resultRows++;
                    }
                }
            }
        }
        boolean pass = compare(BigDecimal.valueOf(resultRows), operator, threshold);
        Long passed = null;
        if (Boolean.TRUE.equals(spec.computePassedFailedRowCount())) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.quoted()
                         + (condition == null ? "" : " WHERE (" + condition + "\n)"))) {
                rs.next();
                passed = Math.max(0, rs.getLong(1) - resultRows);
            }
        }
        if (pass) {
            k.sample = null;
        }
        return new Verdict(pass ? SUCCESS : FAILED, "found resultRowCount=" + resultRows + ", expected "
                + operator + " " + plain(threshold), values("resultRowCount", String.valueOf(resultRows)), passed,
                passed == null ? null : resultRows);
    }

    private static boolean compare(BigDecimal value, String operator, BigDecimal threshold) {
        int c = value.compareTo(threshold);
        return switch (operator) {
            case "==" -> c == 0;
            case "!=" -> c != 0;
            case ">" -> c > 0;
            case ">=" -> c >= 0;
            case "<" -> c < 0;
            default -> c <= 0;
        };
    }

    // ---- tableDiff

    /** @param where the checked condition on both tables' rows; null for all rows */
    private void planDiff(Check k, String where) throws Aborted {
        TestSuiteSettings.TestCaseSpec spec = k.spec;
        List<String> other;
        try {
            other = Fqn.split(spec.parameter("table2"));
        }
        catch (IllegalArgumentException e) {
            other = List.of();
        }
        List<String> mine = Fqn.split(tableFqn);
        if (other.size() != 4) {
            throw new Aborted("table2 '" + spec.parameter("table2") + "' is not a table's FQN "
                    + "(service.database.schema.table)");
        }
        if (!other.get(0).equals(mine.get(0)) || !other.get(1).equals(mine.get(1))) {
            throw new Aborted("tableDiff compares tables of one database (" + mine.get(0) + "." + mine.get(1)
                    + "); table2 is in " + other.get(0) + "." + other.get(1));
        }
        QualifiedName table2 = QualifiedName.of(other.get(2), other.get(3));
        boolean caseSensitive = Boolean.parseBoolean(spec.parameter("caseSensitiveColumns"));
        List<String> keys = spec.parameter("keyColumns") == null ? defaultKey() : list(spec.parameter("keyColumns"));
        if (keys.isEmpty()) {
            throw new Aborted("table " + table + " has no primary key or unique key: give keyColumns");
        }
        for (String key : keys) {
            column(key);
        }
        List<String> use = spec.parameter("useColumns") == null ? shape.columnNames().stream()
                .filter(n -> !keys.contains(n)).toList() : list(spec.parameter("useColumns"));
        for (String u : use) {
            column(u);
        }
        long threshold = spec.parameter("threshold") == null ? 0 : Long.parseLong(spec.parameter("threshold").strip());
        k.own = conn -> {
            TableShape shape2 = dev.pgbridge.catalog.TableShapes.read(conn, table2).orElse(null);
            if (shape2 == null) {
                return aborted("table2 " + table2 + " does not exist (or is not visible to this login)");
            }
            List<String> keys2 = new ArrayList<>();
            List<String> use2 = new ArrayList<>();
            for (String name : keys) {
                keys2.add(match(shape2, name, caseSensitive));
            }
            for (String name : use) {
                use2.add(match(shape2, name, caseSensitive));
            }
            if (keys2.contains(null) || use2.contains(null)) {
                List<String> missing = new ArrayList<>();
                for (int i = 0; i < keys.size(); i++) {
                    if (keys2.get(i) == null) {
                        missing.add(keys.get(i));
                    }
                }
                for (int i = 0; i < use.size(); i++) {
                    if (use2.get(i) == null) {
                        missing.add(use.get(i));
                    }
                }
                return aborted("table2 " + table2 + " has no column(s) " + String.join(", ", missing));
            }
            String present = Identifier.quote("pgbridge present");
            String a = side(table, keys, use, where, present);
            String b = side(table2, keys2, use2, where, present);
            String on = java.util.stream.IntStream.range(0, keys.size())
                    .mapToObj(i -> "a." + Identifier.quote("k" + i) + " = b." + Identifier.quote("k" + i))
                    .collect(Collectors.joining(" AND "));
            String changed = use.isEmpty() ? "false" : "ROW(" + java.util.stream.IntStream.range(0, use.size())
                    .mapToObj(i -> "a." + Identifier.quote("c" + i)).collect(Collectors.joining(", "))
                    + ") IS DISTINCT FROM ROW(" + java.util.stream.IntStream.range(0, use.size())
                    .mapToObj(i -> "b." + Identifier.quote("c" + i)).collect(Collectors.joining(", ")) + ")";
            String from = " FROM (" + a + ") a FULL JOIN (" + b + ") b ON " + on;
            String kind = "CASE WHEN b." + present + " IS NULL THEN 'removed' WHEN a." + present
                    + " IS NULL THEN 'added' WHEN " + changed + " THEN 'changed' END";
            long removed;
            long added;
            long changedRows;
            long rows;
            try (Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE b." + present + " IS NULL), "
                         + "count(*) FILTER (WHERE a." + present + " IS NULL), count(*) FILTER (WHERE a." + present
                         + " IS NOT NULL AND b." + present + " IS NOT NULL AND " + changed + "), count(a." + present
                         + ")" + from)) {
                rs.next();
                removed = rs.getLong(1);
                added = rs.getLong(2);
                changedRows = rs.getLong(3);
                rows = rs.getLong(4);
            }
            long diff = removed + added + changedRows;
            if (diff > 0) {
                String keyList = java.util.stream.IntStream.range(0, keys.size())
                        .mapToObj(i -> "coalesce(a." + Identifier.quote("k" + i) + ", b." + Identifier.quote("k" + i)
                                + ") AS " + Identifier.quote(keys.get(i))).collect(Collectors.joining(", "));
                try (Statement s = conn.createStatement();
                     ResultSet rs = s.executeQuery("SELECT " + keyList + ", " + kind + " AS "
                             + Identifier.quote("pgbridge diff") + from + " WHERE " + kind + " IS NOT NULL ORDER BY 1 "
                             + "LIMIT " + SAMPLE_ROWS)) {
                    k.sample = rows(rs);
                }
            }
            boolean pass = diff <= threshold;
            return new Verdict(pass ? SUCCESS : FAILED, "found diffCount=" + diff + " (removedRows=" + removed
                    + ", addedRows=" + added + ", changedRows=" + changedRows + "), at most " + threshold + " allowed",
                    values("removedRows", String.valueOf(removed), "addedRows", String.valueOf(added), "changedRows",
                            String.valueOf(changedRows), "diffCount", String.valueOf(diff)),
                    Math.max(0, rows - removed - changedRows), diff);
        };
    }

    private List<String> defaultKey() {
        if (!shape.primaryKey().isEmpty()) {
            return shape.primaryKey();
        }
        return shape.uniqueKeys().isEmpty() ? List.of() : shape.uniqueKeys().getFirst();
    }

    private static String match(TableShape other, String name, boolean caseSensitive) {
        if (other.column(name).isPresent()) {
            return name;
        }
        if (caseSensitive) {
            return null;
        }
        return other.columnNames().stream().filter(n -> n.equalsIgnoreCase(name)).findFirst().orElse(null);
    }

    /** {@code SELECT key AS "k0", …, col AS "c0", …, 1 AS present FROM t [WHERE (where)]}. */
    private static String side(QualifiedName t, List<String> keys, List<String> use, String where, String present) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < keys.size(); i++) {
            sql.append(Identifier.quote(keys.get(i))).append(" AS ").append(Identifier.quote("k" + i)).append(", ");
        }
        for (int i = 0; i < use.size(); i++) {
            sql.append(Identifier.quote(use.get(i))).append(" AS ").append(Identifier.quote("c" + i)).append(", ");
        }
        sql.append("1 AS ").append(present).append(" FROM ").append(t.quoted());
        if (where != null) {
            sql.append(" WHERE (").append(where).append("\n)"); // a line comment at its end ends with the line
        }
        return sql.toString();
    }

    // ---- failing rows

    private Requests.TableData failingRows(Connection c, Sql failing) throws SQLException {
        return readOnly(c, (SqlWork<Requests.TableData>) conn -> {
            String columns = shape.columnNames().stream().map(Identifier::quote).collect(Collectors.joining(", "));
            try (PreparedStatement s = conn.prepareStatement("SELECT " + columns + " FROM " + table.quoted()
                    + " WHERE " + failing.text() + " LIMIT " + SAMPLE_ROWS)) {
                bind(s, failing.binds());
                try (ResultSet rs = s.executeQuery()) {
                    return rows(rs);
                }
            }
        });
    }

    /** Up to {@value #SAMPLE_ROWS} rows as text (the server's text form), with the column names. */
    private static Requests.TableData rows(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(md.getColumnLabel(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rows.size() < SAMPLE_ROWS && rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= columns.size(); i++) {
                row.add(rs.getString(i));
            }
            rows.add(row);
        }
        return new Requests.TableData(columns, rows);
    }

    /** The sample with the values of every column the PII check calls sensitive replaced by {@link PiiTag#MASK}. */
    private Requests.TableData masked(Requests.TableData sample) {
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> row : sample.rows()) {
            rows.add(new ArrayList<>(row));
        }
        for (int i = 0; i < sample.columns().size(); i++) {
            String name = sample.columns().get(i);
            // a column of a custom query's result that is not the table's has no known type
            String type = shape == null ? "" : shape.column(name).map(TableShape.Column::type).orElse("");
            List<String> values = new ArrayList<>();
            for (List<Object> row : sample.rows()) {
                if (row.get(i) != null) {
                    values.add(String.valueOf(row.get(i)));
                }
            }
            if (pii.sensitive(name, type, values)) {
                for (List<Object> row : rows) {
                    if (row.get(i) != null) {
                        row.set(i, PiiTag.MASK);
                    }
                }
            }
        }
        return new Requests.TableData(sample.columns(), rows);
    }

    private static String json(Requests.TableData data) {
        try {
            return Requests.JSON.writeValueAsString(data);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("sample rows of text are always JSON", e);
        }
    }
}
