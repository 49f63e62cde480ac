package dev.pgbridge.server.metadata;

import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.workflow.Workflow;
import dev.pgbridge.metadata.workflow.WorkflowReader;
import dev.pgbridge.metadata.workflow.WorkflowRunner;
import dev.pgbridge.server.ServerFixture;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source database on the test PostgreSQL and the three metadata workflows (DatabaseMetadata, DatabaseUsage,
 * DatabaseLineage) run in-process into a server's control store for one tenant, as the metadata module's own tests and
 * {@code MetadataEndToEndIT} run them. Names that test quoting: a table whose name holds a dot and a double quote, and
 * hostile names ({@code <script>x}, and {@code <img src=x onerror=alert(1)//} which also holds slashes).
 */
public final class MetadataTestCatalog implements AutoCloseable {
    public static final String SERVICE = "warehouse_pg";
    /** A table name with a dot and a double quote. */
    public static final String WEIRD = "we\"ird.name";
    /** Table names that are markup. */
    public static final String SCRIPT = "<script>x";
    public static final String IMG = "<img src=x onerror=alert(1)//";

    private static final TestingPostgres SERVER = TestingPostgres.get();
    private final TestDatabase source;

    private MetadataTestCatalog(TestDatabase source) {
        this.source = source;
    }

    /** Creates the source database (schema {@code sales}) and runs a few queries for the usage workflow to count. */
    public static MetadataTestCatalog create() {
        TestDatabase db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_srv_meta"), null);
        SERVER.executeIn(db.name(), """
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                CREATE SCHEMA sales;
                CREATE TABLE sales.customers (id int PRIMARY KEY, name text NOT NULL);
                COMMENT ON COLUMN sales.customers.name IS 'what the customer is called';
                CREATE TABLE sales.orders (id int PRIMARY KEY, customer_id int REFERENCES sales.customers (id),
                                           amount numeric(10,2));
                COMMENT ON TABLE sales.orders IS 'one row per order';
                CREATE VIEW sales.big_orders AS
                    SELECT o.id, o.amount, c.name FROM sales.orders o JOIN sales.customers c ON c.id = o.customer_id
                    WHERE o.amount > 100;
                CREATE TABLE sales."we""ird.name" (id int);
                CREATE VIEW sales.weird_ids AS SELECT id FROM sales."we""ird.name";
                CREATE TABLE sales."<script>x" (id int);
                CREATE VIEW sales.hostile_view AS SELECT id FROM sales."<script>x";
                CREATE TABLE sales."<img src=x onerror=alert(1)//" (id int);
                INSERT INTO sales.customers VALUES (1, 'Ann'), (2, 'Bo');
                INSERT INTO sales.orders VALUES (1, 1, 150), (2, 2, 20);
                """);
        return new MetadataTestCatalog(db);
    }

    public String database() {
        return source.name();
    }

    /** The FQN of table {@code name} of schema {@code sales}, as OpenMetadata builds it. */
    public String fqn(String name) {
        return Fqn.table(SERVICE, source.name(), "sales", name);
    }

    /** Runs the metadata, usage and lineage workflows into {@code server}'s control store for {@code tenant}. */
    public void ingestInto(ServerFixture server, String tenant) {
        run(server, tenant, "postgres", "{type: DatabaseMetadata, schemaFilterPattern: {includes: ['^sales$']}}");
        SERVER.executeIn(source.name(), "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database "
                + "WHERE datname = current_database()), 0)");
        try (Connection c = SERVER.connect(source.name()); Statement s = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                s.execute("SELECT o.amount, c.name FROM sales.orders o JOIN sales.customers c ON c.id = o.customer_id");
            }
        }
        catch (SQLException e) {
            throw new AssertionError("the usage queries failed", e);
        }
        run(server, tenant, "postgres-usage", "{type: DatabaseUsage, queryLogDuration: 1}");
        run(server, tenant, "postgres-lineage", "{type: DatabaseLineage, schemaFilterPattern: {includes: ['^sales$']}}");
    }

    /**
     * Runs a TestSuite workflow on table {@code name} of schema {@code sales} into {@code server}'s control store for
     * {@code tenant}; {@code testCases} is the YAML list of {@code processor.config.testCases} (flow style).
     */
    public void testInto(ServerFixture server, String tenant, String name, String testCases) {
        run(server, tenant, "TestSuite", "{type: TestSuite, entityFullyQualifiedName: '" + fqn(name) + "'}\n"
                + "processor: {type: orm-test-runner, config: {testCases: " + testCases + "}}");
    }

    private void run(ServerFixture server, String tenant, String sourceType, String config) {
        Workflow workflow = new WorkflowReader(Map.of()).read("""
                source:
                  type: %s
                  serviceName: %s
                  serviceConnection: {config: {type: Postgres, connection: meta_src, sslMode: disable}}
                  sourceConfig:
                    config: %s
                """.formatted(sourceType, SERVICE, config), "workflow.yaml");
        String uri = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + source.name();
        ConnectionResolver resolver = new ConnectionResolver(Map.of("AIRFLOW_CONN_META_SRC", uri), () -> {
            throw new IllegalStateException("the workflow takes its connection from the environment map");
        });
        WorkflowRunner.Result result = new WorkflowRunner(resolver, tenant, () -> server.store().database())
                .run(workflow);
        StringWriter summary = new StringWriter();
        WorkflowRunner.printSummary(result, new PrintWriter(summary));
        assertThat(result.failed()).as(summary.toString()).isFalse();
    }

    @Override
    public void close() {
        source.close();
    }
}
