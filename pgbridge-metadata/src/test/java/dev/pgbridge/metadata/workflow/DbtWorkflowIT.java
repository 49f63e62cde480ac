package dev.pgbridge.metadata.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.metadata.catalogstore.CatalogDbtStore;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.openmetadata.OpenMetadataSchemas;
import dev.pgbridge.metadata.openmetadata.OpenMetadataTestServer;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.store.SqlConnectionStore;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A DBT workflow on the jaffle_shop fixture (hand-written as dbt writes manifest v12, catalog v1 and run_results v6)
 * after a DatabaseMetadata run of the tables dbt built: into the local catalog (data models, descriptions, owners,
 * table and column lineage) and into the {@code file} sink (every line valid for OpenMetadata 1.4, tags, tests and
 * results); missing, malformed and unsupported inputs.
 */
@Timeout(120)
class DbtWorkflowIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.dbt-it-bot.c2lnbmF0dXJl";
    private static TestDatabase db;

    @TempDir
    Path dir;

    @BeforeAll
    static void createWarehouse() throws IOException {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_dbt"), null);
        SERVER.executeIn(db.name(), resource("warehouse.sql"));
    }

    @AfterAll
    static void dropWarehouse() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void dbtGoesIntoTheLocalCatalogAfterADatabaseMetadataRun() throws IOException {
        Path project = project();
        SqlConnectionStore store = SqlConnectionStore.sqlite(dir.resolve("pgbridge.db"), () -> {
            throw new IllegalStateException("the catalog never asks for the master key");
        });
        try {
            WorkflowRunner runner = new WorkflowRunner(resolver(), "t1", store::database);
            WorkflowRunner.Result metadata = runner.run(new WorkflowReader(Map.of()).read("""
                    source:
                      type: postgres
                      serviceName: shop
                      serviceConnection: {config: {connection: dbt_it, sslMode: disable}}
                      sourceConfig: {config: {type: DatabaseMetadata, schemaFilterPattern: {excludes: ['^public$']}}}
                    """, "metadata.yaml"));
            assertThat(metadata.failed()).as(summary(metadata)).isFalse();
            WorkflowRunner.Result dbt = runner.run(dbtWorkflow(project, "", ""));
            String summary = summary(dbt);
            assertThat(dbt.failed()).as(summary).isFalse();
            String prefix = "shop." + db.name() + ".";
            assertThat(dbt.steps().getFirst().warnings()).as(summary).singleElement().satisfies(w -> assertThat(w).isEqualTo(
                    "model model.jaffle_shop.customer_ltv: table " + prefix + "analytics.customer_ltv not found in "
                            + "the catalog: run the DatabaseMetadata workflow first"));

            CatalogStore catalog = CatalogStore.open(store.database(), "t1");
            CatalogDbtStore dbtStore = CatalogDbtStore.open(catalog);
            CatalogDbtStore.DbtTable customers = dbtStore.table(prefix + "analytics.customers").orElseThrow();
            Requests.DataModel model = customers.dataModel();
            assertThat(model.modelType()).isEqualTo("DBT");
            assertThat(model.resourceType()).isEqualTo("model");
            assertThat(model.path()).isEqualTo("models/marts/customers.sql");
            assertThat(model.rawSql()).contains("{{ ref('stg_customers') }}");
            assertThat(model.sql()).contains("\"" + db.name() + "\".\"staging\".\"stg_customers\"")
                    .doesNotContain("{{");
            assertThat(model.upstream()).containsExactly(prefix + "staging.stg_customers",
                    prefix + "staging.stg_orders", prefix + "staging.stg_payments");
            assertThat(model.columns()).extracting(Requests.DataModelColumn::name).startsWith("customer_id",
                    "first_name");
            assertThat(model.columns().get(5).dataType()).isEqualTo("BIGINT");
            assertThat(model.tags()).extracting(Requests.TagLabel::tagFQN).containsExactly("dbtTags.finance");
            assertThat(customers.description()).startsWith("This table has basic information about a customer");
            assertThat(customers.columnDescriptions()).containsEntry("first_name", "Customer's first name. PII.");
            assertThat(customers.owner()).isEqualTo("alice");
            // dbtUpdateDescriptions false: the table's own comment stays, its empty columns take dbt's
            CatalogDbtStore.DbtTable orders = dbtStore.table(prefix + "analytics.orders").orElseThrow();
            assertThat(orders.description()).isNull();
            assertThat(orders.columnDescriptions().get("status")).startsWith("Orders can be one of the following");
            assertThat(orders.owner()).isEqualTo("bob");
            assertThat(dbtStore.table(prefix + "analytics.payment_methods").orElseThrow().dataModel().resourceType())
                    .isEqualTo("seed");
            assertThat(dbtStore.table(prefix + "snapshots.orders_snapshot").orElseThrow().dataModel().resourceType())
                    .isEqualTo("snapshot");
            CatalogDbtStore.DbtTable rawCustomers = dbtStore.table(prefix + "raw.customers").orElseThrow();
            assertThat(rawCustomers.dataModel().resourceType()).isEqualTo("source");
            assertThat(rawCustomers.description()).isEqualTo("Customers as the application stores them.");
            assertThat(dbtStore.table(prefix + "analytics.int_order_payments")).isEmpty(); // ephemeral

            // lineage: source to model, model to model, and through the ephemeral model to what it reads
            List<CatalogStore.LineageEdge> intoOrders = catalog.lineage(prefix + "analytics.orders", true, 1).stream()
                    .map(CatalogStore.LineageHop::edge).toList();
            assertThat(intoOrders).extracting(CatalogStore.LineageEdge::from).containsExactlyInAnyOrder(
                    prefix + "staging.stg_orders", prefix + "staging.stg_payments");
            assertThat(intoOrders).extracting(CatalogStore.LineageEdge::source).containsOnly("DbtLineage");
            CatalogStore.LineageEdge payments = intoOrders.stream()
                    .filter(e -> e.from().endsWith("stg_payments")).findFirst().orElseThrow();
            assertThat(payments.columns()).containsExactly(new Requests.ColumnLineage(
                    List.of(prefix + "staging.stg_payments.amount"), prefix + "analytics.orders.amount"));
            List<CatalogStore.LineageEdge> intoStg = catalog.lineage(prefix + "staging.stg_orders", true, 1).stream()
                    .map(CatalogStore.LineageHop::edge).toList();
            assertThat(intoStg).singleElement().satisfies(e -> {
                assertThat(e.from()).isEqualTo(prefix + "raw.orders");
                assertThat(e.columns()).contains(new Requests.ColumnLineage(List.of(prefix + "raw.orders.user_id"),
                        prefix + "staging.stg_orders.customer_id"));
            });
            CatalogStore.LineageEdge lifetime = catalog.lineage(prefix + "analytics.customers", true, 1).stream()
                    .map(CatalogStore.LineageHop::edge).filter(e -> e.from().endsWith("stg_payments"))
                    .findFirst().orElseThrow();
            assertThat(lifetime.columns()).contains(new Requests.ColumnLineage(
                    List.of(prefix + "staging.stg_payments.amount"),
                    prefix + "analytics.customers.customer_lifetime_value"));

            // dbtUpdateDescriptions true: dbt's description replaces the table's own
            WorkflowRunner.Result again = runner.run(dbtWorkflow(project, "dbtUpdateDescriptions: true", ""));
            assertThat(again.failed()).as(summary(again)).isFalse();
            assertThat(dbtStore.table(prefix + "analytics.orders").orElseThrow().description())
                    .startsWith("This table has basic information about orders");
        }
        finally {
            store.close();
        }
    }

    @Test
    void dbtRequestsInTheFileSinkAreOpenMetadatasOwn() throws IOException {
        Path out = dir.resolve("dbt.jsonl");
        WorkflowRunner.Result result = new WorkflowRunner(resolver(), "default").run(dbtWorkflow(project(),
                "dbtClassificationName: jaffleTags", "sink: {type: file, config: {filename: '" + out + "'}}\n"));
        assertThat(result.failed()).as(summary(result)).isFalse();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(JSON.readTree(line));
        }
        OpenMetadataSchemas schemas = new OpenMetadataSchemas();
        for (JsonNode line : lines) {
            assertThat(schemas.problems(line.get("method").asText(), line.get("path").asText(), line.get("body")))
                    .as(line.toString()).isEmpty();
        }
        List<String> calls = lines.stream().map(l -> l.get("method").asText() + " " + l.get("path").asText()
                .replaceAll("[0-9a-f-]{36}", "{id}").replaceAll("testCases/[^/]+/", "testCases/{fqn}/")).toList();
        // OpenMetadata's order: tags, data models, lineage, descriptions and owners, tests
        assertThat(calls.getFirst()).isEqualTo("PUT /v1/classifications");
        assertThat(calls.indexOf("PUT /v1/tables/{id}/dataModel")).isLessThan(calls.indexOf("PUT /v1/lineage"));
        int firstDescription = 0;
        while (!lines.get(firstDescription).at("/body/overwrite").isBoolean()) {
            firstDescription++;
        }
        assertThat(calls.lastIndexOf("PUT /v1/lineage")).isLessThan(firstDescription);
        assertThat(calls.lastIndexOf("PATCH /v1/tables/{id}"))
                .isLessThan(calls.indexOf("PUT /v1/dataQuality/testDefinitions"));
        assertThat(lines).filteredOn(l -> l.get("path").asText().equals("/v1/tags"))
                .extracting(l -> l.at("/body/name").asText()).containsExactly("finance", "pii", "raw", "staging");
        String prefix = "shop." + db.name() + ".";
        assertThat(lines).filteredOn(l -> l.get("method").asText().equals("PATCH")
                        && l.at("/body/columns/0/tag").isObject())
                .singleElement().satisfies(l -> assertThat(l.at("/body/columns/0/tag/tagFQN").asText())
                        .isEqualTo("jaffleTags.pii"));
        assertThat(lines).filteredOn(l -> l.get("path").asText().endsWith("/dataModel")).hasSize(11);
        assertThat(lines).filteredOn(l -> l.get("path").asText().equals("/v1/dataQuality/testCases"))
                .extracting(l -> l.at("/body/name").asText() + " " + l.at("/body/testDefinition").asText() + " "
                        + l.at("/body/entityLink").asText())
                .contains("unique_customers_customer_id unique <#E::table::" + prefix
                                + "analytics.customers::columns::customer_id>",
                        "assert_total_payment_amount_is_positive assert_total_payment_amount_is_positive "
                                + "<#E::table::" + prefix + "analytics.orders>");
        List<JsonNode> results = lines.stream().filter(l -> l.get("path").asText().endsWith("/testCaseResult"))
                .toList();
        assertThat(results).extracting(l -> java.net.URLDecoder.decode(l.get("path").asText(), StandardCharsets.UTF_8)
                        .replace("/v1/dataQuality/testCases/" + prefix, "").replace("/testCaseResult", "") + " "
                        + l.at("/body/testCaseStatus").asText() + " " + l.at("/body/failedRows").asText("-"))
                .containsExactlyInAnyOrder(
                        "analytics.customers.customer_id.unique_customers_customer_id Success 0",
                        "analytics.customers.customer_id.not_null_customers_customer_id Success 0",
                        "analytics.orders.status.accepted_values_orders_status__placed__shipped__completed__"
                                + "return_pending__returned Failed 2",
                        "analytics.orders.customer_id.relationships_orders_customer_id__customer_id__ref_customers_ "
                                + "Success 0",
                        "analytics.orders.amount.not_null_orders_amount Aborted -",
                        "analytics.orders.assert_total_payment_amount_is_positive Success 0");
        assertThat(results).filteredOn(l -> l.at("/body/testCaseStatus").asText().equals("Aborted")).singleElement()
                .satisfies(l -> assertThat(l.at("/body/result").asText()).contains("column \"amount\" does not exist"));
    }

    @Test
    void dbtGoesIntoOpenMetadataAsItsOwnClientSendsIt() throws IOException {
        try (OpenMetadataTestServer om = OpenMetadataTestServer.start(TOKEN)) {
            om.addUser("alice");
            String server = "workflowConfig: {openMetadataServerConfig: {hostPort: '" + om.hostPort()
                    + "', authProvider: openmetadata, securityConfig: {jwtToken: '" + TOKEN + "'}}}\n";
            String sink = "sink: {type: metadata-rest, config: {}}\n" + server;
            WorkflowRunner runner = new WorkflowRunner(resolver(), "default");
            WorkflowRunner.Result metadata = runner.run(new WorkflowReader(Map.of()).read("""
                    source:
                      type: postgres
                      serviceName: shop
                      serviceConnection: {config: {connection: dbt_it, sslMode: disable}}
                      sourceConfig: {config: {type: DatabaseMetadata, schemaFilterPattern: {excludes: ['^public$']}}}
                    """ + sink, "metadata.yaml"));
            assertThat(metadata.failed()).as(summary(metadata)).isFalse();
            WorkflowRunner.Result dbt = runner.run(dbtWorkflow(project(), "", sink));
            String summary = summary(dbt);
            assertThat(dbt.failed()).as(summary).isFalse();
            assertThat(dbt.steps().get(1).warnings()).as(summary).containsExactly("PATCH /v1/tables/{id} (shop."
                    + db.name() + ".analytics.orders): owner bob is not a user in OpenMetadata; left out");
            String prefix = "shop." + db.name() + ".";
            JsonNode customers = om.entity("table", prefix + "analytics.customers").orElseThrow();
            assertThat(customers.at("/dataModel/resourceType").asText()).isEqualTo("model");
            assertThat(customers.at("/dataModel/rawSql").asText()).contains("{{ ref('stg_orders') }}");
            assertThat(customers.get("description").asText()).startsWith("This table has basic information");
            assertThat(customers.at("/columns/1/name").asText()).isEqualTo("first_name");
            assertThat(customers.at("/columns/1/description").asText()).isEqualTo("Customer's first name. PII.");
            assertThat(customers.at("/owner/id").asText()).isEqualTo(om.entity("user", "alice").orElseThrow()
                    .get("id").asText());
            // dbtUpdateDescriptions false: the table's own description stays
            JsonNode orders = om.entity("table", prefix + "analytics.orders").orElseThrow();
            assertThat(orders.get("description").asText()).isEqualTo("Orders as the warehouse describes them");
            assertThat(orders.at("/columns/3/description").asText()).startsWith("Orders can be one of");
            assertThat(om.calls()).filteredOn(c -> c.method().equals("PATCH"))
                    .allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
        }
    }

    @Test
    void missingMalformedAndUnsupportedDbtFilesAreOneLineErrors() throws IOException {
        Path project = project();
        WorkflowRunner.Result missing = new WorkflowRunner(resolver(), "default").run(new WorkflowReader(Map.of())
                .read(dbtYaml(dir.resolve("nowhere/manifest.json"), project.resolve("catalog.json"), "",
                        "sink: {type: file, config: {filename: '" + dir.resolve("m.jsonl") + "'}}\n"), "dbt.yaml"));
        assertThat(missing.steps().getFirst().errors()).singleElement().satisfies(e -> assertThat(e)
                .contains("dbtManifestFilePath " + dir.resolve("nowhere/manifest.json") + ": no such file",
                        "target/manifest.json"));
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"metadata\": {\"dbt_schema_version\": ");
        WorkflowRunner.Result malformed = new WorkflowRunner(resolver(), "default").run(new WorkflowReader(Map.of())
                .read(dbtYaml(project.resolve("manifest.json"), broken, "",
                        "sink: {type: file, config: {filename: '" + dir.resolve("b.jsonl") + "'}}\n"), "dbt.yaml"));
        assertThat(malformed.steps().getFirst().errors()).singleElement().satisfies(e -> assertThat(e)
                .contains("dbtCatalogFilePath " + broken + " is not JSON"));
        WorkflowRunner.Result swapped = new WorkflowRunner(resolver(), "default").run(new WorkflowReader(Map.of())
                .read(dbtYaml(project.resolve("catalog.json"), null, "",
                        "sink: {type: file, config: {filename: '" + dir.resolve("s.jsonl") + "'}}\n"), "dbt.yaml"));
        assertThat(swapped.steps().getFirst().errors()).singleElement().satisfies(e -> assertThat(e)
                .contains("is not a dbt manifest file", "catalog/v1.json"));
        assertThatThrownBy(() -> new WorkflowReader(Map.of()).read("""
                source:
                  type: dbt
                  serviceName: shop
                  sourceConfig:
                    config:
                      type: DBT
                      dbtConfigSource: {dbtConfigType: s3, dbtManifestFilePath: manifest.json}
                """, "dbt.yaml")).isInstanceOfSatisfying(WorkflowException.class, e -> assertThat(e.problems())
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("source.sourceConfig.config.dbtConfigSource.dbtConfigType");
                    assertThat(p.message()).isEqualTo("'s3' is not a valid choice");
                    assertThat(p.hint()).isEqualTo("valid choices: local");
                }));
    }

    // ---- helpers

    // the bug: a result without completed_at and generated_at got timestamp 0: shown as 1970, and each run
    // overwrote the same result instead of adding to the history
    @Test
    void aResultWithoutATimeOfDbtsTakesTheRunsTime() throws IOException {
        Path project = project();
        Path runResults = project.resolve("run_results.json");
        JsonNode tree = JSON.readTree(runResults.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("metadata")).remove("generated_at");
        for (JsonNode r : tree.get("results")) {
            for (JsonNode t : r.path("timing")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) t).remove("completed_at");
            }
        }
        JSON.writeValue(runResults.toFile(), tree);
        java.time.Instant now = java.time.Instant.parse("2026-12-07T06:00:00Z");
        Path out = dir.resolve("dbt.jsonl");
        WorkflowRunner.Result result = new WorkflowRunner(resolver(), "default",
                java.time.Clock.fixed(now, java.time.ZoneOffset.UTC)).run(dbtWorkflow(project, "",
                "sink: {type: file, config: {filename: '" + out + "'}}\n"));
        assertThat(result.failed()).as(summary(result)).isFalse();
        List<Long> timestamps = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode request = JSON.readTree(line);
            if (request.get("path").asText().endsWith("/testCaseResult")) {
                timestamps.add(request.at("/body/timestamp").asLong());
            }
        }
        assertThat(timestamps).hasSize(6).containsOnly(now.toEpochMilli());
    }

    private Workflow dbtWorkflow(Path project, String option, String sink) {
        return new WorkflowReader(Map.of()).read(dbtYaml(project.resolve("manifest.json"),
                project.resolve("catalog.json"), option, sink).replace("RUN_RESULTS",
                project.resolve("run_results.json").toString()), "dbt.yaml");
    }

    private static String dbtYaml(Path manifest, Path catalog, String option, String sink) {
        return """
                source:
                  type: dbt
                  serviceName: shop
                  sourceConfig:
                    config:
                      type: DBT
                      dbtConfigSource:
                        dbtConfigType: local
                        dbtManifestFilePath: '%s'
                %s        dbtRunResultsFilePath: 'RUN_RESULTS'
                      %s
                """.formatted(manifest, catalog == null ? "" : "        dbtCatalogFilePath: '" + catalog + "'\n",
                option) + sink;
    }

    /** The fixture's files with the test database's name where dbt wrote the warehouse's ({@code jaffle_shop}). */
    private Path project() throws IOException {
        Path project = Files.createDirectories(dir.resolve("target"));
        for (String file : List.of("manifest.json", "catalog.json", "run_results.json")) {
            String text = resource(file).replace("\"database\": \"jaffle_shop\"", "\"database\": \"" + db.name() + "\"")
                    .replace("\\\"jaffle_shop\\\".", "\\\"" + db.name() + "\\\".");
            Files.writeString(project.resolve(file), text);
        }
        return project;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(DbtWorkflowIT.class.getResourceAsStream("/dbt/jaffle_shop/" + name),
                name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String summary(WorkflowRunner.Result result) {
        StringWriter out = new StringWriter();
        WorkflowRunner.printSummary(result, new PrintWriter(out));
        return out.toString();
    }

    private static ConnectionResolver resolver() {
        String uri = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name();
        return new ConnectionResolver(Map.of("AIRFLOW_CONN_DBT_IT", uri), () -> {
            throw new IllegalStateException("no connection store in this test");
        });
    }
}
