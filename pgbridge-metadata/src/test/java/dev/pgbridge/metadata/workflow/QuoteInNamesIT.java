package dev.pgbridge.metadata.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.openmetadata.OpenMetadataSchemas;
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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code "} in a schema name ({@code CREATE SCHEMA "we""ird"}) goes through a metadata run into the {@code file} sink
 * and into the local catalog as OpenMetadata names it: {@code "} becomes {@code __reserved__quote__}.
 */
@Timeout(120)
class QuoteInNamesIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = "we__reserved__quote__ird";
    private static TestDatabase db;

    @TempDir
    Path dir;

    @BeforeAll
    static void createFixture() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_quote"), null);
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA "we""ird";
                CREATE TABLE "we""ird"."odd""one" (id int PRIMARY KEY, "x""y" text);
                CREATE TABLE "we""ird".child (id int REFERENCES "we""ird"."odd""one" (id));
                CREATE SCHEMA plain;
                CREATE TABLE plain.t (id int);
                """);
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aQuoteInASchemaNameDoesNotEndTheRunInTheFileSink() throws IOException {
        // Fqn.split threw IllegalArgumentException for svc.db.we"ird.t; it escaped the run, which ended with no summary
        Path out = dir.resolve("requests.jsonl");
        WorkflowRunner.Result result = new WorkflowRunner(resolver(), "default").run(workflow(
                "sink: {type: file, config: {filename: '" + out + "'}}\n"));
        assertThat(result.failed()).as(summary(result)).isFalse();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(JSON.readTree(line));
        }
        OpenMetadataSchemas server = new OpenMetadataSchemas();
        for (JsonNode line : lines) {
            assertThat(server.problems(line.get("method").asText(), line.get("path").asText(), line.get("body")))
                    .as(line.toString()).isEmpty();
        }
        assertThat(lines).filteredOn(l -> l.get("path").asText().equals("/v1/databaseSchemas"))
                .extracting(l -> l.at("/body/name").asText()).containsExactlyInAnyOrder(SCHEMA, "plain");
        List<JsonNode> tables = lines.stream().filter(l -> l.get("path").asText().equals("/v1/tables"))
                .map(l -> l.get("body")).toList();
        String schemaFqn = "svc." + db.name() + "." + SCHEMA;
        assertThat(tables).filteredOn(t -> t.get("databaseSchema").asText().equals(schemaFqn))
                .extracting(t -> t.get("name").asText())
                .containsExactlyInAnyOrder("odd__reserved__quote__one", "child");
        JsonNode child = tables.stream().filter(t -> t.get("name").asText().equals("child")).findFirst().orElseThrow();
        assertThat(child.at("/tableConstraints/0/referredColumns/0").asText())
                .isEqualTo(schemaFqn + ".odd__reserved__quote__one.id");
    }

    @Test
    void aQuoteInASchemaNameGoesIntoTheLocalCatalog() {
        // the same crash with the local catalog (CatalogSink split the schema's FQN)
        SqlConnectionStore store = SqlConnectionStore.sqlite(dir.resolve("pgbridge.db"), () -> {
            throw new IllegalStateException("the catalog never asks for the master key");
        });
        try {
            WorkflowRunner.Result result = new WorkflowRunner(resolver(), "t1", store::database).run(workflow(""));
            assertThat(result.failed()).as(summary(result)).isFalse();
            List<String> fqns = CatalogStore.open(store.database(), "t1")
                    .tables(null, null, CatalogStore.StateFilter.ALL).stream().map(CatalogStore.TableEntry::fqn)
                    .toList();
            String schemaFqn = "svc." + db.name() + "." + SCHEMA;
            assertThat(fqns).containsExactlyInAnyOrder(schemaFqn + ".odd__reserved__quote__one",
                    schemaFqn + ".child", "svc." + db.name() + ".plain.t");
        }
        finally {
            store.close();
        }
    }

    private static Workflow workflow(String sink) {
        return new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {connection: quote_it, sslMode: disable}}
                  sourceConfig: {config: {type: DatabaseMetadata, schemaFilterPattern: {excludes: ['^public$']}}}
                """ + sink, "workflow.yaml");
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
        return new ConnectionResolver(Map.of("AIRFLOW_CONN_QUOTE_IT", uri), () -> {
            throw new IllegalStateException("no connection store in this test");
        });
    }
}
