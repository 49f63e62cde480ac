package dev.pgbridge.metadata.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.OpenMetadataSchemas;
import dev.pgbridge.metadata.workflow.Workflow;
import dev.pgbridge.metadata.workflow.WorkflowReader;
import dev.pgbridge.metadata.workflow.WorkflowRunner;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code DatabaseUsage} and {@code DatabaseLineage} workflows on a real server with {@code pg_stat_statements} loaded:
 * a workload runs, the workflow writes the {@code file} sink, and every line is checked against OpenMetadata 1.4.0's
 * schemas ({@link OpenMetadataSchemas}) and for what it must say. Runs on PostgreSQL 18 and 12 alike, whose
 * pg_stat_statements name their time columns differently ({@code total_exec_time} / {@code total_time}).
 */
@Timeout(180)
class QueryLogWorkflowIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-04T10:00:00Z"), ZoneOffset.UTC);
    private static final String UNPARSEABLE = "CREATE TABLE sales.order_clone AS TABLE sales.orders";
    private static TestDatabase db;
    private static TestRole analyst;

    @TempDir
    Path dir;

    @BeforeAll
    static void createFixtureAndWorkload() throws SQLException {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_usage"), null);
        analyst = SERVER.createRole(TestingPostgres.uniqueName("pgb_analyst"), "analyst-secret");
        SERVER.executeIn(db.name(), """
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                CREATE SCHEMA sales;
                CREATE TABLE sales.customers (id int PRIMARY KEY, name text, region text);
                CREATE TABLE sales.orders (id int PRIMARY KEY, customer_id int REFERENCES sales.customers, amount numeric);
                CREATE TABLE sales.order_totals (customer_id int, total numeric);
                CREATE TABLE sales."Audit Log" (id int, note text);
                INSERT INTO sales.customers VALUES (1, 'ann', 'north'), (2, 'bob', 'south');
                INSERT INTO sales.orders VALUES (1, 1, 50), (2, 1, 150), (3, 2, 250);
                CREATE VIEW sales.big_orders AS
                  SELECT o.id, o.amount, c.name AS customer FROM sales.orders o JOIN sales.customers c ON c.id = o.customer_id
                  WHERE o.amount > 100;
                CREATE MATERIALIZED VIEW sales.region_totals AS
                  SELECT c.region, sum(o.amount) AS total FROM sales.orders o JOIN sales.customers c ON c.id = o.customer_id
                  GROUP BY c.region;
                GRANT USAGE ON SCHEMA sales TO %s;
                GRANT SELECT ON ALL TABLES IN SCHEMA sales TO %s;
                """.formatted(analyst.name(), analyst.name()));
        // the workload counts from here: the fixture's own statements are forgotten (this database only)
        SERVER.executeIn(db.name(), "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database "
                + "WHERE datname = current_database()), 0)");
        try (Connection c = SERVER.connect(db.name()); Statement s = c.createStatement()) {
            for (int i = 0; i < 5; i++) {
                s.execute("SELECT c.name, o.amount FROM sales.orders o JOIN sales.customers c ON c.id = o.customer_id "
                        + "WHERE o.amount > " + (10 + i));
            }
            s.execute("INSERT INTO sales.order_totals (customer_id, total) "
                    + "SELECT customer_id, sum(amount) FROM sales.orders GROUP BY customer_id");
            s.execute("CREATE TABLE sales.order_copy AS SELECT id AS order_id, amount FROM sales.orders");
            s.execute("INSERT INTO sales.\"Audit Log\" (id, note) SELECT id, name FROM sales.customers");
            s.execute(UNPARSEABLE);
            // OpenMetadata #18417: system catalogs in logged SQL became lineage nodes ("Table entity not found")
            s.execute("INSERT INTO sales.\"Audit Log\" (id, note) SELECT 0, relname FROM pg_catalog.pg_class LIMIT 1");
            s.execute("CREATE TEMP TABLE scratch AS SELECT id FROM sales.customers");
            s.execute("SELECT count(*) FROM scratch");
            s.execute("SELECT count(*) FROM pg_catalog.pg_class");
        }
        Properties props = new Properties();
        props.setProperty("user", analyst.name());
        props.setProperty("password", analyst.password());
        props.setProperty("sslmode", "disable");
        try (Connection c = DriverManager.getConnection(SERVER.jdbcUrl(db.name()), props);
             Statement s = c.createStatement()) {
            s.execute("SELECT count(*) FROM sales.customers");
            s.execute("SELECT count(*) FROM sales.customers");
        }
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
        if (analyst != null) {
            analyst.close();
        }
    }

    @Test
    void usageFromPgStatStatementsIsWhatOpenMetadataSends() throws IOException {
        Path out = dir.resolve("usage.jsonl");
        WorkflowRunner.Result result = run("""
                source:
                  type: postgres-usage
                  serviceName: local_pg
                  serviceConnection: {config: {type: Postgres, connection: usage_it, sslMode: disable}}
                  sourceConfig:
                    config: {type: DatabaseUsage, queryLogDuration: 1, resultLimit: 1000, stageFileLocation: /tmp/query_log}
                processor: {type: query-parser, config: {}}
                stage: {type: table-usage, config: {filename: /tmp/query_log}}
                bulkSink: {type: metadata-usage, config: {filename: /tmp/query_log}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(out));
        String summary = summary(result);
        assertThat(result.failed()).as(summary).isFalse();
        List<JsonNode> lines = validLines(out);

        String svc = "local_pg." + db.name() + ".sales.";
        JsonNode joinQuery = body(lines, "/v1/queries", q -> q.get("query").asText().contains("JOIN sales.customers"));
        assertThat(strings(joinQuery.get("usedBy"))).containsExactly(SERVER.superuser());
        assertThat(joinQuery.get("queryUsedIn").findValuesAsText("fullyQualifiedName"))
                .containsExactlyInAnyOrder(svc + "orders", svc + "customers");
        assertThat(joinQuery.get("service").asText()).isEqualTo("local_pg");
        assertThat(joinQuery.get("duration").asDouble()).isGreaterThanOrEqualTo(0.0);
        assertThat(joinQuery.get("queryDate").asLong()).isEqualTo(Instant.parse("2026-03-04T00:00:00Z").toEpochMilli());
        JsonNode analystQuery = body(lines, "/v1/queries", q -> q.get("query").asText().contains("count(*) FROM sales.customers"));
        assertThat(strings(analystQuery.get("usedBy"))).containsExactly(analyst.name());

        // per table per day: orders 5 (join) + 1 (INSERT…SELECT) + 1 (CTAS);
        // customers 5 + 1 (Audit Log) + 1 (the temp table's CTAS) + 2 (analyst)
        assertThat(usage(lines, svc + "orders")).isEqualTo(7);
        assertThat(usage(lines, svc + "customers")).isEqualTo(9);
        assertThat(usage(lines, svc + "order_totals")).isEqualTo(1);
        assertThat(usage(lines, svc + "\"Audit Log\"".replace("\"", ""))).isEqualTo(2); // two INSERTs, one from pg_class
        assertThat(lines.stream().filter(l -> l.get("path").asText().startsWith("/v1/usage/"))
                .map(l -> l.at("/body/date").asText()).distinct().toList()).containsExactly("2026-03-04");

        JsonNode ordersJoins = joins(lines, svc + "orders");
        assertThat(ordersJoins.toString()).contains("{\"columnName\":\"customer_id\",\"joinedWith\":[{\"fullyQualifiedName\":\""
                + svc + "customers.id\",\"joinCount\":5}]}");
        assertThat(joins(lines, svc + "customers").toString()).contains("\"columnName\":\"id\"", svc + "orders.customer_id");

        assertThat(summary).contains("scratch").contains("not in the catalog")
                .contains("cannot parse '" + UNPARSEABLE + "'").doesNotContain("BEGIN");
        if (SERVER.majorVersion() >= 14) {
            // pg_stat_statements_info.stats_reset: the counts began when the test server started, inside the day
            assertThat(summary).contains("queryLogDuration 1: pg_stat_statements keeps counts without timestamps; "
                    + "they began at its last reset, ").contains("inside the last 1 day, and are all booked on 2026-03-04");
        }
        else {
            assertThat(summary).contains("queryLogDuration 1: pg_stat_statements keeps counts without timestamps");
        }
        assertThat(lines.toString()).doesNotContain("pg_stat_statements");
        assertThat(lines.stream().flatMap(l -> l.findValuesAsText("fullyQualifiedName").stream()).toList())
                .isNotEmpty().allSatisfy(fqn -> assertThat(fqn).startsWith(svc).doesNotContain("pg_class"));
    }

    @Test
    void resultLimitKeepsTheMostCalledQueries() throws IOException {
        Path out = dir.resolve("limit.jsonl");
        WorkflowRunner.Result result = run("""
                source:
                  type: postgres-usage
                  serviceName: svc
                  serviceConnection: {config: {connection: usage_it, sslMode: disable}}
                  sourceConfig: {config: {type: DatabaseUsage, resultLimit: 2}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(out));
        assertThat(result.failed()).as(summary(result)).isFalse();
        List<String> queries = validLines(out).stream().filter(l -> l.get("path").asText().equals("/v1/queries"))
                .map(l -> l.at("/body/query").asText()).toList();
        assertThat(queries).hasSize(2);
        assertThat(queries.get(0)).contains("JOIN sales.customers");
        assertThat(queries.get(1)).contains("count(*) FROM sales.customers");
    }

    @Test
    void filterConditionNarrowsTheServersLog() throws IOException {
        Path out = dir.resolve("filter.jsonl");
        WorkflowRunner.Result result = run("""
                source:
                  type: postgres-usage
                  serviceName: svc
                  serviceConnection: {config: {connection: usage_it, sslMode: disable}}
                  sourceConfig: {config: {type: DatabaseUsage, filterCondition: "usename = '%s' AND query_text NOT ILIKE '%%;%%'"}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(analyst.name(), out));
        assertThat(result.failed()).as(summary(result)).isFalse();
        List<JsonNode> queries = validLines(out).stream().filter(l -> l.get("path").asText().equals("/v1/queries"))
                .toList();
        assertThat(queries).singleElement().satisfies(q -> assertThat(q.at("/body/usedBy/0").asText())
                .isEqualTo(analyst.name()));
    }

    @Test
    void aFilterConditionTheServerRejectsIsAWorkflowError() {
        WorkflowRunner.Result result = run("""
                source:
                  type: postgres-usage
                  serviceName: svc
                  serviceConnection: {config: {connection: usage_it, sslMode: disable}}
                  sourceConfig: {config: {type: DatabaseUsage, filterCondition: "query_text > 1"}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(dir.resolve("bad.jsonl")));
        assertThat(result.failed()).isTrue();
        assertThat(result.steps().get(0).errors()).singleElement().asString()
                .startsWith("source.sourceConfig.config.filterCondition is not a valid condition on the query log: ")
                .contains("operator does not exist: text > integer")
                .contains("query_text, usename, database_name, calls, mean_time, total_time");
    }

    // columns were chosen by server version: after pg_upgrade an extension still at 1.7 has total_time, not total_exec_time
    @Test
    void anOldExtensionVersionOnANewServerIsReadByItsOwnColumns() throws IOException, SQLException {
        try (TestDatabase old = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_oldpss"), null)) {
            SERVER.executeIn(old.name(), "CREATE EXTENSION pg_stat_statements VERSION '1.7'; "
                    + "CREATE TABLE items (id int, sku text)");
            try (Connection c = SERVER.connect(old.name()); Statement s = c.createStatement()) {
                s.execute("SELECT sku FROM items WHERE id = 7");
            }
            for (String condition : new String[] {null, "mean_time >= 0 AND total_time >= 0"}) {
                Path out = dir.resolve("old" + (condition == null ? "" : "-filtered") + ".jsonl");
                WorkflowRunner.Result result = run("""
                        source:
                          type: postgres-usage
                          serviceName: svc
                          serviceConnection: {config: {connection: usage_it, database: %s, sslMode: disable}}
                          sourceConfig: {config: {type: DatabaseUsage%s}}
                        sink: {type: file, config: {filename: '%s'}}
                        """.formatted(old.name(), condition == null ? "" : ", filterCondition: '" + condition + "'",
                        out));
                assertThat(result.failed()).as(summary(result)).isFalse();
                assertThat(usage(validLines(out), "svc." + old.name() + ".public.items")).as(condition).isEqualTo(1);
            }
        }
    }

    // a statement the parser cannot read was shown with its opening text: CREATE USER MAPPING showed its password
    @Test
    void aPasswordInALoggedStatementReachesNeitherSummaryNorTranscript() throws IOException {
        String secret = "Pa55-w0rd-in-the-log";
        Path csv = dir.resolve("secret.csv");
        Files.writeString(csv, """
                query_text,database_name,schema_name,user_name
                "CREATE USER MAPPING FOR CURRENT_USER SERVER films OPTIONS (user 'app', password '%1$s')",%2$s,sales,joe
                "SELECT id FROM orders WHERE amount > 0 AND 'x' <> '%1$s'",%2$s,sales,joe
                """.formatted(secret, db.name()));
        Path out = dir.resolve("secret.jsonl");
        WorkflowRunner.Result result = run("""
                source:
                  type: postgres-usage
                  serviceName: svc
                  serviceConnection: {config: {connection: usage_it, sslMode: disable}}
                  sourceConfig: {config: {type: DatabaseUsage, queryLogFilePath: '%s'}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(csv, out));
        String summary = summary(result) + result.steps();
        assertThat(result.failed()).as(summary).isFalse();
        assertThat(summary).contains("cannot parse 'CREATE USER MAPPING FOR CURRENT_USER SERVER films OPTIONS (user '…', pa")
                .doesNotContain(secret);
        List<JsonNode> lines = validLines(out);
        JsonNode query = body(lines, "/v1/queries", q -> q.get("query").asText().contains("FROM orders"));
        assertThat(query.get("query").asText()).isEqualTo("SELECT id FROM orders WHERE amount > 0 AND '…' <> '…'");
        assertThat(Files.readString(out)).doesNotContain(secret);
    }

    @Test
    void usageFromAQueryLogFile() throws IOException {
        Path csv = dir.resolve("queries.csv");
        Files.writeString(csv, """
                query_text,database_name,schema_name,user_name,start_time,end_time,aborted
                "SELECT o.amount, c.name FROM orders o JOIN customers c ON c.id = o.customer_id",%1$s,sales,maria,2026-03-03 09:00:00,2026-03-03 09:00:02,false
                "SELECT o.amount, c.name FROM orders o JOIN customers c ON c.id = o.customer_id",%1$s,sales,maria,2026-03-03 11:00:00,2026-03-03 11:00:01,
                "SELECT id FROM sales.orders WHERE amount > 1",%1$s,,joe,2026-03-04T08:00:00Z,,
                "SELECT id FROM sales.orders WHERE amount > 2",%1$s,,joe,2026-03-04 08:00:00,,true
                "SELECT id FROM sales.orders WHERE amount > 3",%1$s,,joe,2026-02-01 08:00:00,,
                "SELECT id FROM sales.orders WHERE amount > 4",other_db,,joe,2026-03-04 08:00:00,,
                """.formatted(db.name()));
        Path out = dir.resolve("csv.jsonl");
        WorkflowRunner.Result result = run("""
                source:
                  type: postgres-usage
                  serviceName: svc
                  serviceConnection: {config: {connection: usage_it, sslMode: disable}}
                  sourceConfig: {config: {type: DatabaseUsage, queryLogFilePath: '%s', queryLogDuration: 2}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(csv, out));
        String summary = summary(result);
        assertThat(result.failed()).as(summary).isFalse();
        List<JsonNode> lines = validLines(out);
        String svc = "svc." + db.name() + ".sales.";
        List<JsonNode> usage = lines.stream().filter(l -> l.get("path").asText().startsWith("/v1/usage/")).toList();
        assertThat(usage.stream().map(l -> l.at("/body/date").asText() + " " + l.at("/body/count").asInt()).toList())
                .containsExactlyInAnyOrder("2026-03-03 2", "2026-03-03 2", "2026-03-04 1");
        JsonNode join = body(lines, "/v1/queries", q -> q.get("query").asText().contains("JOIN customers"));
        assertThat(strings(join.get("usedBy"))).containsExactly("maria");
        assertThat(join.get("duration").asDouble()).isEqualTo(1500.0);
        assertThat(join.get("queryUsedIn").findValuesAsText("fullyQualifiedName"))
                .containsExactlyInAnyOrder(svc + "orders", svc + "customers");
        assertThat(summary).contains("1 aborted queries left out").contains("1 queries older than queryLogDuration 2");
        assertThat(result.steps().get(0).filteredRecords()).anySatisfy(f -> assertThat(f).startsWith("other_db"));
    }

    // each logged query started its own SqlLineage and parser thread (500 statements left 500 threads alive)
    @Test
    void analysingManyLoggedQueriesUsesOneParserThread() throws IOException {
        StringBuilder csv = new StringBuilder("query_text,database_name,schema_name,user_name,start_time\n");
        for (int i = 0; i < 200; i++) {
            csv.append("\"SELECT id FROM orders WHERE amount > ").append(i).append("\",").append(db.name())
                    .append(",sales,joe,2026-03-04 08:00:00\n");
        }
        Path file = dir.resolve("many.csv");
        Files.writeString(file, csv);
        long before = parserThreads();
        WorkflowRunner.Result result = run("""
                source:
                  type: postgres-usage
                  serviceName: svc
                  serviceConnection: {config: {connection: usage_it, sslMode: disable}}
                  sourceConfig: {config: {type: DatabaseUsage, queryLogFilePath: '%s'}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(file, dir.resolve("many.jsonl")));
        assertThat(result.failed()).as(summary(result)).isFalse();
        assertThat(usage(validLines(dir.resolve("many.jsonl")), "svc." + db.name() + ".sales.orders")).isEqualTo(200);
        assertThat(parserThreads()).as("parser threads alive (before the run: %d)", before).isLessThanOrEqualTo(before + 1);
    }

    private static long parserThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("pgbridge-lineage-parser")).count();
    }

    @Test
    void lineageFromViewsMaterializedViewsAndLoggedStatements() throws IOException {
        Path out = dir.resolve("lineage.jsonl");
        WorkflowRunner.Result result = run("""
                source:
                  type: postgres-lineage
                  serviceName: svc
                  serviceConnection: {config: {connection: usage_it, sslMode: disable}}
                  sourceConfig:
                    config: {type: DatabaseLineage, queryLogDuration: 1, resultLimit: 1000, parsingTimeoutLimit: 300,
                             overrideViewLineage: true, threads: 2, schemaFilterPattern: {includes: ['^sales$']}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(out));
        String summary = summary(result);
        assertThat(result.failed()).as(summary).isFalse();
        List<JsonNode> lines = validLines(out);
        assertThat(lines).allSatisfy(l -> assertThat(l.get("path").asText()).isEqualTo("/v1/lineage"));
        String svc = "svc." + db.name() + ".sales.";
        List<String> edges = new ArrayList<>();
        for (JsonNode l : lines) {
            JsonNode edge = l.at("/body/edge");
            edges.add(edge.at("/lineageDetails/source").asText() + " " + id(svc, "orders", "customers", "big_orders",
                    "region_totals", "order_totals", "order_copy", "Audit Log", edge.at("/fromEntity/id").asText())
                    + " -> " + id(svc, "orders", "customers", "big_orders", "region_totals", "order_totals",
                    "order_copy", "Audit Log", edge.at("/toEntity/id").asText()));
        }
        assertThat(edges).containsExactlyInAnyOrder(
                "ViewLineage orders -> big_orders", "ViewLineage customers -> big_orders",
                "ViewLineage orders -> region_totals", "ViewLineage customers -> region_totals",
                "QueryLineage orders -> order_totals", "QueryLineage orders -> order_copy",
                "QueryLineage customers -> Audit Log");

        JsonNode view = edge(lines, "ViewLineage", svc + "customers");
        assertThat(view.at("/lineageDetails/sqlQuery").asText()).startsWith("CREATE VIEW \"sales\".\"big_orders\" AS");
        JsonNode totals = lines.stream().map(l -> l.at("/body/edge"))
                .filter(e -> e.at("/lineageDetails/sqlQuery").asText().startsWith("INSERT INTO sales.order_totals"))
                .findFirst().orElseThrow();
        assertThat(totals.at("/lineageDetails/columnsLineage").toString()).isEqualTo("[{\"fromColumns\":[\"" + svc
                + "orders.customer_id\"],\"toColumn\":\"" + svc + "order_totals.customer_id\"},{\"fromColumns\":[\""
                + svc + "orders.amount\"],\"toColumn\":\"" + svc + "order_totals.total\"}]");
        JsonNode copy = lines.stream().map(l -> l.at("/body/edge"))
                .filter(e -> e.at("/lineageDetails/sqlQuery").asText().startsWith("CREATE TABLE sales.order_copy"))
                .findFirst().orElseThrow();
        assertThat(copy.at("/lineageDetails/columnsLineage").toString()).contains(svc + "order_copy.order_id")
                .contains(svc + "orders.id");
        JsonNode audit = lines.stream().map(l -> l.at("/body/edge"))
                .filter(e -> e.at("/lineageDetails/sqlQuery").asText().contains("Audit Log"))
                .findFirst().orElseThrow();
        assertThat(audit.at("/lineageDetails/columnsLineage").toString())
                .contains("{\"fromColumns\":[\"" + svc + "customers.name\"],\"toColumn\":\"" + svc + "Audit Log.note\"}");
        assertThat(summary).contains("cannot parse '" + UNPARSEABLE + "'").doesNotContain("pg_class");
        // keys OpenMetadata defines and pgbridge ignores were accepted silently: one warning each
        assertThat(result.steps().get(0).warnings()).filteredOn(w -> w.contains("has no effect in pgbridge"))
                .containsExactly(
                        "source.sourceConfig.config.parsingTimeoutLimit is accepted for OpenMetadata compatibility and "
                                + "has no effect in pgbridge",
                        "source.sourceConfig.config.overrideViewLineage is accepted for OpenMetadata compatibility and "
                                + "has no effect in pgbridge",
                        "source.sourceConfig.config.threads is accepted for OpenMetadata compatibility and has no "
                                + "effect in pgbridge");
    }

    // one PUT /v1/lineage per statement: OpenMetadata's PUT replaces the edge's details, so only the last columns survived
    @Test
    void twoStatementsFeedingOneEdgeAreSentAsOneEdgeWithBothColumns() throws IOException {
        Path csv = dir.resolve("two.csv");
        Files.writeString(csv, """
                query_text,database_name,schema_name
                "INSERT INTO sales.order_totals (customer_id) SELECT customer_id FROM sales.orders",%1$s,sales
                "INSERT INTO sales.order_totals (total) SELECT amount FROM sales.orders",%1$s,sales
                """.formatted(db.name()));
        Path out = dir.resolve("two.jsonl");
        WorkflowRunner.Result result = run("""
                source:
                  type: postgres-lineage
                  serviceName: svc
                  serviceConnection: {config: {connection: usage_it, sslMode: disable}}
                  sourceConfig: {config: {type: DatabaseLineage, processViewLineage: false, queryLogFilePath: '%s'}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(csv, out));
        assertThat(result.failed()).as(summary(result)).isFalse();
        String svc = "svc." + db.name() + ".sales.";
        assertThat(validLines(out)).singleElement().satisfies(l -> {
            JsonNode edge = l.at("/body/edge");
            assertThat(edge.at("/lineageDetails/sqlQuery").asText()).as("the first statement's")
                    .startsWith("INSERT INTO sales.order_totals (customer_id)");
            assertThat(edge.at("/lineageDetails/columnsLineage").toString()).isEqualTo("[{\"fromColumns\":[\"" + svc
                    + "orders.customer_id\"],\"toColumn\":\"" + svc + "order_totals.customer_id\"},{\"fromColumns\":[\""
                    + svc + "orders.amount\"],\"toColumn\":\"" + svc + "order_totals.total\"}]");
        });
    }

    @Test
    void lineageFiltersLeaveOutEdgesWithAnExcludedEnd() throws IOException {
        Path out = dir.resolve("filtered.jsonl");
        WorkflowRunner.Result result = run("""
                source:
                  type: postgres-lineage
                  serviceName: svc
                  serviceConnection: {config: {connection: usage_it, sslMode: disable}}
                  sourceConfig:
                    config: {type: DatabaseLineage, processViewLineage: false,
                             tableFilterPattern: {excludes: ['^order_copy$', '^Audit']}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(out));
        assertThat(result.failed()).as(summary(result)).isFalse();
        List<JsonNode> lines = validLines(out);
        assertThat(lines).singleElement().satisfies(l -> assertThat(l.at("/body/edge/lineageDetails/sqlQuery").asText())
                .startsWith("INSERT INTO sales.order_totals"));
        String svc = "svc." + db.name() + ".sales.";
        assertThat(result.steps().get(0).filteredRecords()).contains(svc + "orders -> " + svc + "order_copy",
                svc + "customers -> " + svc + "Audit Log");
    }

    @Test
    void ingestAllDatabasesCountsEachDatabaseAgainstItsOwnCatalog() throws IOException, SQLException {
        try (TestDatabase second = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_usage2"), null)) {
            SERVER.executeIn(second.name(), "CREATE SCHEMA other; CREATE TABLE other.items (id int, sku text)");
            try (Connection c = SERVER.connect(second.name()); Statement s = c.createStatement()) {
                s.execute("SELECT sku FROM other.items WHERE id = 7");
            }
            Path out = dir.resolve("all.jsonl");
            WorkflowRunner.Result result = run("""
                    source:
                      type: postgres-usage
                      serviceName: svc
                      serviceConnection: {config: {connection: usage_it, ingestAllDatabases: true, sslMode: disable}}
                      sourceConfig: {config: {type: DatabaseUsage}}
                    sink: {type: file, config: {filename: '%s'}}
                    """.formatted(out));
            assertThat(result.failed()).as(summary(result)).isFalse();
            List<JsonNode> lines = validLines(out);
            assertThat(usage(lines, "svc." + second.name() + ".other.items")).isEqualTo(1);
            assertThat(usage(lines, "svc." + db.name() + ".sales.orders")).isEqualTo(7);
        }
    }

    @Test
    void missingExtensionIsOneErrorNamingTheFix() {
        try (TestDatabase bare = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_nostat"), null)) {
            WorkflowRunner.Result result = run("""
                    source:
                      type: postgres-usage
                      serviceName: svc
                      serviceConnection: {config: {connection: usage_it, database: %s, sslMode: disable}}
                      sourceConfig: {config: {type: DatabaseUsage}}
                    sink: {type: file, config: {filename: '%s'}}
                    """.formatted(bare.name(), dir.resolve("none.jsonl")));
            assertThat(result.failed()).isTrue();
            assertThat(result.steps().get(0).errors()).singleElement().asString()
                    .contains("pg_stat_statements extension is not installed in database \"" + bare.name() + "\"")
                    .contains("CREATE EXTENSION pg_stat_statements;");
        }
    }

    // edges are gathered over the run and sent at its end: a query log that cannot be read lost the views' edges
    @Test
    void viewEdgesAreSentWhenTheQueryLogCannotBeRead() throws IOException {
        try (TestDatabase bare = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_nostat"), null)) {
            SERVER.executeIn(bare.name(), "CREATE TABLE items (id int, sku text); "
                    + "CREATE VIEW skus AS SELECT sku FROM items");
            Path out = dir.resolve("views-only.jsonl");
            WorkflowRunner.Result result = run("""
                    source:
                      type: postgres-lineage
                      serviceName: svc
                      serviceConnection: {config: {connection: usage_it, database: %s, sslMode: disable}}
                      sourceConfig: {config: {type: DatabaseLineage}}
                    sink: {type: file, config: {filename: '%s'}}
                    """.formatted(bare.name(), out));
            assertThat(result.failed()).isTrue();
            assertThat(result.steps().get(0).errors()).singleElement().asString()
                    .contains("pg_stat_statements extension is not installed");
            assertThat(validLines(out)).singleElement().satisfies(l -> assertThat(
                    l.at("/body/edge/lineageDetails/source").asText()).isEqualTo("ViewLineage"));
        }
    }

    @Test
    void roleWithoutPgReadAllStatsIsOneErrorNamingTheGrant() {
        // a role outside pg_read_all_stats sees other roles' statements as <insufficient privilege>
        String uri = "postgres://" + analyst.name() + ":" + URLEncoder.encode(analyst.password(), StandardCharsets.UTF_8)
                + "@" + SERVER.host() + ":" + SERVER.port() + "/" + db.name();
        WorkflowRunner.Result result = new WorkflowRunner(new ConnectionResolver(Map.of("AIRFLOW_CONN_ANALYST", uri),
                () -> {
                    throw new IllegalStateException("no store in this test");
                }), "default", CLOCK).run(new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres-usage
                  serviceName: svc
                  serviceConnection: {config: {connection: analyst, sslMode: disable}}
                  sourceConfig: {config: {type: DatabaseUsage}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(dir.resolve("none.jsonl")), "workflow.yaml"));
        assertThat(result.failed()).isTrue();
        assertThat(result.steps().get(0).errors()).singleElement().asString()
                .contains("is not a member of pg_read_all_stats")
                .contains("GRANT pg_read_all_stats TO \"" + analyst.name() + "\";");
    }

    private static String id(String svc, String... namesThenId) {
        String id = namesThenId[namesThenId.length - 1];
        for (int i = 0; i < namesThenId.length - 1; i++) {
            if (EntityRef.Ids.NAME_BASED.id(EntityRef.table(svc + namesThenId[i])).equals(id)) {
                return namesThenId[i];
            }
        }
        return id;
    }

    private static JsonNode edge(List<JsonNode> lines, String source, String fromFqn) {
        String fromId = EntityRef.Ids.NAME_BASED.id(EntityRef.table(fromFqn));
        return lines.stream().map(l -> l.at("/body/edge"))
                .filter(e -> e.at("/lineageDetails/source").asText().equals(source)
                        && e.at("/fromEntity/id").asText().equals(fromId))
                .findFirst().orElseThrow();
    }

    private WorkflowRunner.Result run(String yaml) {
        Workflow workflow = new WorkflowReader(Map.of()).read(yaml, "workflow.yaml");
        return new WorkflowRunner(resolver(), "default", CLOCK).run(workflow);
    }

    private static String summary(WorkflowRunner.Result result) {
        StringWriter summary = new StringWriter();
        WorkflowRunner.printSummary(result, new PrintWriter(summary));
        return summary.toString();
    }

    /** Every line of the transcript, each checked as the OpenMetadata server would check it. */
    private static List<JsonNode> validLines(Path out) throws IOException {
        OpenMetadataSchemas server = new OpenMetadataSchemas();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode node = JSON.readTree(line);
            assertThat(server.problems(node.get("method").asText(), node.get("path").asText(), node.get("body")))
                    .as(line).isEmpty();
            lines.add(node);
        }
        assertThat(Files.readString(out)).doesNotContain(SERVER.superuserPassword());
        return lines;
    }

    private static JsonNode body(List<JsonNode> lines, String path, Predicate<JsonNode> which) {
        return lines.stream().filter(l -> l.get("path").asText().equals(path)).map(l -> l.get("body")).filter(which)
                .findFirst().orElseThrow(() -> new AssertionError("no " + path + " request matches in " + lines));
    }

    private static int usage(List<JsonNode> lines, String tableFqn) {
        String path = "/v1/usage/table/" + EntityRef.Ids.NAME_BASED.id(EntityRef.table(tableFqn));
        return lines.stream().filter(l -> l.get("path").asText().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no usage for " + tableFqn)).at("/body/count").asInt();
    }

    private static JsonNode joins(List<JsonNode> lines, String tableFqn) {
        String path = "/v1/tables/" + EntityRef.Ids.NAME_BASED.id(EntityRef.table(tableFqn)) + "/joins";
        return lines.stream().filter(l -> l.get("path").asText().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no joins for " + tableFqn)).get("body");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private ConnectionResolver resolver() {
        String uri = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name();
        return new ConnectionResolver(Map.of("AIRFLOW_CONN_USAGE_IT", uri), () -> {
            throw new IllegalStateException("no store in this test");
        });
    }
}
