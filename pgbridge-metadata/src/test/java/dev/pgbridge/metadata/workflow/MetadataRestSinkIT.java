package dev.pgbridge.metadata.workflow;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.catalog.TableInfo;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.OpenMetadataTestServer;
import dev.pgbridge.metadata.openmetadata.RequestSink;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.openmetadata.RestSink;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code DatabaseMetadata} workflow with the {@code metadata-rest} sink on a real PostgreSQL, into
 * {@link OpenMetadataTestServer} (OpenMetadata itself cannot run here): every request valid by OpenMetadata 1.4.0's
 * schemas and rules, the calls exactly the {@code file} sink's transcript of the same run, a second run updating,
 * retries, each refusal in the summary with its hint, and the token in no summary and no log line.
 */
@Timeout(120)
class MetadataRestSinkIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.rest-sink-it-bot.c2lnbmF0dXJlLXNlY3JldA";
    private static TestDatabase db;

    private final OpenMetadataTestServer om = OpenMetadataTestServer.start(TOKEN);

    @TempDir
    Path dir;

    @BeforeAll
    static void createFixture() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_rest"), null);
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA sales;
                CREATE TABLE sales.customers (id bigint PRIMARY KEY, email varchar(200) UNIQUE, tags text[]);
                CREATE TABLE sales.orders (id int PRIMARY KEY, customer_id bigint REFERENCES sales.customers (id),
                                           amount numeric(10,2), "Note" text);
                CREATE TABLE sales."v1.events" (id int, at timestamptz);
                CREATE VIEW sales.big_orders AS SELECT id, amount FROM sales.orders WHERE amount > 100;
                CREATE TABLE sales.tmp_load (id int);
                """);
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

    private String workflow(String sink, String token, String hostPort) {
        return """
                source:
                  type: postgres
                  serviceName: local_pg
                  serviceConnection: {config: {type: Postgres, connection: rest_it, sslMode: disable}}
                  sourceConfig:
                    config:
                      type: DatabaseMetadata
                      schemaFilterPattern: {includes: ['^sales$']}
                      tableFilterPattern: {excludes: ['^tmp_']}
                sink: %s
                workflowConfig:
                  openMetadataServerConfig:
                    hostPort: %s
                    authProvider: openmetadata
                    securityConfig: {jwtToken: '%s'}
                """.formatted(sink, hostPort, token);
    }

    private WorkflowRunner.Result runRest(String token, String hostPort) {
        Workflow w = new WorkflowReader(Map.of()).read(workflow("{type: metadata-rest, config: {}}", token, hostPort),
                "rest.yaml");
        return new WorkflowRunner(resolver(), "default").run(w);
    }

    private List<JsonNode> runFile() throws IOException {
        Path out = dir.resolve("requests.jsonl");
        Workflow w = new WorkflowReader(Map.of()).read(workflow("{type: file, config: {filename: '" + out + "'}}",
                TOKEN, om.hostPort()), "file.yaml");
        assertThat(new WorkflowRunner(resolver(), "default").run(w).failed()).isFalse();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    /** The lines with the profiles' timestamps (when each run read the schema) taken out. */
    private static List<JsonNode> withoutReadTimes(List<JsonNode> lines) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode line : lines) {
            JsonNode copy = line.deepCopy();
            if (copy.path("body").path("tableProfile").isObject()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("body").get("tableProfile"))
                        .remove("timestamp");
            }
            out.add(copy);
        }
        return out;
    }

    private static String summary(WorkflowRunner.Result result) {
        StringWriter s = new StringWriter();
        WorkflowRunner.printSummary(result, new PrintWriter(s));
        return s.toString();
    }

    @Test
    void theServerGetsExactlyTheFileTranscriptAndASecondRunUpdates() throws Exception {
        WorkflowRunner.Result first = runRest(TOKEN, om.hostPort());
        assertThat(first.failed()).as(summary(first)).isFalse();
        assertThat(om.calls()).as("every call accepted (valid by the schemas, authorized)")
                .allMatch(c -> c.status() < 300);
        assertThat(om.calls().get(0).path()).isEqualTo("/v1/system/version");
        List<JsonNode> transcript = om.transcript();
        assertThat(withoutReadTimes(transcript)).isEqualTo(withoutReadTimes(runFile()));
        assertThat(transcript).hasSize(10); // service, database, schema, 4 relations, the 3 tables' profiles

        String schema = "local_pg." + db.name() + ".sales";
        assertThat(om.entity("databaseService", "local_pg")).isPresent();
        assertThat(om.entity("database", "local_pg." + db.name())).isPresent();
        assertThat(om.entity("databaseSchema", schema)).isPresent();
        for (String table : List.of("customers", "orders", "\"v1.events\"", "big_orders")) {
            assertThat(om.entity("table", schema + "." + table)).as(table).isPresent();
        }
        assertThat(om.entity("table", schema + ".tmp_load")).as("filtered out").isEmpty();
        assertThat(om.entity("table", schema + ".big_orders").orElseThrow().get("tableType").asText())
                .isEqualTo("View");
        assertThat(om.entity("table", schema + ".orders").orElseThrow().get("version").asDouble()).isEqualTo(0.1);

        SERVER.executeIn(db.name(), "ALTER TABLE sales.orders ADD COLUMN shipped date");
        try {
            om.clearCalls();
            WorkflowRunner.Result second = runRest(TOKEN, om.hostPort());
            assertThat(second.failed()).as(summary(second)).isFalse();
            assertThat(om.calls()).filteredOn(c -> c.method().equals("PUT"))
                    .extracting(OpenMetadataTestServer.Call::status)
                    .as("everything exists: updates, no creates").containsOnly(200);
            JsonNode orders = om.entity("table", schema + ".orders").orElseThrow();
            assertThat(orders.get("version").asDouble()).isEqualTo(0.2);
            assertThat(orders.get("columns").toString()).contains("\"shipped\"");
            assertThat(om.entity("table", schema + ".customers").orElseThrow().get("version").asDouble())
                    .as("unchanged").isEqualTo(0.1);
        }
        finally {
            SERVER.executeIn(db.name(), "ALTER TABLE sales.orders DROP COLUMN shipped");
        }
    }

    @Test
    void a503IsRetriedAndTheRunSucceeds() {
        om.failNext(2, 503, "0");
        WorkflowRunner.Result result = runRest(TOKEN, om.hostPort());
        assertThat(result.failed()).as(summary(result)).isFalse();
        assertThat(om.calls()).extracting(OpenMetadataTestServer.Call::status).startsWith(503, 503, 200);
        assertThat(om.transcript()).hasSize(10);
    }

    @Test
    void aRefusedTokenIsTheSinksErrorWithItsHintAndNoTokenIsEverPrintedOrLogged() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger sinkLogger = (Logger) LoggerFactory.getLogger(RestSink.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Level before = sinkLogger.getLevel();
        sinkLogger.setLevel(Level.DEBUG);
        root.addAppender(logs);
        String wrong = "eyJhbGciOiJSUzI1NiJ9.an-expired-token.ZXhwaXJlZA";
        WorkflowRunner.Result refused;
        WorkflowRunner.Result accepted;
        try {
            refused = runRest(wrong, om.hostPort());
            accepted = runRest(TOKEN, om.hostPort());
        }
        finally {
            root.detachAppender(logs);
            sinkLogger.setLevel(before);
        }
        assertThat(refused.failed()).isTrue();
        StepStatus sink = refused.steps().get(1);
        assertThat(sink.errors()).containsExactly("OpenMetadata at " + om.hostPort() + " refused PUT "
                + "/v1/services/databaseServices with 401: Not Authorized! Invalid token: the token is invalid or "
                + "expired (hint: set workflowConfig.openMetadataServerConfig.securityConfig.jwtToken to a bot's "
                + "token (OpenMetadata: Settings → Bots → ingestion-bot), with authProvider: openmetadata)");
        assertThat(accepted.failed()).isFalse();
        String everything = summary(refused) + summary(accepted) + String.join("\n", logs.list.stream()
                .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                        : e.getThrowableProxy().getMessage())).toList());
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).contains("PUT /v1/tables");
        assertThat(everything).doesNotContain(TOKEN).doesNotContain(wrong);
    }

    @Test
    void anUnreachableServerEndsTheRunBeforeAnythingIsRead() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        WorkflowRunner.Result result = runRest(TOKEN, "http://127.0.0.1:" + port + "/api");
        assertThat(result.failed()).isTrue();
        assertThat(result.steps().get(0).processedCount()).isZero();
        assertThat(result.steps().get(1).errors()).singleElement().asString().isEqualTo("cannot connect to "
                + "OpenMetadata at http://127.0.0.1:" + port + "/api: connection refused (3 attempts) (hint: is "
                + "OpenMetadata running at hostPort? (workflowConfig.openMetadataServerConfig.hostPort, e.g. "
                + "http://localhost:8585/api))");
    }

    @Test
    void aTableTheServerRefusesIsOneErrorAndTheOthersGoIn() {
        String schema = "local_pg." + db.name() + ".sales";
        om.answer("PUT", "/v1/tables", body -> body.path("name").asText().equals("orders"), 400,
                "columns: a column the server refuses");
        WorkflowRunner.Result result = runRest(TOKEN, om.hostPort());
        assertThat(result.failed()).isTrue();
        assertThat(result.steps().get(1).errors()).containsExactly("PUT /v1/tables (" + schema + ".orders): "
                + "OpenMetadata refused PUT /v1/tables (400: columns: a column the server refuses) (hint: run the "
                + "workflow with sink type file to see the request, and report it with the server's version "
                + "(1.4.0))");
        assertThat(om.entity("table", schema + ".orders")).isEmpty();
        assertThat(om.entity("table", schema + ".customers")).isPresent();
        assertThat(om.entity("table", schema + ".big_orders")).isPresent();
    }

    @Test
    void markDeletedThroughRestDeletesADroppedTableNeverAFilteredOneAndRefusesToEmptyASchema() throws Exception {
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA churn;
                CREATE TABLE churn.keep (id int);
                CREATE TABLE churn.gone (id int);
                CREATE TABLE churn.hidden (id int);
                """);
        try {
            Workflow all = new WorkflowReader(Map.of()).read(workflow("{type: metadata-rest}", TOKEN, om.hostPort())
                    .replace("'^sales$'", "'^churn$'"), "rest.yaml");
            assertThat(new WorkflowRunner(resolver(), "default").run(all).failed()).isFalse();
            String schema = "local_pg." + db.name() + ".churn";
            assertThat(om.entity("table", schema + ".gone")).isPresent();

            SERVER.executeIn(db.name(), "DROP TABLE churn.gone");
            // the live tables of the schema: every table it holds now, the one a filter leaves out included
            Set<String> live = new HashSet<>();
            try (Connection c = connect()) {
                for (TableInfo t : new Catalog(c).tables("churn", false)) {
                    live.add(schema + "." + t.name());
                }
            }
            assertThat(live).containsExactlyInAnyOrder(schema + ".keep", schema + ".hidden");
            om.clearCalls();
            List<String> errors = new ArrayList<>();
            try (RestSink sink = RestSink.connect(all.sink().server(), new RestSink.Report(errors::add,
                    errors::add))) {
                RequestSink.StaleTables stale = sink.markDeleted(schema, live, false);
                assertThat(stale.deleted()).containsExactly(schema + ".gone");
                RequestSink.StaleTables refused = sink.markDeleted(schema, Set.of(), false);
                assertThat(refused.deleted()).isEmpty();
                assertThat(refused.refusal()).startsWith("would delete every table of " + schema + " (2)");
            }
            assertThat(errors).isEmpty();
            assertThat(om.transcript()).extracting(l -> l.get("method").asText() + " " + l.get("path").asText())
                    .containsExactly("DELETE " + Requests.Request.deleteTable(schema + ".gone")
                            .resolve(EntityRef.Ids.NAME_BASED).path());
            assertThat(om.entity("table", schema + ".gone").orElseThrow().get("deleted").asBoolean()).isTrue();
            assertThat(om.entity("table", schema + ".hidden").orElseThrow().get("deleted").asBoolean()).isFalse();
        }
        finally {
            SERVER.executeIn(db.name(), "DROP SCHEMA churn CASCADE");
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + SERVER.host() + ":" + SERVER.port() + "/"
                + db.name() + "?sslmode=disable", SERVER.superuser(), SERVER.superuserPassword());
    }

    private ConnectionResolver resolver() {
        String uri = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name();
        return new ConnectionResolver(Map.of("AIRFLOW_CONN_REST_IT", uri), () -> {
            throw new IllegalStateException("no store in this test");
        });
    }
}
