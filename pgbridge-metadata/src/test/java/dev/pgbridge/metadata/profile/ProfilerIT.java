package dev.pgbridge.metadata.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.metadata.openmetadata.OpenMetadataSchemas;
import dev.pgbridge.metadata.workflow.Workflow;
import dev.pgbridge.metadata.workflow.WorkflowReader;
import dev.pgbridge.metadata.workflow.WorkflowRunner;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The profiler on a real server: every metric of a table with quoted, mixed-case and reserved-word names checked
 * against values computed here in Java from the rows inserted; samples (PERCENTAGE on a table and a view, ROWS),
 * {@code tableConfig} (columns, metrics, an integer-range partition), a partitioned table through its root, the
 * per-table timeout, and the {@code file} transcript against OpenMetadata 1.4's schemas.
 */
@Timeout(120)
class ProfilerIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 600;
    private static TestDatabase db;
    /** The rows of "Mixed Schema"."Order Items" as inserted: id, "select" (numeric, nulls), "Name" (text), day. */
    private static final List<Integer> IDS = new ArrayList<>();
    private static final List<Double> SELECT = new ArrayList<>();
    private static final List<String> NAMES = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void createFixture() throws Exception {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_prof"), null);
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA "Mixed Schema";
                CREATE TABLE "Mixed Schema"."Order Items" (id int PRIMARY KEY, "select" numeric(10,2), "Name" text,
                    day date, "user" boolean);
                CREATE VIEW "Mixed Schema".order_view AS SELECT id, "Name" FROM "Mixed Schema"."Order Items";
                CREATE TABLE "Mixed Schema".events (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
                CREATE TABLE "Mixed Schema".events_a PARTITION OF "Mixed Schema".events
                    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                CREATE TABLE "Mixed Schema".events_b PARTITION OF "Mixed Schema".events
                    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
                INSERT INTO "Mixed Schema".events SELECT g, DATE '2024-06-01' + g FROM generate_series(1, 400) g;
                CREATE SCHEMA slow;
                CREATE VIEW slow.sleeper AS SELECT pg_sleep(3)::text AS x;
                CREATE TABLE slow.quick (a int);
                INSERT INTO slow.quick VALUES (1), (2);
                """);
        String[] words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"};
        try (Connection c = SERVER.connect(db.name()); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO \"Mixed Schema\".\"Order Items\" VALUES (?, ?, ?, DATE '2024-01-01' + ?, ?)")) {
            for (int i = 1; i <= ROWS; i++) {
                Double v = i % 10 == 0 ? null : (double) ((i * 37) % 101) + (i % 4) * 0.25;
                String name = i % 50 == 0 ? null : i % 3 == 0 ? words[i % 7] + "-" + i : words[(i * i) % 7];
                IDS.add(i);
                SELECT.add(v);
                NAMES.add(name);
                ps.setInt(1, i);
                if (v == null) {
                    ps.setNull(2, Types.NUMERIC);
                }
                else {
                    ps.setBigDecimal(2, java.math.BigDecimal.valueOf(v));
                }
                ps.setString(3, name);
                ps.setInt(4, i % 200);
                ps.setBoolean(5, i % 2 == 0);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        SERVER.executeIn(db.name(), "ANALYZE");
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyMetricMatchesWhatJavaComputesFromTheRows() throws Exception {
        List<JsonNode> lines = run("""
                      schemaFilterPattern: {includes: ['^Mixed Schema$']}
                      tableFilterPattern: {includes: ['^Order Items$']}
                """, "");
        JsonNode profile = body(lines, "/tableProfile");
        assertThat(profile.at("/tableProfile/rowCount").asDouble()).isEqualTo(ROWS);
        assertThat(profile.at("/tableProfile/columnCount").asInt()).isEqualTo(5);
        assertThat(profile.at("/tableProfile/sizeInByte").asDouble()).isPositive();
        Map<String, JsonNode> columns = columns(profile);
        assertThat(columns.keySet()).containsExactly("id", "select", "Name", "day", "user");

        JsonNode select = columns.get("select");
        List<Double> values = SELECT.stream().filter(Objects::nonNull).sorted().toList();
        assertCounts(select, SELECT);
        assertThat(select.get("min").asDouble()).isEqualTo(values.getFirst());
        assertThat(select.get("max").asDouble()).isEqualTo(values.getLast());
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double sum = values.stream().mapToDouble(Double::doubleValue).sum();
        double stddev = Math.sqrt(values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.size());
        assertThat(select.get("mean").asDouble()).isCloseTo(mean, within(1e-9));
        assertThat(select.get("sum").asDouble()).isCloseTo(sum, within(1e-6));
        assertThat(select.get("stddev").asDouble()).isCloseTo(stddev, within(1e-9));
        double q1 = percentile(values, 0.25);
        double median = percentile(values, 0.5);
        double q3 = percentile(values, 0.75);
        assertThat(select.get("firstQuartile").asDouble()).isCloseTo(q1, within(1e-9));
        assertThat(select.get("median").asDouble()).isCloseTo(median, within(1e-9));
        assertThat(select.get("thirdQuartile").asDouble()).isCloseTo(q3, within(1e-9));
        assertThat(select.get("interQuartileRange").asDouble()).isCloseTo(q3 - q1, within(1e-9));
        assertThat(select.get("nonParametricSkew").asDouble()).isCloseTo((mean - median) / stddev, within(1e-9));
        assertHistogram(select.get("histogram"), values, q3 - q1);

        JsonNode name = columns.get("Name");
        assertCounts(name, NAMES);
        List<Double> lengths = NAMES.stream().filter(Objects::nonNull).map(s -> (double) s.length()).sorted()
                .toList();
        assertThat(name.get("minLength").asDouble()).isEqualTo(lengths.getFirst());
        assertThat(name.get("maxLength").asDouble()).isEqualTo(lengths.getLast());
        double meanLength = lengths.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(name.get("mean").asDouble()).isCloseTo(meanLength, within(1e-9));
        assertThat(name.get("median").asDouble()).isCloseTo(percentile(lengths, 0.5), within(1e-9));
        assertThat(name.has("sum")).isFalse();
        assertHistogram(name.get("histogram"), lengths, percentile(lengths, 0.75) - percentile(lengths, 0.25));

        JsonNode id = columns.get("id");
        assertCounts(id, new ArrayList<>(IDS));
        assertThat(id.get("uniqueProportion").asDouble()).isEqualTo(1.0);
        JsonNode day = columns.get("day");
        assertThat(day.get("min").asText()).isEqualTo("2024-01-01");
        assertThat(day.get("max").asText()).isEqualTo("2024-07-18");
        assertThat(day.has("mean")).isFalse();
        JsonNode user = columns.get("user");
        assertThat(user.get("distinctCount").asDouble()).isEqualTo(2);
        assertThat(user.get("uniqueCount").asDouble()).isZero();
        assertThat(user.has("min")).isFalse();

        // sample data: 50 rows, every column, in the table's order; never the cardinality extras (pgbridge only)
        JsonNode sample = body(lines, "/sampleData");
        assertThat(sample.get("columns")).hasSize(5);
        assertThat(sample.get("rows")).hasSize(50);
        assertThat(lines).noneMatch(l -> l.get("path").asText().endsWith("/pgbridge"));
        assertValid(lines);
    }

    @Test
    void cardinalityDistributionReachesTheLocalCatalogOnly() throws Exception {
        List<Object> sent = new ArrayList<>();
        ProfilerSettings settings = ProfilerSettings.defaults();
        ProfilerSettings only = new ProfilerSettings(settings.databaseFilter(),
                new dev.pgbridge.metadata.ingest.FilterPattern(List.of(java.util.regex.Pattern.compile(
                        "^Mixed Schema$")), List.of()), new dev.pgbridge.metadata.ingest.FilterPattern(List.of(
                        java.util.regex.Pattern.compile("^order_view$")), List.of()), false, true, false, 50, true,
                false, 80, null, settings.profileSampleType(), settings.samplingMethodType(), 2, 60, List.of(),
                List.of());
        new Profiler("svc", only, new dev.pgbridge.metadata.ingest.StepStatus("Source"),
                new dev.pgbridge.metadata.ingest.StepStatus("Sink")).run(connector(), new dev.pgbridge.metadata
                .openmetadata.RequestSink() {
                    @Override
                    public void send(dev.pgbridge.metadata.openmetadata.Requests.Request request) {
                        sent.add(request.body());
                    }

                    @Override
                    public void close() {
                    }
                }, false);
        var extras = sent.stream().filter(b -> b instanceof dev.pgbridge.metadata.openmetadata.Requests.ProfileExtras)
                .map(b -> (dev.pgbridge.metadata.openmetadata.Requests.ProfileExtras) b).findFirst().orElseThrow();
        assertThat(extras.columnNames()).containsExactly("id", "Name");
        var distribution = extras.columns().stream().filter(c -> c.name().equals("Name")).findFirst().orElseThrow()
                .cardinalityDistribution();
        // "Name" has 7 frequent words and ~200 values seen once: the top 5 and every word with >= 2% of the values
        Map<String, Long> counts = new HashMap<>();
        NAMES.stream().filter(Objects::nonNull).forEach(n -> counts.merge(n, 1L, Long::sum));
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        List<Map.Entry<String, Long>> ranked = counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue()
                .reversed().thenComparing(Map.Entry.comparingByKey())).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            if (i < 5 || ranked.get(i).getValue() >= 0.02 * total) {
                expected.add(ranked.get(i).getKey());
            }
        }
        expected.add("Others");
        assertThat(distribution.categories()).containsExactlyElementsOf(expected);
        assertThat(distribution.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
    }

    @Test
    void samplesTableConfigPartitionsAndAPartitionedRoot() throws Exception {
        List<JsonNode> lines = run("""
                      schemaFilterPattern: {includes: ['^Mixed Schema$']}
                      profileSample: 50
                      samplingMethodType: BERNOULLI
                """, """
                processor:
                  type: orm-profiler
                  config:
                    tableConfig:
                      - fullyQualifiedName: svc.%s.Mixed Schema.Order Items
                        profileSample: 100
                        profileSampleType: ROWS
                      - fullyQualifiedName: svc.%s.Mixed Schema.events
                        profileSample: 100
                        columnConfig:
                          includeColumns:
                            - columnName: id
                              metrics: [valuesCount, max]
                        partitionConfig:
                          enablePartitioning: true
                          partitionColumnName: id
                          partitionIntervalType: INTEGER-RANGE
                          partitionIntegerRangeStart: 11
                          partitionIntegerRangeEnd: 30
                """.formatted(db.name(), db.name()));
        Map<String, JsonNode> profiles = new HashMap<>();
        for (JsonNode l : lines) {
            if (l.get("path").asText().endsWith("/tableProfile")) {
                profiles.put(l.at("/body/tableProfile/columnCount").asInt() + "@" + l.at("/body/tableProfile/rowCount")
                        .asLong(), l.get("body"));
            }
        }
        // ROWS: exactly 100 rows profiled, the table's rowCount still all of it
        JsonNode rows = profiles.get("5@" + ROWS);
        assertThat(rows.at("/tableProfile/profileSampleType").asText()).isEqualTo("ROWS");
        assertThat(columns(rows).get("id").get("valuesCount").asDouble()).isEqualTo(100);
        // the partitioned table through its root: the integer range, one column, two metrics
        JsonNode events = profiles.get("2@400");
        Map<String, JsonNode> eventColumns = columns(events);
        assertThat(eventColumns.keySet()).containsExactly("id");
        assertThat(eventColumns.get("id").get("valuesCount").asDouble()).isEqualTo(20);
        assertThat(eventColumns.get("id").get("max").asDouble()).isEqualTo(30);
        assertThat(eventColumns.get("id").has("mean")).isFalse();
        // the view: a 50% random() sample, counted on the whole view
        JsonNode view = profiles.get("2@" + ROWS);
        assertThat(view.at("/tableProfile/rowCount").asDouble()).isEqualTo(ROWS);
        double sampled = columns(view).get("id").get("valuesCount").asDouble();
        assertThat(sampled).isBetween(ROWS * 0.3, ROWS * 0.7);
        // the same rows in every statement: distinct ids of the sample are exactly its rows
        assertThat(columns(view).get("id").get("distinctCount").asDouble()).isEqualTo(sampled);
        assertValid(lines);
    }

    @Test
    void aBernoulliPercentageSampleIsTheSameRowsInEveryStatement() throws Exception {
        List<JsonNode> lines = run("""
                      schemaFilterPattern: {includes: ['^Mixed Schema$']}
                      tableFilterPattern: {includes: ['^Order Items$']}
                      profileSample: 30
                      samplingMethodType: BERNOULLI
                """, "");
        JsonNode profile = body(lines, "/tableProfile");
        assertThat(profile.at("/tableProfile/profileSample").asDouble()).isEqualTo(30);
        assertThat(profile.at("/tableProfile/profileSampleType").asText()).isEqualTo("PERCENTAGE");
        assertThat(profile.at("/tableProfile/rowCount").asDouble()).isEqualTo(ROWS);
        JsonNode id = columns(profile).get("id");
        double sampled = id.get("valuesCount").asDouble();
        assertThat(sampled).isBetween(ROWS * 0.15, ROWS * 0.45);
        // the aggregate scan and the grouped pass saw the same rows: every sampled id is distinct and seen once
        assertThat(id.get("distinctCount").asDouble()).isEqualTo(sampled);
        assertThat(id.get("uniqueCount").asDouble()).isEqualTo(sampled);
        assertThat(body(lines, "/sampleData").get("rows")).hasSize(50);
        assertValid(lines);
    }

    @Test
    @Timeout(60)
    void aTableOverItsTimeoutIsAnErrorAndTheOthersGoOn() throws Exception {
        Path out = dir.resolve("requests.jsonl");
        WorkflowRunner.Result result = runner().run(workflow(out, """
                      schemaFilterPattern: {includes: ['^slow$']}
                      timeoutSeconds: 1
                """, ""));
        StringWriter summary = new StringWriter();
        WorkflowRunner.printSummary(result, new PrintWriter(summary));
        assertThat(result.failed()).isTrue();
        assertThat(result.steps().getFirst().errors()).singleElement().asString()
                .contains("slow.sleeper").contains("timeoutSeconds: 1").contains("hint");
        assertThat(Files.readString(out)).contains("\"columnProfile\":[{\"name\":\"a\"");
    }

    // ---- independent computations

    // the profiler's PII tagging and sample masking ran only against the classifier's stub, never end to end
    @Test
    void personalDataIsTaggedAndMaskedInTheSample() throws Exception {
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA pii;
                CREATE TABLE pii.customers (id int PRIMARY KEY, email text, card_number text, note text);
                """);
        try (Connection c = SERVER.connect(db.name()); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO pii.customers VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= 80; i++) {
                ps.setInt(1, i);
                ps.setString(2, "customer" + i + "@example.org");
                ps.setString(3, luhn("4" + String.format(java.util.Locale.ROOT, "%014d", 31_415_926_535L * i)));
                ps.setString(4, "order " + i + " shipped in " + (i % 5 + 1) + " boxes");
                ps.addBatch();
            }
            ps.executeBatch();
        }
        List<JsonNode> lines = run("""
                      schemaFilterPattern: {includes: ['^pii$']}
                      processPiiSensitive: true
                      confidence: 80
                """, "");
        Map<String, String> tags = new java.util.TreeMap<>();
        lines.stream().filter(l -> l.get("method").asText().equals("PATCH")).findFirst().orElseThrow().get("body")
                .get("columns").forEach(t -> tags.put(t.get("column").asText(),
                t.at("/tag/tagFQN").asText()));
        assertThat(tags).containsEntry("email", "PII.Sensitive").containsEntry("card_number", "PII.Sensitive")
                .doesNotContainKeys("id", "note");
        JsonNode sample = body(lines, "/sampleData");
        List<String> columns = new ArrayList<>();
        sample.get("columns").forEach(n -> columns.add(n.asText()));
        int email = columns.indexOf("email");
        int note = columns.indexOf("note");
        assertThat(sample.get("rows")).isNotEmpty().allSatisfy(row -> {
            assertThat(row.get(email).asText()).isEqualTo("********");
            assertThat(row.get(note).asText()).startsWith("order ");
        });
        assertValid(lines);
    }

    /** {@code digits} with its Luhn check digit appended. */
    private static String luhn(String digits) {
        int sum = 0;
        for (int i = digits.length() - 1, k = 0; i >= 0; i--, k++) {
            int d = digits.charAt(i) - '0';
            if (k % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return digits + (10 - sum % 10) % 10;
    }

    private static void assertCounts(JsonNode column, List<?> raw) {
        List<?> values = raw.stream().filter(Objects::nonNull).toList();
        Map<Object, Long> counts = new HashMap<>();
        values.forEach(v -> counts.merge(v, 1L, Long::sum));
        long unique = counts.values().stream().filter(n -> n == 1).count();
        assertThat(column.get("valuesCount").asDouble()).isEqualTo(values.size());
        assertThat(column.get("nullCount").asDouble()).isEqualTo(raw.size() - values.size());
        assertThat(column.get("nullProportion").asDouble()).isCloseTo((raw.size() - values.size()) / (double) raw.size(),
                within(1e-12));
        assertThat(column.get("distinctCount").asDouble()).isEqualTo(counts.size());
        assertThat(column.get("distinctProportion").asDouble()).isCloseTo(counts.size() / (double) values.size(),
                within(1e-12));
        assertThat(column.get("uniqueCount").asDouble()).isEqualTo(unique);
        assertThat(column.get("uniqueProportion").asDouble()).isCloseTo(unique / (double) values.size(), within(1e-12));
        assertThat(column.get("duplicateCount").asDouble()).isEqualTo(values.size() - counts.size());
    }

    /** PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks. */
    private static double percentile(List<Double> sorted, double p) {
        double position = p * (sorted.size() - 1);
        int lower = (int) Math.floor(position);
        int upper = (int) Math.ceil(position);
        return sorted.get(lower) + (sorted.get(upper) - sorted.get(lower)) * (position - lower);
    }

    /** Freedman–Diaconis bins (Sturges past 100), the last one open, counted here. */
    private static void assertHistogram(JsonNode histogram, List<Double> sorted, double iqr) {
        double min = sorted.getFirst();
        double max = sorted.getLast();
        int n = sorted.size();
        double width = iqr > 0 ? 2 * iqr / Math.cbrt(n) : 1;
        int bins = (int) Math.ceil((max - min) / width);
        if (bins > 100) {
            bins = (int) Math.ceil(Math.log(n) / Math.log(2) + 1);
            width = (max - min) / bins;
        }
        long[] expected = new long[bins];
        for (double v : sorted) {
            int bin = (int) Math.floor((v - min) / width);
            expected[Math.min(bins - 1, Math.max(0, bin))]++;
        }
        List<Long> frequencies = new ArrayList<>();
        histogram.get("frequencies").forEach(f -> frequencies.add(f.asLong()));
        assertThat(frequencies).containsExactly(java.util.Arrays.stream(expected).boxed().toArray(Long[]::new));
        assertThat(histogram.get("boundaries").get(0).asText()).startsWith(String.format(java.util.Locale.ROOT,
                "%.3f to ", min));
        assertThat(histogram.get("boundaries").get(bins - 1).asText()).endsWith(" and up");
    }

    // ---- running

    private List<JsonNode> run(String pipeline, String processor) throws Exception {
        Path out = dir.resolve("requests.jsonl");
        WorkflowRunner.Result result = runner().run(workflow(out, pipeline, processor));
        StringWriter summary = new StringWriter();
        WorkflowRunner.printSummary(result, new PrintWriter(summary));
        assertThat(result.failed()).as(summary.toString()).isFalse();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static Workflow workflow(Path out, String pipeline, String processor) {
        return new WorkflowReader(Map.of("OUT", out.toString())).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection:
                    config:
                      type: Postgres
                      connection: prof_it
                  sourceConfig:
                    config:
                      type: Profiler
                %s%s
                sink:
                  type: file
                  config:
                    filename: ${OUT}
                """.formatted(pipeline, processor.isEmpty() ? "" : processor.stripTrailing()), "profiler.yaml");
    }

    private static void assertValid(List<JsonNode> lines) {
        OpenMetadataSchemas server = new OpenMetadataSchemas();
        for (JsonNode line : lines) {
            assertThat(server.problems(line.get("method").asText(), line.get("path").asText(), line.get("body")))
                    .as(line.toString()).isEmpty();
        }
    }

    private static JsonNode body(List<JsonNode> lines, String suffix) {
        return lines.stream().filter(l -> l.get("path").asText().endsWith(suffix)).findFirst().orElseThrow()
                .get("body");
    }

    private static Map<String, JsonNode> columns(JsonNode profile) {
        Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        profile.get("columnProfile").forEach(c -> out.put(c.get("name").asText(), c));
        return out;
    }

    private static WorkflowRunner runner() {
        return new WorkflowRunner(resolver(), "default");
    }

    private static ConnectionResolver resolver() {
        String uri = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name();
        return new ConnectionResolver(Map.of("AIRFLOW_CONN_PROF_IT", uri), () -> {
            throw new IllegalStateException("no store in this test");
        });
    }

    private static dev.pgbridge.metadata.ingest.MetadataIngestion.Connector connector() {
        return new dev.pgbridge.metadata.ingest.MetadataIngestion.Connector() {
            @Override
            public Connection connect(String database) throws java.sql.SQLException {
                return SERVER.connect(database == null ? db.name() : database);
            }

            @Override
            public dev.pgbridge.error.PgBridgeException translate(java.sql.SQLException e) {
                return new dev.pgbridge.error.PgBridgeException(dev.pgbridge.error.ErrorCode.SQL_ERROR, e.getMessage(),
                        "see the server log", e);
            }
        };
    }
}
