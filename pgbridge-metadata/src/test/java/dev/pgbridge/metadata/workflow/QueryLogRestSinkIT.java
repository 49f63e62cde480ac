package dev.pgbridge.metadata.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.OpenMetadataTestServer;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage and lineage workflows with the {@code metadata-rest} sink, after a metadata run created the entities in
 * {@link OpenMetadataTestServer}: every request valid by OpenMetadata 1.4.0's schemas, every id the sink resolved
 * naming an entity the server has (lineage ends, a query's tables, a join's columns), and the calls exactly the
 * {@code file} sink's transcript of the same run — on mixed-case names and a table name holding a dot.
 */
@Timeout(120)
class QueryLogRestSinkIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.query-log-rest-bot.c2lnbmF0dXJl";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);
    private static TestDatabase db;

    private final OpenMetadataTestServer om = OpenMetadataTestServer.start(TOKEN);

    @TempDir
    Path dir;

    @BeforeAll
    static void createFixtureAndWorkload() throws SQLException {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_qlrest"), null);
        SERVER.executeIn(db.name(), """
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                CREATE SCHEMA "Shop";
                CREATE TABLE "Shop"."Customers" (id int PRIMARY KEY, "Name" text);
                CREATE TABLE "Shop"."Orders" (id int PRIMARY KEY, "customerId" int REFERENCES "Shop"."Customers" (id),
                                              amount numeric);
                CREATE TABLE "Shop"."v1.totals" ("customerId" int, total numeric);
                CREATE VIEW "Shop".big AS SELECT id, amount FROM "Shop"."Orders" WHERE amount > 10;
                """);
        SERVER.executeIn(db.name(), "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database "
                + "WHERE datname = current_database()), 0)");
        try (Connection c = SERVER.connect(db.name()); Statement s = c.createStatement()) {
            for (int i = 0; i < 2; i++) {
                s.execute("SELECT c.\"Name\", o.amount FROM \"Shop\".\"Orders\" o "
                        + "JOIN \"Shop\".\"Customers\" c ON c.id = o.\"customerId\"");
            }
            s.execute("INSERT INTO \"Shop\".\"v1.totals\" (\"customerId\", total) "
                    + "SELECT \"customerId\", sum(amount) FROM \"Shop\".\"Orders\" GROUP BY \"customerId\"");
        }
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    @AfterEach
    void stopServer() {
        om.close();
    }

    private String workflow(String type, String config, String sink) {
        return """
                source:
                  type: %s
                  serviceName: local_pg
                  serviceConnection: {config: {type: Postgres, connection: ql_rest, sslMode: disable}}
                  sourceConfig:
                    config: %s
                sink: %s
                workflowConfig:
                  openMetadataServerConfig:
                    hostPort: %s
                    authProvider: openmetadata
                    securityConfig: {jwtToken: '%s'}
                """.formatted(type, config, sink, om.hostPort(), TOKEN);
    }

    private WorkflowRunner.Result run(String type, String config, String sink) {
        Workflow w = new WorkflowReader(Map.of()).read(workflow(type, config, sink), type + ".yaml");
        return new WorkflowRunner(resolver(), "default", CLOCK).run(w);
    }

    private static final String METADATA = "{type: DatabaseMetadata, schemaFilterPattern: {includes: ['^Shop$']}}";
    private static final String USAGE = "{type: DatabaseUsage, queryLogDuration: 1}";
    private static final String LINEAGE = "{type: DatabaseLineage, schemaFilterPattern: {includes: ['^Shop$']}}";
    private static final String REST = "{type: metadata-rest, config: {}}";

    private List<JsonNode> runFile(String type, String config) throws IOException {
        Path out = dir.resolve(type + ".jsonl");
        WorkflowRunner.Result result = run(type, config, "{type: file, config: {filename: '" + out + "'}}");
        assertThat(result.failed()).as(summary(result)).isFalse();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static String summary(WorkflowRunner.Result result) {
        StringWriter s = new StringWriter();
        WorkflowRunner.printSummary(result, new PrintWriter(s));
        return s.toString();
    }

    private static String id(String fqn) {
        return EntityRef.Ids.NAME_BASED.id(EntityRef.table(fqn));
    }

    @Test
    void usageAndLineageGoToOpenMetadataExactlyAsTheFileTranscript() throws Exception {
        WorkflowRunner.Result metadata = run("postgres", METADATA, REST);
        assertThat(metadata.failed()).as(summary(metadata)).isFalse();
        String shop = "local_pg." + db.name() + ".Shop.";

        om.clearCalls();
        WorkflowRunner.Result usage = run("postgres-usage", USAGE, REST);
        assertThat(usage.failed()).as(summary(usage)).isFalse();
        assertThat(om.calls()).as("every call accepted: valid, and naming entities the server has")
                .allMatch(c -> c.status() < 300);
        List<JsonNode> usageCalls = om.transcript();
        assertThat(usageCalls).isEqualTo(runFile("postgres-usage", USAGE));
        assertThat(usageCalls).extracting(l -> l.get("method").asText() + " " + l.get("path").asText())
                .contains("POST /v1/usage/table/" + id(shop + "Orders"),
                        "POST /v1/usage/table/" + id(shop + "Customers"),
                        "POST /v1/usage/table/" + id(shop + "\"v1.totals\""),
                        "PUT /v1/tables/" + id(shop + "Orders") + "/joins",
                        "PUT /v1/queries");
        JsonNode ordersUsage = usageCalls.stream().filter(l -> l.get("path").asText()
                .equals("/v1/usage/table/" + id(shop + "Orders"))).findFirst().orElseThrow().get("body");
        assertThat(ordersUsage.toString()).isEqualTo("{\"date\":\"2026-12-06\",\"count\":3}");
        JsonNode joins = usageCalls.stream().filter(l -> l.get("path").asText()
                .equals("/v1/tables/" + id(shop + "Orders") + "/joins")).findFirst().orElseThrow().get("body");
        assertThat(joins.get("columnJoins").toString()).isEqualTo("[{\"columnName\":\"customerId\","
                + "\"joinedWith\":[{\"fullyQualifiedName\":\"" + shop + "Customers.id\",\"joinCount\":2}]}]");

        om.clearCalls();
        WorkflowRunner.Result lineage = run("postgres-lineage", LINEAGE, REST);
        assertThat(lineage.failed()).as(summary(lineage)).isFalse();
        assertThat(om.calls()).allMatch(c -> c.status() < 300);
        List<JsonNode> lineageCalls = om.transcript();
        assertThat(lineageCalls).isEqualTo(runFile("postgres-lineage", LINEAGE));
        assertThat(lineageCalls).hasSize(2).allMatch(l -> l.get("path").asText().equals("/v1/lineage"));
        JsonNode query = lineageCalls.stream().filter(l -> l.at("/body/edge/lineageDetails/source").asText()
                .equals("QueryLineage")).findFirst().orElseThrow().at("/body/edge");
        assertThat(query.at("/fromEntity/id").asText()).isEqualTo(id(shop + "Orders"));
        assertThat(query.at("/toEntity/id").asText()).isEqualTo(id(shop + "\"v1.totals\""));
        assertThat(query.at("/lineageDetails/columnsLineage").toString()).isEqualTo("[{\"fromColumns\":[\"" + shop
                + "Orders.customerId\"],\"toColumn\":\"" + shop + "\\\"v1.totals\\\".customerId\"},{\"fromColumns\":"
                + "[\"" + shop + "Orders.amount\"],\"toColumn\":\"" + shop + "\\\"v1.totals\\\".total\"}]");
    }

    @Test
    void usageBeforeAnyMetadataRunIsOneErrorNotOnePerRequest() {
        // a usage run before any metadata run was one "not in OpenMetadata" error per query, table and day
        WorkflowRunner.Result usage = run("postgres-usage", USAGE, REST);
        assertThat(usage.failed()).isTrue();
        String text = summary(usage);
        assertThat(usage.steps().get(1).errors()).as(text).containsExactly("database service local_pg is not in "
                + "OpenMetadata at " + om.hostPort() + " (hint: run the DatabaseMetadata workflow of service local_pg "
                + "into it first: usage and lineage name the tables it creates)");
        assertThat(om.transcript()).as("nothing was sent").isEmpty();
        assertThat(text).doesNotContain(TOKEN);

        WorkflowRunner.Result lineage = run("postgres-lineage", LINEAGE, REST);
        assertThat(lineage.steps().get(1).errors()).as(summary(lineage)).singleElement().asString()
                .startsWith("database service local_pg is not in OpenMetadata");
    }

    @Test
    void theSummaryCountsEachQueryOnceAsProcessedOrFiltered() throws Exception {
        // a query naming only PostgreSQL's catalogs (pgbridge's own reads) was counted processed and filtered
        Path out = dir.resolve("count.jsonl");
        String file = "{type: file, config: {filename: '" + out + "'}}";
        WorkflowRunner.Result usage = run("postgres-usage", USAGE, file);
        assertThat(usage.failed()).as(summary(usage)).isFalse();
        assertThat(usage.steps().get(0).processedCount()).as(summary(usage) + usage.steps().get(0).filteredRecords())
                .as("the join and the INSERT").isEqualTo(2);
        assertThat(usage.steps().get(0).filteredRecords()).isNotEmpty()
                .noneMatch(f -> f.contains("\"Shop\""));
        WorkflowRunner.Result lineage = run("postgres-lineage", LINEAGE, file);
        assertThat(lineage.failed()).as(summary(lineage)).isFalse();
        assertThat(lineage.steps().get(0).processedCount()).as(summary(lineage)).as("the view and the INSERT")
                .isEqualTo(2);
    }

    @Test
    void aRequestTheServerRefusesIsTheSinksErrorAndNotAlsoProcessed() {
        // the usage, lineage and metadata sources counted a request processed whatever the sink made of it
        WorkflowRunner.Result metadata = run("postgres", METADATA, REST);
        assertThat(metadata.failed()).as(summary(metadata)).isFalse();
        om.answer("POST", "/v1/usage/table/.*", 400, "usage refused by the test");
        WorkflowRunner.Result usage = run("postgres-usage", USAGE, REST);
        String text = summary(usage);
        assertThat(usage.steps().get(1).errors()).as(text).hasSize(3)
                .allSatisfy(e -> assertThat(e).contains("usage refused by the test"));
        assertThat(usage.steps().get(1).processedCount()).as(text).as("2 queries and 2 tables' joins")
                .isEqualTo(4);
    }

    private ConnectionResolver resolver() {
        String uri = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name();
        return new ConnectionResolver(Map.of("AIRFLOW_CONN_QL_REST", uri), () -> {
            throw new IllegalStateException("no store in this test");
        });
    }
}
