package dev.pgbridge.metadata.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.metadata.openmetadata.OpenMetadataSchemas;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.metadata.openmetadata.EntityRef;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code DatabaseMetadata} workflow with the {@code file} sink on a real server: a schema with every kind of
 * relation (tables, a partitioned table with partitions in two levels, a view, a materialized view, a foreign table)
 * and many column types. Every line of the transcript is checked against OpenMetadata 1.4.0's published JSON schema of
 * its body and the server's own rules ({@link OpenMetadataSchemas}); a real OpenMetadata server cannot run on these
 * machines (it needs a search cluster), so the file is checked instead of a server's answers.
 */
@Timeout(120)
class MetadataFileSinkIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase db;
    private static TestRole owner;

    @TempDir
    Path dir;

    @BeforeAll
    static void createFixture() {
        owner = SERVER.createRole(TestingPostgres.uniqueName("pgb_meta.owner"), null);
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_meta"), null);
        SERVER.executeIn(db.name(), """
                COMMENT ON DATABASE %s IS 'The shop';
                CREATE SCHEMA sales;
                COMMENT ON SCHEMA sales IS 'Sales data';
                CREATE SCHEMA scratch;
                CREATE TABLE scratch.ignored (id int);
                CREATE TYPE sales.mood AS ENUM ('happy', 'sad');
                CREATE TYPE sales.address AS (street text, city text);
                CREATE DOMAIN sales.amount AS numeric(12,2) CHECK (VALUE > 0);
                CREATE DOMAIN sales.code AS varchar(8);
                CREATE SCHEMA ref;
                CREATE TABLE ref."Region.Codes" (code text PRIMARY KEY, "say ""hi""\" text UNIQUE);

                CREATE TABLE sales.customers (
                    region text NOT NULL,
                    id bigint NOT NULL,
                    email varchar(200) UNIQUE,
                    PRIMARY KEY (region, id),
                    UNIQUE (region, email)
                );
                CREATE TABLE sales.everything (
                    id integer PRIMARY KEY,
                    c_int2 smallint NOT NULL, c_int8 bigint, c_num numeric(10,2), c_num_bare numeric, c_float4 real,
                    c_float8 double precision, c_money money, c_varchar varchar(40), c_varchar_bare varchar,
                    c_char char(3), c_text text, c_bytea bytea, c_bool boolean, c_date date, c_time time,
                    c_timetz timetz, c_ts timestamp, c_tstz timestamptz, c_interval interval, c_json json,
                    c_jsonb jsonb, c_uuid uuid, c_xml xml, c_inet inet, c_cidr cidr, c_macaddr macaddr,
                    c_macaddr8 macaddr8, c_bit bit(3), c_varbit varbit, c_tsvector tsvector, c_tsquery tsquery,
                    c_lsn pg_lsn, c_int4range int4range, c_tstzrange tstzrange, c_tsrange tsrange,
                    c_int_array integer[], c_text_array text[], c_varchar_array varchar(10)[], c_matrix int[][],
                    c_mood sales.mood, c_mood_array sales.mood[], c_amount sales.amount, c_code sales.code,
                    c_address sales.address, c_point point, c_oid oid, c_char1 "char", c_name name,
                    c_generated integer GENERATED ALWAYS AS (id * 2) STORED,
                    customer_region text, customer_id bigint, region_code text, region_greeting text,
                    FOREIGN KEY (customer_region, customer_id) REFERENCES sales.customers (region, id),
                    FOREIGN KEY (region_code) REFERENCES ref."Region.Codes" (code),
                    FOREIGN KEY (region_greeting) REFERENCES ref."Region.Codes" ("say ""hi""\")
                );
                INSERT INTO sales.customers SELECT 'eu', g, 'c' || g || '@example.com' FROM generate_series(1, 300) g;
                ANALYZE sales.customers;
                ALTER TABLE sales.customers OWNER TO %s;
                COMMENT ON TABLE sales.everything IS 'One column of each type';
                COMMENT ON COLUMN sales.everything.c_num IS 'Net amount';
                CREATE TABLE sales."Orders" ("Id" int PRIMARY KEY, "Customer Name" text, "a::b" int, "x > ""y""\" text)
                    WITH (autovacuum_enabled = false);
                INSERT INTO sales."Orders" SELECT g, 'n' || g, g, 'x' FROM generate_series(1, 100) g;
                CREATE TABLE sales."v1.orders" (id int);
                CREATE VIEW sales.big_customers AS SELECT region, id FROM sales.customers WHERE id > 10;
                CREATE MATERIALIZED VIEW sales.customer_counts AS SELECT region, count(*) AS n FROM sales.customers GROUP BY region;
                CREATE TABLE sales.events (id int NOT NULL, at date NOT NULL, kind text NOT NULL, PRIMARY KEY (id, at, kind))
                    PARTITION BY RANGE (at);
                CREATE TABLE sales.events_2024 PARTITION OF sales.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                CREATE TABLE sales.events_2025 PARTITION OF sales.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
                    PARTITION BY LIST (kind);
                CREATE TABLE sales.events_2025_a PARTITION OF sales.events_2025 FOR VALUES IN ('a');
                CREATE TABLE sales.tmp_load (id int);
                CREATE EXTENSION postgres_fdw;
                CREATE SERVER warehouse FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', dbname 'nowhere');
                CREATE FOREIGN TABLE sales.remote_stock (sku text, qty int) SERVER warehouse OPTIONS (table_name 'stock');
                """.formatted("\"" + db.name() + "\"", "\"" + owner.name() + "\""));
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
        if (owner != null) {
            owner.close();
        }
    }

    @Test
    void transcriptIsWhatOpenMetadataAccepts() throws IOException {
        Path out = dir.resolve("requests.jsonl");
        Workflow workflow = new WorkflowReader(Map.of("OUT", out.toString())).read("""
                source:
                  type: postgres
                  serviceName: local_pg
                  serviceConnection:
                    config:
                      type: Postgres
                      connection: meta_it
                      sslMode: disable
                  sourceConfig:
                    config:
                      type: DatabaseMetadata
                      includeOwners: true
                      schemaFilterPattern:
                        includes: ['^sales$']
                      tableFilterPattern:
                        excludes: ['tmp_']
                sink:
                  type: file
                  config:
                    filename: ${OUT}
                workflowConfig:
                  openMetadataServerConfig:
                    hostPort: http://localhost:8585/api
                    authProvider: openmetadata
                """, "workflow.yaml");
        WorkflowRunner.Result result = new WorkflowRunner(resolver(), "default").run(workflow);
        StringWriter summary = new StringWriter();
        WorkflowRunner.printSummary(result, new PrintWriter(summary));
        assertThat(result.failed()).as(summary.toString()).isFalse();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(JSON.readTree(line));
        }
        OpenMetadataSchemas server = new OpenMetadataSchemas();
        for (JsonNode line : lines) {
            assertThat(line.size()).isEqualTo(3);
            assertThat(server.problems(line.get("method").asText(), line.get("path").asText(), line.get("body")))
                    .as(line.toString()).isEmpty();
        }
        assertThat(Files.readString(out)).doesNotContain(SERVER.superuserPassword());

        // OpenMetadata's order: the service, the database, then each schema followed by its tables
        assertThat(lines.stream().map(l -> l.get("path").asText()).toList().subList(0, 3))
                .containsExactly("/v1/services/databaseServices", "/v1/databases", "/v1/databaseSchemas");
        JsonNode database = lines.get(1).get("body");
        assertThat(database.get("name").asText()).isEqualTo(db.name());
        assertThat(database.get("service").asText()).isEqualTo("local_pg");
        assertThat(database.get("description").asText()).isEqualTo("The shop");
        List<JsonNode> schemas = lines.stream().filter(l -> l.get("path").asText().equals("/v1/databaseSchemas"))
                .map(l -> l.get("body")).toList();
        assertThat(schemas).hasSize(1);
        assertThat(schemas.get(0).get("name").asText()).isEqualTo("sales");
        assertThat(schemas.get(0).get("description").asText()).isEqualTo("Sales data");

        Map<String, JsonNode> tables = new LinkedHashMap<>();
        lines.stream().filter(l -> l.get("path").asText().equals("/v1/tables"))
                .forEach(l -> tables.put(l.get("body").get("name").asText(), l.get("body")));
        assertThat(tables.keySet()).as("partitions folded into their root; tmp_ excluded").containsExactlyInAnyOrder(
                "customers", "everything", "Orders", "v1.orders", "big_customers", "customer_counts", "events",
                "remote_stock");
        assertThat(tables.get("customers").get("tableType").asText()).isEqualTo("Regular");
        assertThat(tables.get("big_customers").get("tableType").asText()).isEqualTo("View");
        assertThat(tables.get("customer_counts").get("tableType").asText()).isEqualTo("MaterializedView");
        assertThat(tables.get("events").get("tableType").asText()).isEqualTo("Partitioned");
        assertThat(tables.get("remote_stock").get("tableType").asText()).isEqualTo("Foreign");
        assertThat(tables.get("everything").get("databaseSchema").asText()).isEqualTo("local_pg." + db.name() + ".sales");
        assertThat(tables.get("everything").get("description").asText()).isEqualTo("One column of each type");

        assertThat(tables.get("big_customers").get("schemaDefinition").asText())
                .startsWith("CREATE VIEW \"sales\".\"big_customers\" AS").contains("FROM sales.customers");
        assertThat(tables.get("customer_counts").get("schemaDefinition").asText())
                .startsWith("CREATE MATERIALIZED VIEW \"sales\".\"customer_counts\" AS");
        assertThat(tables.get("customers").has("schemaDefinition")).isFalse();

        Map<String, JsonNode> c = columns(tables.get("everything"));
        assertColumn(c.get("id"), "INT", "integer", "PRIMARY_KEY");
        assertColumn(c.get("c_int2"), "SMALLINT", "smallint", "NOT_NULL");
        assertColumn(c.get("c_int8"), "BIGINT", "bigint", "NULL");
        assertColumn(c.get("c_num"), "NUMERIC", "numeric(10,2)", "NULL");
        assertThat(c.get("c_num").get("precision").asInt()).isEqualTo(10);
        assertThat(c.get("c_num").get("scale").asInt()).isEqualTo(2);
        assertThat(c.get("c_num").get("description").asText()).isEqualTo("Net amount");
        assertThat(c.get("c_num_bare").has("precision")).isFalse();
        assertColumn(c.get("c_float4"), "FLOAT", "real", "NULL");
        assertColumn(c.get("c_float8"), "DOUBLE", "double precision", "NULL");
        assertColumn(c.get("c_varchar"), "VARCHAR", "character varying(40)", "NULL");
        assertThat(c.get("c_varchar").get("dataLength").asInt()).isEqualTo(40);
        assertThat(c.get("c_varchar_bare").get("dataLength").asInt()).isEqualTo(1);
        assertColumn(c.get("c_char"), "CHAR", "character(3)", "NULL");
        assertThat(c.get("c_char").get("dataLength").asInt()).isEqualTo(3);
        assertColumn(c.get("c_tstz"), "TIMESTAMP", "timestamp with time zone", "NULL");
        assertColumn(c.get("c_jsonb"), "JSON", "jsonb", "NULL");
        assertColumn(c.get("c_uuid"), "UUID", "uuid", "NULL");
        assertColumn(c.get("c_int_array"), "ARRAY", "integer[]", "NULL");
        assertThat(c.get("c_int_array").get("arrayDataType").asText()).isEqualTo("INT");
        assertThat(c.get("c_varchar_array").get("arrayDataType").asText()).isEqualTo("VARCHAR");
        assertThat(c.get("c_matrix").get("arrayDataType").asText()).isEqualTo("INT");
        assertColumn(c.get("c_mood"), "ENUM", "sales.mood", "NULL");
        assertThat(c.get("c_mood_array").get("arrayDataType").asText()).isEqualTo("ENUM");
        assertColumn(c.get("c_amount"), "NUMERIC", "sales.amount", "NULL");
        assertColumn(c.get("c_code"), "VARCHAR", "sales.code", "NULL");
        assertColumn(c.get("c_address"), "NULL", "sales.address", "NULL");
        assertColumn(c.get("c_point"), "GEOMETRY", "point", "NULL");
        assertColumn(c.get("c_tsrange"), "DATETIMERANGE", "tsrange", "NULL");
        assertColumn(c.get("c_char1"), "STRING", "\"char\"", "NULL");
        assertThat(c.get("c_generated").get("ordinalPosition").asInt()).isEqualTo(50);
        assertThat(c.get("id").get("ordinalPosition").asInt()).isEqualTo(1);

        JsonNode fk = tables.get("everything").get("tableConstraints").get(0);
        assertThat(fk.get("constraintType").asText()).isEqualTo("FOREIGN_KEY");
        assertThat(strings(fk.get("columns"))).containsExactly("customer_region", "customer_id");
        String customers = "local_pg." + db.name() + ".sales.customers.";
        assertThat(strings(fk.get("referredColumns")))
                .containsExactly(customers + "region", customers + "id");

        Map<String, JsonNode> cu = columns(tables.get("customers"));
        assertThat(cu.get("region").has("constraint")).as("member of a two-column key").isFalse();
        assertThat(cu.get("email").get("constraint").asText()).isEqualTo("UNIQUE");
        assertThat(tables.get("customers").get("tableConstraints").toString())
                .contains("{\"constraintType\":\"PRIMARY_KEY\",\"columns\":[\"region\",\"id\"]}")
                .contains("{\"constraintType\":\"UNIQUE\",\"columns\":[\"region\",\"email\"]}");

        Map<String, JsonNode> orders = columns(tables.get("Orders"));
        assertThat(orders.keySet()).containsExactly("Id", "Customer Name", "a__reserved__colon__b",
                "x __reserved__arrow__ __reserved__quote__y__reserved__quote__");

        // includeOwners: the owning role as a user reference (its name quoted as an FQN part)
        String quotedOwner = "\"" + owner.name() + "\"";
        JsonNode customersOwner = tables.get("customers").get("owner");
        assertThat(customersOwner.get("type").asText()).isEqualTo("user");
        assertThat(customersOwner.get("fullyQualifiedName").asText()).isEqualTo(quotedOwner);
        assertThat(customersOwner.get("id").asText())
                .isEqualTo(EntityRef.Ids.NAME_BASED.id(EntityRef.of("user", quotedOwner)));
        assertThat(tables.get("everything").at("/owner/fullyQualifiedName").asText()).isEqualTo(SERVER.superuser());

        // foreign keys to a table of another schema (not ingested) whose name holds a dot, one to a column with quotes
        Map<String, JsonNode> fks = new LinkedHashMap<>();
        tables.get("everything").get("tableConstraints").forEach(t -> fks.put(strings(t.get("columns")).toString(), t));
        String codes = "local_pg." + db.name() + ".ref.\"Region.Codes\".";
        assertThat(strings(fks.get("[region_code]").get("referredColumns"))).containsExactly(codes + "code");
        assertThat(strings(fks.get("[region_greeting]").get("referredColumns")))
                .containsExactly(codes + "say __reserved__quote__hi__reserved__quote__");

        // after each table but a view: its profile, the table named by (name-based) id, from the catalog's figures
        Map<String, JsonNode> profiles = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            if (!line.get("path").asText().equals("/v1/tables")) {
                continue;
            }
            String name = line.at("/body/name").asText();
            JsonNode next = i + 1 < lines.size() ? lines.get(i + 1) : null;
            if (line.at("/body/tableType").asText().equals("View")) {
                assertThat(next.get("path").asText()).as(name).doesNotEndWith("/tableProfile");
                continue;
            }
            String fqn = "local_pg." + db.name() + ".sales." + (name.contains(".") ? "\"" + name + "\"" : name);
            assertThat(next.get("method").asText()).isEqualTo("PUT");
            assertThat(next.get("path").asText()).as(name).isEqualTo("/v1/tables/"
                    + EntityRef.Ids.NAME_BASED.id(EntityRef.table(fqn)) + "/tableProfile");
            profiles.put(name, next.at("/body/tableProfile"));
        }
        assertThat(profiles.keySet()).containsExactlyInAnyOrder("customers", "everything", "Orders", "v1.orders",
                "customer_counts", "events", "remote_stock");
        JsonNode customersProfile = profiles.get("customers");
        assertThat(customersProfile.get("rowCount").asDouble()).isEqualTo(300.0);
        assertThat(customersProfile.get("columnCount").asInt()).isEqualTo(3);
        assertThat(customersProfile.get("sizeInByte").asDouble()).isGreaterThan(8192.0);
        assertThat(customersProfile.get("timestamp").asLong()).isPositive();
        assertThat(profiles.get("Orders").has("rowCount")).as("never analyzed: no estimate").isFalse();
        assertThat(profiles.get("Orders").get("sizeInByte").asDouble()).isPositive();
        assertThat(profiles.get("everything").get("columnCount").asInt()).isEqualTo(54);
        assertThat(profiles.get("events").get("sizeInByte").asDouble()).as("its leaves' sizes").isPositive();
        assertThat(profiles.get("customer_counts").get("sizeInByte").asDouble()).isPositive();
        assertThat(profiles.get("remote_stock").has("sizeInByte")).as("no local storage").isFalse();

        assertThat(summary.toString()).contains("Workflow Source Summary:", "Processed records: 11",
                "Filtered records: 4", "Workflow Sink Summary:", "Processed records: 18",
                "Workflow finished successfully");
    }

    @Test
    void viewsAndTablesCanBeLeftOut() throws IOException {
        Path out = dir.resolve("views.jsonl");
        Workflow workflow = new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {connection: meta_it, sslMode: disable}}
                  sourceConfig:
                    config: {type: DatabaseMetadata, includeTables: false, useFqnForFiltering: true,
                             schemaFilterPattern: {includes: ['svc\\.%s\\.sales$']}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(db.name(), out), "workflow.yaml");
        WorkflowRunner.Result result = new WorkflowRunner(resolver(), "default").run(workflow);
        assertThat(result.failed()).isFalse();
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode node = JSON.readTree(line);
            if (node.get("path").asText().equals("/v1/tables")) {
                names.add(node.get("body").get("name").asText());
            }
        }
        assertThat(names).containsExactlyInAnyOrder("big_customers", "customer_counts");
    }

    @Test
    void ingestAllDatabasesConnectsToEachDatabaseTheFilterKeeps() throws IOException {
        Path out = dir.resolve("all.jsonl");
        Workflow workflow = new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {connection: meta_it, database: postgres, ingestAllDatabases: true,
                                               sslMode: disable}}
                  sourceConfig:
                    config: {type: DatabaseMetadata, databaseFilterPattern: {includes: ['^%s$']},
                             schemaFilterPattern: {includes: ['^sales$']}, tableFilterPattern: {includes: ['^customers$']}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(db.name(), out), "workflow.yaml");
        WorkflowRunner.Result result = new WorkflowRunner(resolver(), "default").run(workflow);
        assertThat(result.failed()).isFalse();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(5);
        assertThat(JSON.readTree(lines.get(4)).at("/path").asText()).endsWith("/tableProfile");
        assertThat(JSON.readTree(lines.get(0)).at("/body/connection/config/ingestAllDatabases").asBoolean()).isTrue();
        assertThat(JSON.readTree(lines.get(1)).at("/body/name").asText()).isEqualTo(db.name());
        assertThat(JSON.readTree(lines.get(3)).at("/body/databaseSchema").asText()).isEqualTo("svc." + db.name() + ".sales");
        assertThat(result.steps().get(0).filteredRecords()).contains("svc.postgres");
    }

    @Test
    void unreachableServerIsAFailedSourceStep() {
        Workflow workflow = new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {hostPort: '127.0.0.1:1', username: nobody, database: x, sslMode: disable}}
                  sourceConfig: {config: {type: DatabaseMetadata}}
                sink: {type: file, config: {filename: '%s'}}
                """.formatted(dir.resolve("none.jsonl")), "workflow.yaml");
        WorkflowRunner.Result result = new WorkflowRunner(resolver(), "default").run(workflow);
        assertThat(result.failed()).isTrue();
        assertThat(result.steps().get(0).errors()).singleElement().asString().contains("127.0.0.1");
    }

    private static void assertColumn(JsonNode column, String dataType, String display, String constraint) {
        assertThat(column).as("column").isNotNull();
        assertThat(column.get("dataType").asText()).as(column.toString()).isEqualTo(dataType);
        assertThat(column.get("dataTypeDisplay").asText()).as(column.toString()).isEqualTo(display);
        assertThat(column.get("constraint").asText()).as(column.toString()).isEqualTo(constraint);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, JsonNode> columns(JsonNode table) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        table.get("columns").forEach(c -> out.put(c.get("name").asText(), c));
        return out;
    }

    private ConnectionResolver resolver() {
        String uri = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + db.name();
        return new ConnectionResolver(Map.of("AIRFLOW_CONN_META_IT", uri), () -> {
            throw new IllegalStateException("no store in this test");
        });
    }
}
