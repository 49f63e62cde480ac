package dev.pgbridge.metadata.profile;

import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.profile.ProfiledColumn.Kind;
import dev.pgbridge.metadata.profile.pii.PiiClassifier;
import dev.pgbridge.metadata.profile.pii.PiiTag;
import dev.pgbridge.sql.Identifier;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Profiles one table on one connection, in one read-only {@code REPEATABLE READ} transaction, in at most five
 * statements whatever the number of columns:
 * <ol>
 * <li>every simple aggregate of every column (counts, min, max, lengths, mean, sum, population stddev) and the quartiles
 * of every measured column ({@code percentile_cont(ARRAY[.25,.5,.75])}, one ordered-set aggregate per column) in ONE
 * scan of the sample;</li>
 * <li>distinct and once-only values and histograms of every column in ONE grouped pass:
 * {@code GROUP BY GROUPING SETS ((c1), (c2), …)}, its value counts streamed (never stored) into counts per column and
 * per histogram bin (edges from statement 1) by an outer {@code GROUPING SETS ((gs), (gs, bin))};</li>
 * <li>cardinality distributions, only when some text column turned out to have at most 1,000 distinct values: one
 * grouped pass over those columns alone, ranked on the server;</li>
 * <li>{@code count(*)} of the whole table, only when a sample was profiled (OpenMetadata's {@code rowCount} is always
 * the table's);</li>
 * <li>the sample rows ({@code LIMIT sampleDataCount}).</li>
 * </ol>
 * <b>The sample.</b> Statements 1, 2 and 4 read the same rows without copying them: the sample is a deterministic
 * definition read twice in one snapshot. {@code TABLESAMPLE BERNOULLI|SYSTEM (p) REPEATABLE (seed)} picks the same rows
 * for the same seed in the same snapshot (tables, materialized views and partitioned tables, through the root); a
 * {@code ROWS} sample is such a {@code TABLESAMPLE} sized from {@code reltuples} (so that it holds about 1.5 times the
 * rows asked for) cut by {@code LIMIT}: it never sorts the table. Views have no {@code TABLESAMPLE}: their percentage
 * sample is a {@code random()} filter, made repeatable by {@code setseed} before each statement with parallel plans off
 * (the same plan draws the same numbers in the same order). A temporary table would copy the sample once but is a write:
 * refused in a read-only transaction and on a standby, and it needs the {@code TEMP} privilege; a
 * {@code WITH … AS MATERIALIZED} sample lives for one statement only, and statement 2 needs statement 1's results.
 * <p>
 * Every statement runs under {@code SET LOCAL statement_timeout} of what is left of the table's deadline.
 */
final class TableProfiler {
    /** Text columns with at most this many distinct values get a cardinality distribution. */
    static final int CARDINALITY_LIMIT = 1000;
    static final int MAX_BINS = 100;
    static final String MASK = PiiTag.MASK;
    private static final int SEED = 20240521;
    /** {@code GROUPING()} takes at most 31 arguments; wider tables are grouped in chunks. */
    private static final int GROUPING_CHUNK = 31;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss[.SSSSSS]", Locale.ROOT);

    /** What a table's profile became: the requests to send. */
    record Outcome(List<Requests.Request> requests) {
    }

    /** Thrown when the table's deadline passed (the server canceled a statement, or no time was left). */
    static final class TimedOut extends Exception {
        private static final long serialVersionUID = 1L;

        TimedOut() {
            super("timed out");
        }
    }

    private final Connection connection;
    private final String tableFqn;
    private final TableInfo table;
    private final TableShape shape;
    private final List<ProfiledColumn> columns;
    private final Sample sample;
    private final ProfilerSettings settings;
    private final int sampleDataCount;
    private final PiiClassifier classifier;
    private final long deadlineNanos;
    private final long timestamp;

    TableProfiler(Connection connection, String tableFqn, TableInfo table, TableShape shape,
                  List<ProfiledColumn> columns, Sample sample, ProfilerSettings settings, int sampleDataCount,
                  PiiClassifier classifier, long deadlineNanos, long timestamp) {
        this.connection = connection;
        this.tableFqn = tableFqn;
        this.table = table;
        this.shape = shape;
        this.columns = columns;
        this.sample = sample;
        this.settings = settings;
        this.sampleDataCount = sampleDataCount;
        this.classifier = classifier;
        this.deadlineNanos = deadlineNanos;
        this.timestamp = timestamp;
    }

    /** A sample: the SQL of a derived table {@code (…) AS s} or a table, its bound values, whether it uses random(). */
    record Sample(String from, List<Object> parameters, boolean random, boolean whole, Double profileSample,
                  ProfilerSettings.SampleType type) {
        Sample {
            parameters = List.copyOf(parameters);
        }
    }

    Outcome run() throws SQLException, TimedOut {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try {
            if (sample.random()) {
                // the rows a random() filter or a LIMIT keeps depend on the plan and the scan's start: one plan,
                // no parallel workers, no synchronized scan joining another one midway
                execute("SET LOCAL max_parallel_workers_per_gather = 0");
                execute("SET LOCAL synchronize_seqscans = off");
            }
            Map<String, Stats> stats = new LinkedHashMap<>();
            long sampleRows = settings.computeMetrics() ? aggregates(stats) : 0;
            if (settings.computeMetrics()) {
                grouped(stats);
            }
            // OpenMetadata's rowCount is the whole table's, also when a sample was profiled
            long rowCount = settings.computeMetrics() && sample.whole() ? sampleRows : rowCount();
            List<Requests.Request> out = new ArrayList<>();
            Requests.TableProfile tableProfile = new Requests.TableProfile(timestamp,
                    (double) rowCount, shape.columns().size(),
                    table.sizeBytes() == null ? null : table.sizeBytes().doubleValue(), null,
                    sample.whole() ? null : sample.profileSample(), sample.whole() ? null : sample.type().name());
            List<Requests.Request> samples = new ArrayList<>();
            Set<String> sensitive = settings.generateSampleData() || settings.processPiiSensitive()
                    ? sampleData(samples) : Set.of();
            List<Requests.ColumnProfile> columnProfiles = new ArrayList<>();
            List<Requests.ColumnExtras> extras = new ArrayList<>();
            if (settings.computeMetrics()) {
                for (ProfiledColumn c : columns) {
                    Stats s = stats.get(c.name());
                    columnProfiles.add(s.profile(c, timestamp));
                    // a cardinality distribution lists values: none of a column holding personal data
                    if (s.cardinality != null && !sensitive.contains(c.name())) {
                        extras.add(new Requests.ColumnExtras(c.name(), s.cardinality));
                    }
                }
            }
            out.add(Requests.Request.tableProfile(tableFqn, new Requests.CreateTableProfile(tableProfile,
                    settings.computeMetrics() ? columnProfiles : null)));
            out.add(Requests.profileExtras(tableFqn, new Requests.ProfileExtras(timestamp, shape.columnNames(),
                    extras)));
            out.addAll(samples);
            connection.commit();
            return new Outcome(out);
        }
        catch (SQLException e) {
            rollback();
            if ("57014".equals(e.getSQLState())) {
                throw new TimedOut();
            }
            throw e;
        }
        catch (TimedOut e) {
            rollback();
            throw e;
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        }
        catch (SQLException ignored) {
            // the connection is closed after the table anyway
        }
    }

    // ---- statement 1: one scan for every simple aggregate and the quartiles

    private long aggregates(Map<String, Stats> stats) throws SQLException, TimedOut {
        StringBuilder sql = new StringBuilder("SELECT count(*)");
        for (ProfiledColumn c : columns) {
            String col = "s." + Identifier.quote(c.name());
            String x = measure(c, col);
            sql.append(", count(").append(col).append(')');
            switch (c.kind()) {
                case NUMBER -> sql.append(", min(").append(col).append(")::float8, max(").append(col)
                        .append(")::float8, avg(").append(x).append("), sum(").append(col).append(")::float8, "
                                + "stddev_pop(").append(x).append(')');
                case TEXT -> sql.append(", min(").append(x).append("), max(").append(x).append("), avg(").append(x)
                        .append("), NULL::float8, stddev_pop(").append(x).append(')');
                case TEMPORAL -> sql.append(", min(").append(col).append("), max(").append(col)
                        .append("), NULL::float8, NULL::float8, NULL::float8");
                case OTHER -> sql.append(", NULL, NULL, NULL::float8, NULL::float8, NULL::float8");
            }
            if (c.measured() && c.wantsAny(ProfiledColumn.QUARTILES)) {
                sql.append(", percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY ").append(x)
                        .append(')');
            }
            else {
                sql.append(", NULL::float8[]");
            }
        }
        sql.append(" FROM ").append(sample.from());
        try (PreparedStatement ps = prepare(sql.toString()); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long rows = rs.getLong(1);
            int i = 2;
            for (ProfiledColumn c : columns) {
                Stats s = new Stats();
                s.rows = rows;
                s.values = rs.getLong(i);
                s.min = minMax(rs, i + 1, c);
                s.max = minMax(rs, i + 2, c);
                s.mean = nullableDouble(rs, i + 3);
                s.sum = nullableDouble(rs, i + 4);
                s.stddev = nullableDouble(rs, i + 5);
                Array quartiles = rs.getArray(i + 6);
                if (quartiles != null) {
                    Double[] q = (Double[]) quartiles.getArray();
                    s.q1 = finite(q[0]);
                    s.median = finite(q[1]);
                    s.q3 = finite(q[2]);
                }
                stats.put(c.name(), s);
                i += 7;
            }
            return rows;
        }
    }

    /** What mean, stddev, quartiles and histograms are taken on: the value, or for text its length. */
    private static String measure(ProfiledColumn c, String col) {
        return c.kind() == Kind.TEXT ? "length(" + col + "::text)::float8" : col + "::float8";
    }

    private static Object minMax(ResultSet rs, int index, ProfiledColumn c) throws SQLException {
        return switch (c.kind()) {
            case NUMBER, TEXT -> nullableDouble(rs, index);
            case TEMPORAL -> temporal(rs, index, c);
            case OTHER -> null;
        };
    }

    /**
     * A date or time as OpenMetadata's {@code columnProfile.min} takes it: an ISO 8601 date, date-time or time with an
     * offset (a value without a time zone is taken as UTC); null for infinity and out-of-range years.
     */
    private static Object temporal(ResultSet rs, int index, ProfiledColumn c) throws SQLException {
        String text = rs.getString(index);
        if (text == null || text.contains("infinity")) {
            return null;
        }
        try {
            return switch (c.type()) {
                case "date" -> {
                    LocalDate d = rs.getObject(index, LocalDate.class);
                    yield d.getYear() > 9999 || d.getYear() < 1 ? null : d.toString();
                }
                case "timestamp without time zone" -> rs.getObject(index, LocalDateTime.class)
                        .atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                case "timestamp with time zone" -> rs.getObject(index, OffsetDateTime.class)
                        .withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                case "time without time zone" -> rs.getObject(index, LocalTime.class).format(TIME) + "Z";
                default -> {
                    OffsetTime t = rs.getObject(index, OffsetTime.class);
                    yield t.toLocalTime().format(TIME) + t.getOffset().getId().replace("Z", "+00:00");
                }
            };
        }
        catch (SQLException | RuntimeException e) {
            return null; // a value java.time cannot hold (a year beyond 9999): left out, the other metrics stand
        }
    }

    // ---- statement 2: one grouped pass for distinct, once-only values, histograms and cardinality

    private void grouped(Map<String, Stats> stats) throws SQLException, TimedOut {
        List<ProfiledColumn> wanted = columns.stream().filter(c -> c.wantsAny(ProfiledColumn.GROUPED)).toList();
        for (int from = 0; from < wanted.size(); from += GROUPING_CHUNK) {
            grouped(wanted.subList(from, Math.min(wanted.size(), from + GROUPING_CHUNK)), stats);
        }
    }

    private void grouped(List<ProfiledColumn> chunk, Map<String, Stats> stats) throws SQLException, TimedOut {
        int n = chunk.size();
        List<String> keys = keys(chunk);
        String grouping = "GROUPING(" + String.join(", ", keys) + ")";
        StringBuilder isNull = new StringBuilder("CASE ").append(grouping);
        StringBuilder x = new StringBuilder("CASE ").append(grouping);
        StringBuilder bins = new StringBuilder("CASE gs");
        boolean measured = false;
        Map<Integer, ProfiledColumn> bySet = new HashMap<>();
        Map<Integer, Bins> binsBySet = new HashMap<>();
        for (int j = 0; j < n; j++) {
            ProfiledColumn c = chunk.get(j);
            int set = set(n, j);
            bySet.put(set, c);
            String key = keys.get(j);
            isNull.append(" WHEN ").append(set).append(" THEN ").append(key).append(" IS NULL");
            Bins b = c.wants(Metric.HISTOGRAM) ? Bins.of(stats.get(c.name())) : null;
            if (b != null) {
                measured = true;
                x.append(" WHEN ").append(set).append(" THEN ").append(c.kind() == Kind.TEXT
                        ? "length(" + key + "::text)::float8" : key + "::float8");
                binsBySet.put(set, b);
                bins.append(" WHEN ").append(set).append(" THEN least(greatest(floor((x - (")
                        .append(literal(b.min)).append(")) / (").append(literal(b.width)).append(")), 0), ")
                        .append(b.count - 1).append(")::int");
            }
        }
        // the value counts of every column, streamed (never stored) into their counts per column and per bin
        String inner = "SELECT " + grouping + " AS gs, " + isNull + " END AS key_null, "
                + (measured ? x + " END" : "NULL::float8") + " AS x, count(*) AS n FROM " + sample.from()
                + " GROUP BY GROUPING SETS (" + String.join(", ", keys.stream().map(k -> "(" + k + ")").toList())
                + ")";
        String sql = "SELECT gs, " + (measured ? "GROUPING(bin)" : "1") + " AS level, "
                + (measured ? "bin" : "NULL::int") + " AS bin, count(*) AS a, count(*) FILTER (WHERE n = 1) AS b,"
                + " sum(n)::bigint AS c FROM (SELECT gs, n, " + (measured ? bins + " END" : "NULL::int")
                + " AS bin FROM (" + inner + ") g WHERE NOT key_null) h GROUP BY "
                + (measured ? "GROUPING SETS ((gs), (gs, bin))" : "gs");
        Map<Integer, long[]> histograms = new HashMap<>();
        try (PreparedStatement ps = prepare(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int set = rs.getInt(1);
                Stats s = stats.get(bySet.get(set).name());
                if (rs.getInt(2) == 1) {
                    s.distinct = rs.getLong(4);
                    s.unique = rs.getLong(5);
                }
                else if (rs.getObject(3) != null && binsBySet.containsKey(set)) {
                    histograms.computeIfAbsent(set, z -> new long[binsBySet.get(set).count])
                            [rs.getInt(3)] = rs.getLong(6);
                }
            }
        }
        List<ProfiledColumn> lowCardinality = new ArrayList<>();
        for (Map.Entry<Integer, ProfiledColumn> e : bySet.entrySet()) {
            Stats s = stats.get(e.getValue().name());
            if (s.distinct == null) {
                s.distinct = 0L;
                s.unique = 0L;
            }
            Bins b = binsBySet.get(e.getKey());
            if (b != null) {
                s.histogram = b.histogram(histograms.getOrDefault(e.getKey(), new long[b.count]));
            }
            if (e.getValue().wants(Metric.CARDINALITY_DISTRIBUTION) && s.distinct < s.values && s.distinct > 0
                    && s.distinct <= CARDINALITY_LIMIT) {
                lowCardinality.add(e.getValue());
            }
        }
        if (!lowCardinality.isEmpty()) {
            cardinality(lowCardinality, stats);
        }
    }

    /**
     * The cardinality distributions of the low-cardinality text columns (known from the grouped pass): one more grouped
     * pass over those columns only, whose few value counts are ranked on the server.
     */
    private void cardinality(List<ProfiledColumn> columns, Map<String, Stats> stats) throws SQLException, TimedOut {
        int n = columns.size();
        List<String> keys = keys(columns);
        String grouping = "GROUPING(" + String.join(", ", keys) + ")";
        StringBuilder k = new StringBuilder("CASE ").append(grouping);
        Map<Integer, ProfiledColumn> bySet = new HashMap<>();
        for (int j = 0; j < n; j++) {
            bySet.put(set(n, j), columns.get(j));
            k.append(" WHEN ").append(set(n, j)).append(" THEN ").append(keys.get(j)).append("::text");
        }
        String sql = "SELECT gs, k, n, r FROM (SELECT gs, k, n, row_number() OVER (PARTITION BY gs ORDER BY n DESC, k)"
                + " AS r, sum(n) OVER (PARTITION BY gs) AS t FROM (SELECT " + grouping + " AS gs, " + k
                + " END AS k, count(*) AS n FROM " + sample.from() + " GROUP BY GROUPING SETS ("
                + String.join(", ", keys.stream().map(key -> "(" + key + ")").toList()) + ")) g"
                + " WHERE k IS NOT NULL) c WHERE r <= 5 OR n >= 0.02 * t ORDER BY gs, r";
        Map<Integer, List<Object[]>> tops = new HashMap<>();
        try (PreparedStatement ps = prepare(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tops.computeIfAbsent(rs.getInt(1), z -> new ArrayList<>())
                        .add(new Object[] {rs.getString(2), rs.getLong(3), rs.getLong(4)});
            }
        }
        for (Map.Entry<Integer, ProfiledColumn> e : bySet.entrySet()) {
            Stats s = stats.get(e.getValue().name());
            s.cardinality = cardinality(tops.getOrDefault(e.getKey(), List.of()), s.values);
        }
    }

    /** The grouping keys: types with a hash opclass group by value, the rest (json, point, …) by their text. */
    private static List<String> keys(List<ProfiledColumn> columns) {
        List<String> keys = new ArrayList<>();
        for (ProfiledColumn c : columns) {
            String col = "s." + Identifier.quote(c.name());
            keys.add(c.kind() == Kind.OTHER ? "(" + col + ")::text" : col);
        }
        return keys;
    }

    /** {@code GROUPING(k1, …, kn)} of the set that groups by {@code kj} alone: every bit set but j's. */
    private static int set(int n, int j) {
        return ((1 << n) - 1) & ~(1 << (n - 1 - j));
    }

    /** Rows ranked by count (ties by value); the top 5 and every one with at least 2% of the values, then Others. */
    private static Requests.CardinalityDistribution cardinality(List<Object[]> top, long values) {
        List<Object[]> sorted = new ArrayList<>(top);
        sorted.sort((a, b) -> Long.compare((Long) a[2], (Long) b[2]));
        List<String> categories = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        List<Double> percentages = new ArrayList<>();
        long listed = 0;
        for (Object[] row : sorted) {
            categories.add((String) row[0]);
            counts.add((Long) row[1]);
            percentages.add(100.0 * (Long) row[1] / values);
            listed += (Long) row[1];
        }
        if (listed < values) {
            categories.add("Others");
            counts.add(values - listed);
            percentages.add(100.0 * (values - listed) / values);
        }
        return new Requests.CardinalityDistribution(categories, counts, percentages);
    }

    /**
     * A histogram's bins as OpenMetadata makes them: Freedman–Diaconis width {@code 2·IQR·n^(-1/3)} (1 when the IQR is
     * 0), Sturges' {@code ceil(log2 n + 1)} bins when that gives more than 100, never more than 100; the last bin is
     * open ("… and up").
     */
    record Bins(double min, double width, int count) {
        static Bins of(Stats s) {
            if (s.values == 0 || s.min == null || s.max == null || s.q1 == null || s.q3 == null) {
                return null;
            }
            double min = (Double) s.min;
            double max = (Double) s.max;
            if (!Double.isFinite(min) || !Double.isFinite(max) || !Double.isFinite(s.q3 - s.q1)) {
                return null;
            }
            double iqr = s.q3 - s.q1;
            double width = iqr > 0 ? 2 * iqr * Math.pow(s.values, -1.0 / 3) : 1;
            double bins = Math.ceil((max - min) / width);
            if (bins > MAX_BINS) {
                bins = Math.ceil(Math.log(s.values) / Math.log(2) + 1);
                width = (max - min) / bins;
            }
            int count = (int) Math.max(1, Math.min(MAX_BINS, bins));
            if (width <= 0) {
                width = 1;
            }
            return new Bins(min, width, count);
        }

        Requests.Histogram histogram(long[] frequencies) {
            List<String> boundaries = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                double lo = min + i * width;
                boundaries.add(i == count - 1 ? label(lo) + " and up" : label(lo) + " to " + label(lo + width));
                counts.add(frequencies[i]);
            }
            return new Requests.Histogram(boundaries, counts);
        }

        private static String label(double v) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
    }

    private static String literal(double v) {
        return Double.toString(v) + "::float8";
    }

    private static String joined(List<Integer> sets) {
        return String.join(", ", sets.stream().map(String::valueOf).toList());
    }

    // ---- statement 3 and 4

    private long rowCount() throws SQLException, TimedOut {
        try (PreparedStatement ps = prepareBare("SELECT count(*) FROM " + Identifier.quote(table.schema()) + "."
                + Identifier.quote(table.name())); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The sample rows and the PII tags: a column the classifier calls {@code PII.Sensitive} is masked whatever its
     * confidence (a doubtful e-mail column stays masked), and tagged when the confidence reaches {@code confidence}.
     *
     * @return the columns found sensitive
     */
    private Set<String> sampleData(List<Requests.Request> out) throws SQLException, TimedOut {
        List<String> names = shape.columnNames();
        String select = "SELECT " + String.join(", ", names.stream().map(c -> "s." + Identifier.quote(c)).toList())
                + " FROM " + sample.from() + " LIMIT " + sampleDataCount;
        List<List<Object>> rows = new ArrayList<>();
        List<List<String>> texts = new ArrayList<>();
        names.forEach(c -> texts.add(new ArrayList<>()));
        try (PreparedStatement ps = prepare(select); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    Object v = sampleValue(rs, i + 1);
                    row.add(v);
                    String text = rs.getString(i + 1);
                    if (text != null) {
                        texts.get(i).add(text);
                    }
                }
                rows.add(row);
            }
        }
        List<Requests.ColumnTag> tags = new ArrayList<>();
        Set<String> sensitive = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            TableShape.Column column = shape.columns().get(i);
            PiiTag tag = classifier.classify(column.name(), column.type(), texts.get(i)).orElse(null);
            if (tag == null) {
                continue;
            }
            if (PiiTag.SENSITIVE.equals(tag.tag())) {
                sensitive.add(column.name());
                for (List<Object> row : rows) {
                    if (row.get(i) != null) {
                        row.set(i, MASK);
                    }
                }
            }
            if (tag.confidence() < settings.confidence()) {
                continue;
            }
            tags.add(new Requests.ColumnTag(column.name(), new Requests.TagLabel(tag.tag(), "Classification",
                    "Automated", "Suggested")));
        }
        if (settings.generateSampleData()) {
            out.add(Requests.Request.sampleData(tableFqn, new Requests.TableData(names, rows)));
        }
        if (settings.processPiiSensitive() && !tags.isEmpty()) {
            out.add(Requests.Request.columnTags(tableFqn, new Requests.ColumnTags(tags)));
        }
        return sensitive;
    }

    /** A sample value as OpenMetadata sends it: numbers and booleans as such, bytes as base64, the rest as text. */
    private static Object sampleValue(ResultSet rs, int index) throws SQLException {
        Object v = rs.getObject(index);
        return switch (v) {
            case null -> null;
            case Boolean b -> b;
            case Integer i -> i;
            case Long l -> l;
            case Short s -> s.intValue();
            case Double d -> Double.isFinite(d) ? d : String.valueOf(d);
            case Float f -> Float.isFinite(f) ? f.doubleValue() : String.valueOf(f);
            case java.math.BigDecimal d -> d.doubleValue();
            case byte[] bytes -> "[base64]" + Base64.getEncoder().encodeToString(bytes);
            default -> rs.getString(index);
        };
    }

    // ---- statements under the deadline

    private PreparedStatement prepare(String sql) throws SQLException, TimedOut {
        PreparedStatement ps = prepareBare(sql);
        int i = 1;
        for (Object p : sample.parameters()) {
            ps.setObject(i++, p);
        }
        return ps;
    }

    private PreparedStatement prepareBare(String sql) throws SQLException, TimedOut {
        long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
            throw new TimedOut();
        }
        execute("SET LOCAL statement_timeout = " + Math.min(Integer.MAX_VALUE, leftMillis));
        if (sample.random()) {
            execute("SELECT setseed(0.5)");
        }
        return connection.prepareStatement(sql);
    }

    private void execute(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    /** A number, or null when SQL NULL or not finite (NaN and infinities have no JSON form; OpenMetadata drops them). */
    private static Double nullableDouble(ResultSet rs, int index) throws SQLException {
        double v = rs.getDouble(index);
        return rs.wasNull() || !Double.isFinite(v) ? null : v;
    }

    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    /** One column's numbers as read. */
    static final class Stats {
        long rows;
        long values;
        Object min;
        Object max;
        Double mean;
        Double sum;
        Double stddev;
        Double q1;
        Double median;
        Double q3;
        Long distinct;
        Long unique;
        Requests.Histogram histogram;
        Requests.CardinalityDistribution cardinality;

        Requests.ColumnProfile profile(ProfiledColumn c, long timestamp) {
            long nulls = rows - values;
            Double valuesCount = (double) values;
            Double distinctProportion = distinct == null || values == 0 ? null : (double) distinct / values;
            Double uniqueProportion = unique == null || values == 0 ? null : Math.min(1.0, (double) unique / values);
            Double iqr = q1 == null || q3 == null ? null : q3 - q1;
            Double skew = mean == null || median == null || stddev == null || stddev == 0 ? null
                    : (mean - median) / stddev;
            boolean text = c.kind() == Kind.TEXT;
            return new Requests.ColumnProfile(c.name(), timestamp,
                    c.wants(Metric.VALUES_COUNT) ? valuesCount : null,
                    c.wants(Metric.NULL_COUNT) ? (double) nulls : null,
                    c.wants(Metric.NULL_PROPORTION) && rows > 0 ? (double) nulls / rows : null,
                    c.wants(Metric.UNIQUE_COUNT) && unique != null ? unique.doubleValue() : null,
                    c.wants(Metric.UNIQUE_PROPORTION) ? uniqueProportion : null,
                    c.wants(Metric.DISTINCT_COUNT) && distinct != null ? distinct.doubleValue() : null,
                    c.wants(Metric.DISTINCT_PROPORTION) ? distinctProportion : null,
                    c.wants(Metric.DUPLICATE_COUNT) && distinct != null ? (double) (values - distinct) : null,
                    c.wants(Metric.MIN) ? min : null,
                    c.wants(Metric.MAX) ? max : null,
                    text && c.wants(Metric.MIN_LENGTH) ? (Double) min : null,
                    text && c.wants(Metric.MAX_LENGTH) ? (Double) max : null,
                    c.wants(Metric.MEAN) ? mean : null,
                    c.wants(Metric.SUM) ? sum : null,
                    c.wants(Metric.STDDEV) ? stddev : null,
                    null,
                    c.wants(Metric.MEDIAN) ? median : null,
                    c.wants(Metric.FIRST_QUARTILE) ? q1 : null,
                    c.wants(Metric.THIRD_QUARTILE) ? q3 : null,
                    c.wants(Metric.INTER_QUARTILE_RANGE) ? iqr : null,
                    c.wants(Metric.NON_PARAMETRIC_SKEW) ? skew : null,
                    c.wants(Metric.HISTOGRAM) ? histogram : null,
                    null);
        }
    }
}
