package dev.pgbridge.metadata.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.metadata.catalogstore.CatalogSink;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.catalogstore.QualityStore;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.openmetadata.OpenMetadataSchemas;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.profile.pii.PiiTag;
import dev.pgbridge.metadata.workflow.Workflow;
import dev.pgbridge.metadata.workflow.WorkflowReader;
import dev.pgbridge.metadata.workflow.WorkflowRunner;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.store.SqlConnectionStore;
import dev.pgbridge.store.StoreDatabase;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TestSuite workflow on a real server: every test definition once passing and once failing (expected values
 * computed here from the rows inserted), tests that error Aborted with the server's message while the run goes on,
 * {@code tableCustomSQLQuery} refused a write, failing rows masked where sensitive, requests valid for OpenMetadata
 * 1.4, and the results with their history in the local catalog on both store back ends.
 */
@Timeout(120)
class QualityWorkflowIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = "shop_pg";

    // the rows, from which the expected values are computed
    private static final String[] EMAILS = {"a@x.com", "b@x.com", "c@x.com", null, "e@x.com", "a@x.com"};
    private static final double[] AMOUNTS = {10, 20, 30, 40, 50, 65};
    private static final String[] STATUSES = {"new", "paid", "paid", "shipped", "new", "N/A"};
    private static final String[] CODES = {"A1", "B2", "C3", "D4", "E5", "bad"};
    private static final boolean[] RECENT = {true, true, true, false, false, false};

    private static TestDatabase db;

    @BeforeAll
    static void createTables() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_quality"), null);
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < EMAILS.length; i++) {
            rows.append(i == 0 ? "" : ", ").append("(").append(i + 1).append(", ")
                    .append(EMAILS[i] == null ? "NULL" : "'" + EMAILS[i] + "'").append(", ").append(AMOUNTS[i])
                    .append(", '").append(STATUSES[i]).append("', '").append(CODES[i]).append("', ")
                    .append(RECENT[i] ? "now() - interval '1 hour'" : "'2020-01-01 00:00+00'").append(", ")
                    .append(i % 3 == 0 ? "NULL" : "'n'").append(")");
        }
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA qa;
                CREATE TABLE qa."Orders" (id int PRIMARY KEY, email text, amount numeric(10,2), status text,
                    code varchar(5), created_at timestamptz, note text);
                INSERT INTO qa."Orders" VALUES %s;
                CREATE TABLE qa.orders_copy AS SELECT * FROM qa."Orders";
                CREATE TABLE qa.orders_changed AS SELECT * FROM qa."Orders" WHERE id <> 2;
                UPDATE qa.orders_changed SET amount = 999 WHERE id = 3;
                INSERT INTO qa.orders_changed (id, email, amount) VALUES (7, 'g@x.com', 1);
                """.formatted(rows));
    }

    @AfterAll
    static void dropTables() {
        if (db != null) {
            db.close();
        }
    }

    private static String fqn(String table) {
        return SERVICE + "." + db.name() + ".qa." + table;
    }

    private static ConnectionResolver resolver() {
        String uri = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name();
        return new ConnectionResolver(Map.of("AIRFLOW_CONN_QA_IT", uri), () -> {
            throw new IllegalStateException("no connection store in this test");
        });
    }

    /** {@code name: definition column? param=value; …} lines as the file's testCases. */
    private static String workflow(String sink, String... cases) {
        StringBuilder list = new StringBuilder();
        for (String c : cases) {
            String[] parts = c.split("\\|", -1);
            list.append("        - name: ").append(parts[0]).append('\n');
            list.append("          testDefinitionName: ").append(parts[1]).append('\n');
            if (!parts[2].isEmpty()) {
                list.append("          columnName: ").append(parts[2]).append('\n');
            }
            if (parts.length > 3 && !parts[3].isEmpty()) {
                list.append("          parameterValues:\n");
                for (String p : parts[3].split(";;")) {
                    int eq = p.indexOf('=');
                    list.append("            - {name: ").append(p, 0, eq).append(", value: ")
                            .append(p.substring(eq + 1)).append("}\n");
                }
            }
        }
        return """
                source:
                  type: TestSuite
                  serviceName: %s
                  serviceConnection:
                    config:
                      type: Postgres
                      connection: qa_it
                      sslMode: disable
                  sourceConfig:
                    config:
                      type: TestSuite
                      entityFullyQualifiedName: %s
                processor:
                  type: orm-test-runner
                  config:
                    testCases:
                %s
                sink:
                  %s
                workflowConfig: {}
                """.formatted(SERVICE, fqn("Orders"), list, sink);
    }

    private record Run(WorkflowRunner.Result result, Map<String, TestOutcome> outcomes) {
        TestOutcome get(String name) {
            assertThat(outcomes).containsKey(name);
            return outcomes.get(name);
        }

        String status(String name) {
            return get(name).result().testCaseStatus();
        }

        String value(String name, String key) {
            return get(name).result().testResultValue().stream().filter(v -> v.name().equals(key))
                    .map(Requests.TestResultValue::value).findFirst().orElseThrow();
        }
    }

    private static Run run(String yaml, Supplier<StoreDatabase> store, String tenant) {
        Workflow workflow = new WorkflowReader(Map.of()).read(yaml, "quality.yaml");
        Map<String, TestOutcome> outcomes = new LinkedHashMap<>();
        TestSuiteRunner.ResultsProgress listener = o -> outcomes.put(o.testCase().name(), o);
        WorkflowRunner.Result result = new WorkflowRunner(resolver(), tenant, store, Clock.systemUTC())
                .run(workflow, listener);
        StringWriter summary = new StringWriter();
        WorkflowRunner.printSummary(result, new PrintWriter(summary));
        assertThat(result.failed()).as(summary.toString()).isFalse();
        return new Run(result, outcomes);
    }

    private static double mean() {
        return Arrays.stream(AMOUNTS).average().orElseThrow();
    }

    @Test
    void everyDefinitionPassesAndFailsAndItsRequestsAreValidForOpenMetadata(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("requests.jsonl");
        double mean = mean();
        double[] sorted = AMOUNTS.clone();
        Arrays.sort(sorted);
        double median = (sorted[2] + sorted[3]) / 2;
        double stddev = Math.sqrt(Arrays.stream(AMOUNTS).map(a -> (a - mean) * (a - mean)).sum() / AMOUNTS.length);
        double sum = Arrays.stream(AMOUNTS).sum();
        long recent = 0;
        for (boolean r : RECENT) {
            recent += r ? 1 : 0;
        }
        long rows = EMAILS.length;
        Run run = run(workflow("{type: file, config: {filename: '" + out + "'}}",
                "rows_ok|tableRowCountToBeBetween||minValue=1;;maxValue=" + rows,
                "rows_bad|tableRowCountToBeBetween||minValue=" + (rows + 1),
                "rows_eq_ok|tableRowCountToEqual||value=" + rows,
                "rows_eq_bad|tableRowCountToEqual||value=" + (rows - 1),
                "cols_ok|tableColumnCountToBeBetween||minColValue=7;;maxColValue=7",
                "cols_bad|tableColumnCountToBeBetween||maxColValue=3",
                "cols_eq_ok|tableColumnCountToEqual||columnCount=7",
                "cols_eq_bad|tableColumnCountToEqual||columnCount=8",
                "name_ok|tableColumnNameToExist||columnName=email",
                "name_bad|tableColumnNameToExist||columnName=emial",
                "set_ok|tableColumnToMatchSet||columnNames='id, email, amount, status, code, created_at, note';;ordered=true",
                "set_bad|tableColumnToMatchSet||columnNames='id, email'",
                "sql_ok|tableCustomSQLQuery||sqlExpression='SELECT * FROM qa.\"Orders\" WHERE amount < 0'",
                "sql_bad|tableCustomSQLQuery||sqlExpression='SELECT id, email FROM qa.\"Orders\" WHERE amount > 40'",
                "sql_count|tableCustomSQLQuery||sqlExpression='SELECT count(*) FROM qa.\"Orders\"';;strategy=COUNT;;operator='=='"
                        + ";;threshold=" + rows,
                "inserted_ok|tableRowInsertedCountToBeBetween||columnName=created_at;;rangeType=DAY;;rangeInterval=1;;min="
                        + recent + ";;max=" + recent,
                "inserted_bad|tableRowInsertedCountToBeBetween||columnName=created_at;;rangeType=DAY;;rangeInterval=1;;min="
                        + (recent + 1),
                "diff_ok|tableDiff||table2=" + fqn("orders_copy"),
                "diff_bad|tableDiff||table2=" + fqn("orders_changed") + ";;keyColumns=[id]",
                "nn_ok|columnValuesToBeNotNull|id",
                "nn_bad|columnValuesToBeNotNull|email",
                "uq_ok|columnValuesToBeUnique|id",
                "uq_bad|columnValuesToBeUnique|email",
                "between_ok|columnValuesToBeBetween|amount|minValue=0;;maxValue=100",
                "between_bad|columnValuesToBeBetween|amount|minValue=15;;maxValue=100",
                "between_date_bad|columnValuesToBeBetween|created_at|minValue='2021-01-01'",
                "inset_ok|columnValuesToBeInSet|status|allowedValues=[new, paid, shipped, N/A];;matchEnum=true",
                "inset_bad|columnValuesToBeInSet|status|allowedValues=\"['new', 'paid']\";;matchEnum=true",
                "notin_ok|columnValuesToBeNotInSet|status|forbiddenValues=[cancelled]",
                "notin_bad|columnValuesToBeNotInSet|status|forbiddenValues=[N/A]",
                "regex_ok|columnValuesToMatchRegex|id|regex='^[0-9]+$'",
                "regex_bad|columnValuesToMatchRegex|code|regex='^[A-Z][0-9]$'",
                "notregex_ok|columnValuesToNotMatchRegex|code|forbiddenRegex='^z'",
                "notregex_bad|columnValuesToNotMatchRegex|code|forbiddenRegex='^b'",
                "missing_ok|columnValuesMissingCount|status|missingCountValue=1;;missingValueMatch=[N/A]",
                "missing_bad|columnValuesMissingCount|note|missingCountValue=0",
                "len_ok|columnValueLengthsToBeBetween|code|minLength=2;;maxLength=3",
                "len_bad|columnValueLengthsToBeBetween|code|minLength=2;;maxLength=2",
                "max_ok|columnValueMaxToBeBetween|amount|minValueForMaxInCol=" + sorted[5] + ";;maxValueForMaxInCol=" + sorted[5],
                "max_bad|columnValueMaxToBeBetween|amount|maxValueForMaxInCol=" + (sorted[5] - 1),
                "min_ok|columnValueMinToBeBetween|amount|minValueForMinInCol=" + sorted[0],
                "min_bad|columnValueMinToBeBetween|amount|minValueForMinInCol=" + (sorted[0] + 1),
                "mean_ok|columnValueMeanToBeBetween|amount|minValueForMeanInCol=" + (mean - 0.01) + ";;maxValueForMeanInCol="
                        + (mean + 0.01),
                "mean_bad|columnValueMeanToBeBetween|amount|maxValueForMeanInCol=" + (mean - 1),
                "median_ok|columnValueMedianToBeBetween|amount|minValueForMedianInCol=" + median
                        + ";;maxValueForMedianInCol=" + median,
                "median_bad|columnValueMedianToBeBetween|amount|minValueForMedianInCol=" + (median + 1),
                "sd_ok|columnValueStdDevToBeBetween|amount|minValueForStdDevInCol=" + (stddev - 0.001)
                        + ";;maxValueForStdDevInCol=" + (stddev + 0.001),
                "sd_bad|columnValueStdDevToBeBetween|amount|maxValueForStdDevInCol=" + (stddev - 1),
                "sum_ok|columnValuesSumToBeBetween|amount|minValueForColSum=" + sum + ";;maxValueForColSum=" + sum,
                "sum_bad|columnValuesSumToBeBetween|amount|minValueForColSum=" + (sum + 1)), () -> {
                    throw new IllegalStateException("the file sink needs no store");
                }, "default");

        for (String name : run.outcomes().keySet()) {
            String expected = name.endsWith("_bad") ? "Failed" : "Success";
            assertThat(run.status(name)).as(name + ": " + run.get(name).result().result()).isEqualTo(expected);
        }
        assertThat(run.outcomes().keySet()).hasSize(50);
        // measured values, computed above from the rows
        assertThat(run.value("rows_ok", "rowCount")).isEqualTo(String.valueOf(rows));
        assertThat(Double.parseDouble(run.value("mean_ok", "mean"))).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Double.parseDouble(run.value("median_ok", "median"))).isEqualTo(median);
        assertThat(Double.parseDouble(run.value("sd_ok", "stddev"))).isCloseTo(stddev, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Double.parseDouble(run.value("sum_ok", "sum"))).isEqualTo(sum);
        assertThat(run.value("nn_bad", "nullCount")).isEqualTo("1");
        assertThat(run.get("nn_bad").result().failedRows()).isEqualTo(1L);
        assertThat(run.get("nn_bad").result().passedRows()).isEqualTo(rows - 1);
        assertThat(run.value("uq_bad", "valueCount")).isEqualTo("5");
        assertThat(run.value("uq_bad", "uniqueCount")).isEqualTo("3");
        assertThat(run.value("sql_bad", "resultRowCount")).isEqualTo("2");
        assertThat(run.value("diff_bad", "removedRows")).isEqualTo("1");
        assertThat(run.value("diff_bad", "addedRows")).isEqualTo("1");
        assertThat(run.value("diff_bad", "changedRows")).isEqualTo("1");
        assertThat(run.value("inserted_ok", "rowCount")).isEqualTo(String.valueOf(recent));
        assertThat(run.get("between_date_bad").result().failedRows()).isEqualTo(3L);
        assertThat(run.value("between_date_bad", "min")).startsWith("2020-01-01 00:00:00");
        // failing rows: the one NULL email's row, and the rows of the custom query
        assertThat(run.get("nn_bad").failedRows().rows()).hasSize(1);
        assertThat(run.get("nn_bad").failedRows().rows().getFirst().getFirst()).isEqualTo("4");
        assertThat(run.get("sql_bad").failedRows().rows()).hasSize(2);
        assertThat(run.get("nn_ok").failedRows()).isNull();

        OpenMetadataSchemas server = new OpenMetadataSchemas();
        List<String> paths = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode request = JSON.readTree(line);
            paths.add(request.get("method").asText() + " " + request.get("path").asText());
            assertThat(server.problems(request.get("method").asText(), request.get("path").asText(),
                    request.get("body"))).as(line).isEmpty();
        }
        assertThat(paths.getFirst()).isEqualTo("PUT /v1/dataQuality/testSuites/executable");
        assertThat(paths).hasSize(1 + 2 * 50);
        JsonNode firstCase = JSON.readTree(Files.readAllLines(out).get(1)).get("body");
        assertThat(firstCase.get("entityLink").asText()).isEqualTo("<#E::table::" + fqn("Orders") + ">");
        assertThat(firstCase.get("testSuite").asText()).isEqualTo(fqn("Orders") + ".testSuite");
    }

    @Test
    void testsThatErrorAreAbortedWithTheServersMessageAndTheRunGoesOn(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("requests.jsonl");
        Run run = run(workflow("{type: file, config: {filename: '" + out + "'}}",
                "bad_regex|columnValuesToMatchRegex|code|regex='('",
                "no_column|columnValuesToBeNotNull|nope",
                "bad_literal|columnValuesToBeBetween|amount|minValue=abc",
                "still_runs|columnValuesToBeNotNull|id",
                "delete|tableCustomSQLQuery||sqlExpression='WITH d AS (DELETE FROM qa.\"Orders\" RETURNING id) SELECT * FROM d'",
                "sql_error|tableCustomSQLQuery||sqlExpression='SELECT * FROM qa.no_such_table'",
                "median_text|columnValueMedianToBeBetween|status|minValueForMedianInCol=1"), () -> {
                    throw new IllegalStateException("the file sink needs no store");
                }, "default");
        assertThat(run.status("still_runs")).isEqualTo("Success");
        for (String name : List.of("bad_regex", "no_column", "bad_literal", "delete", "sql_error",
                "median_text")) {
            assertThat(run.status(name)).as(name).isEqualTo("Aborted");
        }
        assertThat(run.get("bad_regex").result().result()).contains("invalid regular expression").contains("2201B");
        assertThat(run.get("no_column").result().result()).contains("column nope does not exist");
        assertThat(run.get("bad_literal").result().result()).contains("abc").contains("22P02");
        // the write is refused by the server: the transaction is read-only
        assertThat(run.get("delete").result().result()).contains("read-only transaction").contains("25006");
        assertThat(run.get("sql_error").result().result()).contains("no_such_table").contains("42P01");
        try (Connection c = SERVER.connect(db.name()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM qa.\"Orders\"")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(EMAILS.length);
        }
        StepStatus source = run.result().steps().getFirst();
        assertThat(source.warnings()).anyMatch(w -> w.contains("bad_regex aborted"));
        assertThat(source.processedCount()).isEqualTo(7);
        assertThat(run.result().steps().get(1).processedCount()).isEqualTo(1 + 2 * 7); // the suite, cases, results
    }

    @Test
    void aQueryOverTheStatementTimeoutIsAbortedByTheServer(@TempDir Path dir) {
        String yaml = workflow("{type: file, config: {filename: '" + dir.resolve("r.jsonl") + "'}}",
                "slow|tableCustomSQLQuery||sqlExpression='SELECT pg_sleep(5)'",
                "after|tableRowCountToEqual||value=" + EMAILS.length)
                .replace("    testCases:", "    timeoutSeconds: 1\n    testCases:");
        Run run = run(yaml, () -> {
            throw new IllegalStateException("the file sink needs no store");
        }, "default");
        assertThat(run.status("slow")).isEqualTo("Aborted");
        assertThat(run.get("slow").result().result()).contains("statement timeout").contains("57014");
        assertThat(run.status("after")).isEqualTo("Success");
    }

    /** Runs {@code settings} straight through the runner (no workflow check): the requests it sent. */
    private static List<Requests.Request> direct(TestSuiteSettings settings, SensitiveColumns pii,
                                                 List<TestOutcome> outcomes, StepStatus source) {
        return direct(settings, pii, outcomes, source, new java.util.concurrent.atomic.AtomicInteger());
    }

    /** @param scans counts the shared scans of the table sent ({@code SELECT count(*), …}) */
    private static List<Requests.Request> direct(TestSuiteSettings settings, SensitiveColumns pii,
                                                 List<TestOutcome> outcomes, StepStatus source,
                                                 java.util.concurrent.atomic.AtomicInteger scans) {
        TestSuiteRunner runner = new TestSuiteRunner(SERVICE, settings, source, new StepStatus("Sink"),
                outcomes::add, pii, Clock.systemUTC());
        List<Requests.Request> sent = new ArrayList<>();
        runner.run(new dev.pgbridge.metadata.ingest.MetadataIngestion.Connector() {
            @Override
            public Connection connect(String database) throws java.sql.SQLException {
                Connection real = SERVER.connect(database);
                // the real connection, its aggregate statements counted
                return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("prepareStatement") && args[0] instanceof String sql
                                    && sql.startsWith("SELECT count(*), ")) {
                                scans.incrementAndGet();
                            }
                            try {
                                return method.invoke(real, args);
                            }
                            catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }

            @Override
            public dev.pgbridge.error.PgBridgeException translate(java.sql.SQLException e) {
                return new dev.pgbridge.error.PgBridgeException(dev.pgbridge.error.ErrorCode.SQL_ERROR,
                        e.getMessage(), null);
            }
        }, new dev.pgbridge.metadata.openmetadata.RequestSink() {
            @Override
            public void send(Requests.Request request) {
                sent.add(request);
            }

            @Override
            public void close() {
            }
        });
        return sent;
    }

    private static TestSuiteSettings.TestCaseSpec spec(String name, String definition, String column,
                                                       String... nameValue) {
        List<TestSuiteSettings.Parameter> parameters = new ArrayList<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            parameters.add(new TestSuiteSettings.Parameter(nameValue[i], nameValue[i + 1]));
        }
        return new TestSuiteSettings.TestCaseSpec(name, definition, column, parameters, null, true);
    }

    private static TestSuiteSettings settings(TestSuiteSettings.TestCaseSpec... cases) {
        return settings(java.time.Duration.ofSeconds(30), cases);
    }

    private static TestSuiteSettings settings(java.time.Duration timeout, TestSuiteSettings.TestCaseSpec... cases) {
        return settings("Orders", timeout, cases);
    }

    private static TestSuiteSettings settings(String table, java.time.Duration timeout,
                                              TestSuiteSettings.TestCaseSpec... cases) {
        return new TestSuiteSettings(List.of(new TestSuiteSettings.TableTests(fqn(table), List.of(cases))), false,
                timeout, List.of());
    }

    // the bug: columnValuesMissingCount counted NULLs only, where OpenMetadata's NULL_MISSING_COUNT also counts ''
    @Test
    void emptyStringsAreMissingValuesAsInOpenMetadata() {
        SERVER.executeIn(db.name(), """
                CREATE TABLE qa.missing (v text, n int);
                INSERT INTO qa.missing VALUES (NULL, NULL), ('', 1), ('N/A', 2), ('x', 3), (' ', 4);
                """);
        List<TestOutcome> outcomes = new ArrayList<>();
        direct(settings("missing", java.time.Duration.ofSeconds(30),
                        spec("text", "columnValuesMissingCount", "v", "missingCountValue", "2"),
                        spec("text_na", "columnValuesMissingCount", "v", "missingCountValue", "3",
                                "missingValueMatch", "[\"N/A\"]"),
                        spec("number", "columnValuesMissingCount", "n", "missingCountValue", "1")),
                (column, type, samples) -> false, outcomes, new StepStatus("Source"));
        assertThat(outcomes).hasSize(3).allSatisfy(o -> assertThat(o.result().testCaseStatus())
                .as(o.testCase().name() + ": " + o.result().result()).isEqualTo("Success"));
        assertThat(outcomes).extracting(o -> o.result().testResultValue().getFirst().value())
                .containsExactly("2", "3", "1");
    }

    // the bug: a statement timeout of the shared scan re-ran every test's part alone, each waiting the timeout again
    @Test
    void aTimeoutOfTheSharedScanAbortsItsTestsWithoutRunningEachAlone() throws Exception {
        List<TestOutcome> outcomes = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger scans = new java.util.concurrent.atomic.AtomicInteger();
        try (Connection locker = SERVER.connect(db.name())) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("LOCK TABLE qa.\"Orders\" IN ACCESS EXCLUSIVE MODE"); // the scan waits until its timeout
            }
            try {
                direct(settings(java.time.Duration.ofSeconds(1),
                                spec("rows", "tableRowCountToEqual", null, "value", String.valueOf(EMAILS.length)),
                                spec("nn", "columnValuesToBeNotNull", "id"),
                                spec("max", "columnValueMaxToBeBetween", "amount", "maxValueForMaxInCol", "100")),
                        (column, type, samples) -> false, outcomes, new StepStatus("Source"), scans);
            }
            finally {
                locker.rollback();
            }
        }
        assertThat(outcomes).hasSize(3).allSatisfy(o -> {
            assertThat(o.result().testCaseStatus()).isEqualTo("Aborted");
            assertThat(o.result().result()).contains("statement timeout").contains("57014");
        });
        assertThat(scans.get()).isEqualTo(1);
    }

    // the bug: partitionCondition and tableDiff's where were concatenated into SQL unchecked at run time, so a
    // COMMIT in them ended the read-only transaction and the DELETE after it ran
    @Test
    void theUsersSqlIsCheckedAtRunTimeTooAndCannotEndTheReadOnlyTransaction() throws Exception {
        List<TestOutcome> outcomes = new ArrayList<>();
        String delete = "true; COMMIT; DELETE FROM qa.\"Orders\"; SELECT 1 WHERE (true";
        direct(settings(spec("partition", "tableCustomSQLQuery", null, "sqlExpression", "SELECT 1 WHERE false",
                        "partitionCondition", delete),
                spec("diff_where", "tableDiff", null, "table2", fqn("orders_copy"), "where", delete),
                spec("diff_paren", "tableDiff", null, "table2", fqn("orders_copy"), "where", "true) OR (true"),
                spec("two_statements", "tableCustomSQLQuery", null, "sqlExpression",
                        "SELECT 1; COMMIT; DELETE FROM qa.\"Orders\""),
                spec("fine", "tableDiff", null, "table2", fqn("orders_copy"), "where", "status <> ';' -- a comment")),
                (column, type, samples) -> false, outcomes, new StepStatus("Source"));
        Map<String, TestOutcome> byName = new LinkedHashMap<>();
        outcomes.forEach(o -> byName.put(o.testCase().name(), o));
        assertThat(byName.get("partition").result().testCaseStatus()).isEqualTo("Aborted");
        assertThat(byName.get("partition").result().result()).startsWith("partitionCondition: ");
        assertThat(byName.get("diff_where").result().result()).startsWith("where: ");
        assertThat(byName.get("diff_paren").result().result()).startsWith("where: ")
                .contains("cannot be used as a subquery");
        assertThat(byName.get("two_statements").result().result()).startsWith("sqlExpression: ");
        assertThat(byName.get("fine").result().testCaseStatus()).isEqualTo("Success");
        try (Connection c = SERVER.connect(db.name()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM qa.\"Orders\"")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(EMAILS.length);
        }
    }

    // the bug: a test that threw anything but an SQL error (rangeInterval over int, a NUL in table2, a missing
    // parameter, a PII check that failed) crashed the run or replaced the table's computed results by Aborted
    @Test
    void aTestThatThrowsIsAbortedAloneAndTheOthersKeepTheirResults() {
        List<TestOutcome> outcomes = new ArrayList<>();
        StepStatus source = new StepStatus("Source");
        direct(settings(spec("rows", "tableRowCountToEqual", null, "value", String.valueOf(EMAILS.length)),
                        spec("uq", "columnValuesToBeUnique", "email"),
                        spec("interval", "tableRowInsertedCountToBeBetween", null, "columnName", "created_at",
                                "rangeType", "DAY", "rangeInterval", "3000000000"),
                        spec("nul_table", "tableDiff", null, "table2", fqn("orders\u0000copy")),
                        spec("no_range_type", "tableRowInsertedCountToBeBetween", null, "columnName", "created_at",
                                "rangeInterval", "1"),
                        spec("diff", "tableDiff", null, "table2", fqn("orders_changed"))),
                (column, type, samples) -> {
                    if (column.equals("email")) {
                        throw new IllegalStateException("the classifier failed");
                    }
                    return false;
                }, outcomes, source);
        Map<String, TestOutcome> byName = new LinkedHashMap<>();
        outcomes.forEach(o -> byName.put(o.testCase().name(), o));
        assertThat(byName).containsOnlyKeys("rows", "uq", "interval", "nul_table", "no_range_type", "diff");
        assertThat(byName.get("rows").result().testCaseStatus()).isEqualTo("Success");
        assertThat(byName.get("uq").result().testCaseStatus()).isEqualTo("Failed");
        assertThat(byName.get("uq").failedRows()).isNull(); // its sample could not be masked: dropped, never shown
        assertThat(byName.get("diff").result().testCaseStatus()).isEqualTo("Failed");
        for (String name : List.of("interval", "nul_table", "no_range_type")) {
            assertThat(byName.get(name).result().testCaseStatus()).as(name).isEqualTo("Aborted");
            assertThat(byName.get(name).result().result()).as(name).startsWith("cannot run the test: ")
                    .doesNotContain("\n");
        }
        assertThat(source.errorCount()).isZero();
    }

    @Test
    void failingRowsAreMaskedWhereTheClassifierSaysSensitive(@TempDir Path dir) {
        Workflow workflow = new WorkflowReader(Map.of()).read(workflow("{type: file, config: {filename: '"
                + dir.resolve("r.jsonl") + "'}}", "uq_bad|columnValuesToBeUnique|email"), "quality.yaml");
        List<TestOutcome> outcomes = new ArrayList<>();
        // an injected classifier: the email column is sensitive
        SensitiveColumns emails = (column, type, samples) -> column.equals("email")
                && samples.stream().allMatch(s -> s.contains("@"));
        List<Requests.Request> sent = direct(workflow.testSuite(), emails, outcomes, new StepStatus("Source"));
        Requests.TableData sample = outcomes.getFirst().failedRows();
        int email = sample.columns().indexOf("email");
        assertThat(sample.rows()).hasSize(2);
        assertThat(sample.rows()).allSatisfy(row -> assertThat(row.get(email)).isEqualTo(PiiTag.MASK));
        assertThat(sample.rows()).extracting(row -> row.get(sample.columns().indexOf("id")))
                .containsExactlyInAnyOrder("1", "6");
        Requests.TestCaseResult result = (Requests.TestCaseResult) sent.getLast().body();
        assertThat(result.sampleData()).contains(PiiTag.MASK).doesNotContain("a@x.com");
    }

    // the bug: failing rows were masked by the classification only (with a mask of their own, "***"), so a column
    // tagged PII.Sensitive in the local catalog showed its values
    @Test
    void failingRowsMaskColumnsTaggedSensitiveInTheLocalCatalog(@TempDir Path home) {
        SqlConnectionStore sqlite = SqlConnectionStore.sqlite(home.resolve("pgbridge.db"), () -> {
            throw new IllegalStateException("the catalog never asks for the master key");
        });
        try {
            try (CatalogSink sink = new CatalogSink(CatalogStore.open(sqlite.database(), "qa"), w -> { })) {
                sink.send(Requests.Request.columnTags(fqn("Orders"), new Requests.ColumnTags(List.of(
                        new Requests.ColumnTag("status", new Requests.TagLabel(PiiTag.SENSITIVE, "Classification",
                                "Manual", "Confirmed"))))));
            }
            run(workflow("{type: pgbridge}", "status_bad|columnValuesToBeInSet|status|allowedValues=[new];;"
                    + "matchEnum=true"), sqlite::database, "qa");
            QualityStore.Result latest = QualityStore.open(sqlite.database(), "qa").table(fqn("Orders")).getFirst()
                    .latest();
            assertThat(latest.status()).isEqualTo("Failed");
            Requests.TableData sample = latest.failedSample();
            int status = sample.columns().indexOf("status");
            int code = sample.columns().indexOf("code");
            assertThat(sample.rows()).isNotEmpty().allSatisfy(row -> {
                assertThat(row.get(status)).isEqualTo(PiiTag.MASK);
                assertThat(row.get(code)).isNotEqualTo(PiiTag.MASK);
            });
        }
        finally {
            sqlite.close();
        }
    }

    @Test
    void resultsAndTheirHistoryAreKeptInTheLocalCatalogOnSqliteAndPostgres(@TempDir Path home) {
        SqlConnectionStore sqlite = SqlConnectionStore.sqlite(home.resolve("pgbridge.db"), () -> {
            throw new IllegalStateException("the catalog never asks for the master key");
        });
        TestDatabase storeDb = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_qstore"), null);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(SERVER.jdbcUrl(storeDb.name()) + "?sslmode=disable");
        config.setUsername(SERVER.superuser());
        config.setPassword(SERVER.superuserPassword());
        config.setMaximumPoolSize(2);
        HikariDataSource dataSource = new HikariDataSource(config);
        SqlConnectionStore postgres = SqlConnectionStore.postgres(dataSource, () -> {
            throw new IllegalStateException("the catalog never asks for the master key");
        });
        try {
            for (SqlConnectionStore store : List.of(sqlite, postgres)) {
                String yaml = workflow("{type: pgbridge}", "nn_bad|columnValuesToBeNotNull|email",
                        "rows_ok|tableRowCountToEqual||value=" + EMAILS.length);
                run(yaml, store::database, "qa");
                run(yaml, store::database, "qa");
                List<QualityStore.CaseResults> cases = QualityStore.open(store.database(), "qa")
                        .table(fqn("Orders"));
                assertThat(cases).extracting(QualityStore.CaseResults::name).containsExactly("nn_bad", "rows_ok");
                QualityStore.CaseResults nn = cases.getFirst();
                assertThat(nn.column()).isEqualTo("email");
                assertThat(nn.definition()).isEqualTo("columnValuesToBeNotNull");
                assertThat(nn.history()).hasSize(2);
                assertThat(nn.latest().status()).isEqualTo("Failed");
                assertThat(nn.latest().failedRows()).isEqualTo(1L);
                assertThat(nn.latest().measured()).isEqualTo("nullCount=1");
                assertThat(nn.latest().failedSample().rows()).hasSize(1);
                assertThat(cases.get(1).latest().status()).isEqualTo("Success");
                assertThat(cases.get(1).parameters()).extracting(Requests.TestCaseParameterValue::name)
                        .containsExactly("value");
                // another tenant sees none of it
                assertThat(QualityStore.open(store.database(), "other").table(fqn("Orders"))).isEmpty();
            }
        }
        finally {
            sqlite.close();
            postgres.close();
            dataSource.close();
            storeDb.close();
        }
    }
}
