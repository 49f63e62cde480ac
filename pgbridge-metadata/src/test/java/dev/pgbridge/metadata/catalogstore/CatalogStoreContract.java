package dev.pgbridge.metadata.catalogstore;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.ingest.MetadataIngestion;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.workflow.Workflow;
import dev.pgbridge.metadata.workflow.WorkflowReader;
import dev.pgbridge.metadata.workflow.WorkflowRunner;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.store.StoreDatabase;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the local catalog must do on every back end of the control store: ingest a real database, keep a version per
 * change with what changed, soft-delete what is gone (and only that), keep usage, queries, joins and lineage, and find
 * tables by name. Each test has its own tenant (the catalog is tenant-scoped) and its own source database.
 */
@Timeout(120)
abstract class CatalogStoreContract {
    static final TestingPostgres SERVER = TestingPostgres.get();
    static final String SERVICE = "shop_pg";

    TestDatabase source;
    String tenant;

    /** The store's database of this test's back end. */
    protected abstract StoreDatabase storeDatabase();

    @BeforeEach
    void createSource() {
        source = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_cat"), null);
        tenant = "t" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000000, Integer.MAX_VALUE));
    }

    @AfterEach
    void dropSource() {
        if (source != null) {
            source.close();
        }
    }

    CatalogStore catalog() {
        return CatalogStore.open(storeDatabase(), tenant);
    }

    String fqn(String schema, String table) {
        return SERVICE + "." + source.name() + "." + schema + "." + table;
    }

    WorkflowRunner.Result ingest(String... sourceConfigLines) {
        StringBuilder extra = new StringBuilder();
        for (String line : sourceConfigLines) {
            extra.append("      ").append(line).append('\n');
        }
        Workflow workflow = new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: %s
                  serviceConnection:
                    config:
                      type: Postgres
                      connection: cat_it
                      sslMode: disable
                  sourceConfig:
                    config:
                      type: DatabaseMetadata
                %s""".formatted(SERVICE, extra), "workflow.yaml");
        String uri = "postgres://" + SERVER.superuser() + ":"
                + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                + SERVER.port() + "/" + source.name();
        ConnectionResolver resolver = new ConnectionResolver(Map.of("AIRFLOW_CONN_CAT_IT", uri), () -> {
            throw new IllegalStateException("no connection store in this test");
        });
        WorkflowRunner.Result result = new WorkflowRunner(resolver, tenant, this::storeDatabase).run(workflow);
        assertThat(result.failed()).as(summary(result)).isFalse();
        return result;
    }

    static String summary(WorkflowRunner.Result result) {
        StringWriter out = new StringWriter();
        WorkflowRunner.printSummary(result, new PrintWriter(out));
        return out.toString();
    }

    static StepStatus sinkStep(WorkflowRunner.Result result) {
        return result.steps().get(1);
    }

    void sql(String statements) {
        SERVER.executeIn(source.name(), statements);
    }

    CatalogStore.TableEntry entry(String fqn) {
        return catalog().tables(null, null, CatalogStore.StateFilter.ALL).stream()
                .filter(t -> t.fqn().equals(fqn)).findFirst().orElseThrow(() -> new AssertionError("no " + fqn));
    }

    @Test
    void changesBetweenRunsAreVersionsWithWhatChanged() {
        sql("""
                CREATE SCHEMA shop;
                CREATE TABLE shop.orders (id bigint PRIMARY KEY, note varchar(20), amount integer, legacy text);
                CREATE TABLE shop.customers (id int PRIMARY KEY, name text);
                CREATE TABLE shop.old_stuff (id int);
                CREATE VIEW shop.order_ids AS SELECT id FROM shop.orders;
                """);
        ingest("schemaFilterPattern: {includes: ['^shop$']}");
        assertThat(catalog().tables(null, "shop", CatalogStore.StateFilter.ACTIVE))
                .extracting(CatalogStore.TableEntry::name, CatalogStore.TableEntry::tableType,
                        CatalogStore.TableEntry::version)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("customers", "Regular", 1),
                        org.assertj.core.groups.Tuple.tuple("old_stuff", "Regular", 1),
                        org.assertj.core.groups.Tuple.tuple("order_ids", "View", 1),
                        org.assertj.core.groups.Tuple.tuple("orders", "Regular", 1));

        sql("""
                ALTER TABLE shop.orders ADD COLUMN shipped_at timestamptz;
                ALTER TABLE shop.orders DROP COLUMN legacy;
                ALTER TABLE shop.orders ALTER COLUMN note TYPE varchar(40);
                COMMENT ON TABLE shop.orders IS 'Every order';
                COMMENT ON COLUMN shop.orders.amount IS 'In cents';
                DROP TABLE shop.old_stuff;
                """);
        WorkflowRunner.Result second = ingest("schemaFilterPattern: {includes: ['^shop$']}");
        assertThat(sinkStep(second).deletedRecords()).containsExactly(fqn("shop", "old_stuff"));
        assertThat(summary(second)).contains("Deleted records: 1", "- " + fqn("shop", "old_stuff"));

        CatalogStore catalog = catalog();
        List<CatalogStore.EntityVersion> history = catalog.history(fqn("shop", "orders"));
        assertThat(history).extracting(CatalogStore.EntityVersion::version).containsExactly(1, 2);
        assertThat(history.get(0).changeDescription()).isNull();
        ChangeDescription change = history.get(1).changeDescription();
        assertThat(change.previousVersion()).isEqualTo(1);
        assertThat(change.fieldsAdded()).containsExactlyInAnyOrder(
                new ChangeDescription.FieldChange("description", null, "Every order"),
                new ChangeDescription.FieldChange("columns.shipped_at", null, "timestamp with time zone"),
                new ChangeDescription.FieldChange("columns.amount.description", null, "In cents"));
        assertThat(change.fieldsDeleted()).containsExactly(
                new ChangeDescription.FieldChange("columns.legacy", "text", null));
        assertThat(change.fieldsUpdated()).containsExactlyInAnyOrder(
                new ChangeDescription.FieldChange("columns.note.dataLength", "20", "40"),
                new ChangeDescription.FieldChange("columns.note.dataTypeDisplay", "character varying(20)",
                        "character varying(40)"));
        assertThat(entry(fqn("shop", "customers")).version()).isEqualTo(1);
        CatalogStore.TableEntry gone = entry(fqn("shop", "old_stuff"));
        assertThat(gone.state()).isEqualTo("deleted");
        assertThat(gone.version()).isEqualTo(2);
        assertThat(catalog.history(fqn("shop", "old_stuff")).get(1).changeDescription().fieldsUpdated())
                .containsExactly(new ChangeDescription.FieldChange("deleted", "false", "true"));
        assertThat(catalog.tables(null, null, CatalogStore.StateFilter.DELETED))
                .extracting(CatalogStore.TableEntry::fqn).containsExactly(fqn("shop", "old_stuff"));

        // nothing changed: no new version anywhere
        WorkflowRunner.Result third = ingest("schemaFilterPattern: {includes: ['^shop$']}");
        assertThat(sinkStep(third).deletedRecords()).isEmpty();
        assertThat(catalog.history(fqn("shop", "orders"))).hasSize(2);
        assertThat(catalog.history(fqn("shop", "customers"))).hasSize(1);
        assertThat(catalog.history(fqn("shop", "old_stuff"))).hasSize(2);

        // a deleted table that comes back is active again, in a new version
        sql("CREATE TABLE shop.old_stuff (id int)");
        ingest("schemaFilterPattern: {includes: ['^shop$']}");
        CatalogStore.TableEntry back = entry(fqn("shop", "old_stuff"));
        assertThat(back.state()).isEqualTo("active");
        assertThat(back.version()).isEqualTo(3);
        assertThat(catalog.history(fqn("shop", "old_stuff")).get(2).changeDescription().fieldsUpdated())
                .containsExactly(new ChangeDescription.FieldChange("deleted", "true", "false"));

        CatalogStore.TableDetail orders = catalog.show(fqn("shop", "orders"));
        assertThat(orders.description()).isEqualTo("Every order");
        assertThat(orders.columns()).extracting(Requests.Column::name)
                .containsExactly("id", "note", "amount", "shipped_at");
        assertThat(orders.columns().getFirst().constraint()).isEqualTo("PRIMARY_KEY");
        assertThat(orders.table().state()).isEqualTo("active");
    }

    @Test
    void aTableOnlyExcludedByAFilterOrInAnExcludedSchemaIsNeverDeleted() {
        sql("""
                CREATE SCHEMA shop;
                CREATE TABLE shop.orders (id int);
                CREATE TABLE shop.customers (id int);
                CREATE SCHEMA other;
                CREATE TABLE other.kept (id int);
                """);
        ingest();
        WorkflowRunner.Result filtered = ingest("schemaFilterPattern: {includes: ['^shop$']}",
                "tableFilterPattern: {excludes: ['^customers$']}");
        assertThat(sinkStep(filtered).deletedRecords()).isEmpty();
        assertThat(catalog().tables(null, null, CatalogStore.StateFilter.DELETED)).isEmpty();
        assertThat(entry(fqn("shop", "customers")).version()).isEqualTo(1);
        assertThat(entry(fqn("other", "kept")).state()).isEqualTo("active");
        // markDeletedTables: false deletes nothing even when a table is gone
        sql("DROP TABLE shop.orders");
        ingest("markDeletedTables: false");
        assertThat(entry(fqn("shop", "orders")).state()).isEqualTo("active");
    }

    @Test
    void aSchemaWhoseReadFailedIsNeverMarkedDeleted() throws SQLException {
        sql("""
                CREATE SCHEMA shop;
                CREATE TABLE shop.orders (id int);
                CREATE TABLE shop.customers (id int);
                CREATE SCHEMA busy;
                CREATE TABLE busy.locked (id int);
                CREATE TABLE busy.dropped (id int);
                """);
        ingest();
        sql("DROP TABLE busy.dropped; DROP TABLE shop.orders; CREATE TABLE shop.fresh (id int);");
        StepStatus sourceStep = new StepStatus("Source");
        StepStatus sinkStep = new StepStatus("Sink");
        // another session holds busy.locked exclusively: reading its size (pg_total_relation_size) runs into
        // lock_timeout, so the read of schema busy fails for real while shop reads fine
        try (Connection holder = SERVER.connect(source.name())) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE busy.locked IN ACCESS EXCLUSIVE MODE");
            }
            MetadataIngestion.Connector connector = new MetadataIngestion.Connector() {
                @Override
                public Connection connect(String database) throws SQLException {
                    Connection c = SERVER.connect(database == null ? source.name() : database);
                    try (Statement s = c.createStatement()) {
                        s.execute("SET lock_timeout = '300ms'");
                    }
                    return c;
                }

                @Override
                public PgBridgeException translate(SQLException e) {
                    return new PgBridgeException(ErrorCode.SQL_ERROR, e.getMessage(), null, e);
                }
            };
            try (CatalogSink sink = new CatalogSink(catalog(), sinkStep::warning)) {
                new MetadataIngestion(SERVICE, new WorkflowReader(Map.of()).read(minimalWorkflow(), "w.yaml").metadata(),
                        false, sourceStep, sinkStep)
                        .run(new Requests.CreateDatabaseService(SERVICE, "Postgres", Map.of()), connector, sink);
            }
            holder.rollback();
        }
        assertThat(sourceStep.errors()).singleElement().asString()
                .startsWith(SERVICE + "." + source.name() + ".busy: cannot read the schema");
        assertThat(sinkStep.deletedRecords()).containsExactly(fqn("shop", "orders"));
        assertThat(entry(fqn("busy", "dropped")).state()).isEqualTo("active");
        assertThat(entry(fqn("shop", "fresh")).state()).isEqualTo("active");

        // once the schema reads again, what is gone from it is deleted
        WorkflowRunner.Result later = ingest();
        assertThat(sinkStep(later).deletedRecords()).containsExactly(fqn("busy", "dropped"));
    }

    private static String minimalWorkflow() {
        return """
                source:
                  type: postgres
                  serviceName: shop_pg
                  serviceConnection: {config: {type: Postgres, hostPort: 'localhost:5432', username: u}}
                  sourceConfig: {config: {type: DatabaseMetadata}}
                """;
    }

    @Test
    void aRunThatWouldEmptyASchemaRefusesUnlessAllowed() {
        sql("""
                CREATE SCHEMA solo;
                CREATE TABLE solo.a (id int);
                CREATE TABLE solo.b (id int);
                """);
        ingest();
        sql("DROP TABLE solo.a; DROP TABLE solo.b;");
        WorkflowRunner.Result refused = ingest();
        assertThat(sinkStep(refused).deletedRecords()).isEmpty();
        String schemaFqn = SERVICE + "." + source.name() + ".solo";
        assertThat(sinkStep(refused).warnings()).singleElement().asString()
                .contains(schemaFqn, "allowEmptyingSchema: true");
        assertThat(entry(fqn("solo", "a")).state()).isEqualTo("active");

        WorkflowRunner.Result allowed = ingest("allowEmptyingSchema: true");
        assertThat(sinkStep(allowed).deletedRecords()).containsExactly(fqn("solo", "a"), fqn("solo", "b"));
        assertThat(catalog().tables(null, "solo", CatalogStore.StateFilter.ACTIVE)).isEmpty();
    }

    @Test
    void usageQueriesJoinsProfilesAndLineageAreKept() {
        String orders = "svc.shop.sales.orders";
        String customers = "svc.shop.sales.customers";
        String report = "svc.shop.sales.report";
        String archive = "svc.shop.sales.archive";
        String query = "INSERT INTO sales.report SELECT o.id, c.id FROM sales.orders o JOIN sales.customers c "
                + "ON c.id = o.customer_id";
        try (CatalogSink sink = new CatalogSink(catalog(), w -> { })) {
            sink.send(Requests.Request.put(new Requests.CreateDatabaseService("svc", "Postgres", Map.of())));
            sink.send(Requests.Request.put(new Requests.CreateDatabase("shop", null, "svc")));
            sink.send(Requests.Request.put(new Requests.CreateDatabaseSchema("sales", null, "svc.shop")));
            for (String name : List.of("orders", "customers", "report", "archive")) {
                sink.send(Requests.Request.put(new Requests.CreateTable(name, null, "Regular",
                        List.of(column("id", 1), column("customer_id", 2)), null, "svc.shop.sales", null)));
            }
            sink.send(Requests.Request.usage(orders, new Requests.UsageRequest("2026-12-01", 3)));
            sink.send(Requests.Request.usage(orders, new Requests.UsageRequest("2026-12-02", 5)));
            sink.send(Requests.Request.usage(orders, new Requests.UsageRequest("2026-12-02", 7)));
            sink.send(Requests.Request.tableProfile(orders, new Requests.CreateTableProfile(
                    new Requests.TableProfile(1L, 1200.0, 2, 8192.0))));
            sink.send(Requests.Request.put(new Requests.CreateQuery(query, "INSERT", 1.5, null, List.of("alice"),
                    null, List.of(EntityRef.table(orders), EntityRef.table(report)), "svc")));
            sink.send(Requests.Request.put(new Requests.CreateQuery(query, "INSERT", 2.5, null, List.of("bob"),
                    null, List.of(EntityRef.table(customers)), "svc")));
            sink.send(Requests.Request.joins(orders, new Requests.TableJoins("2026-12-01", 1,
                    List.of(new Requests.ColumnJoin("customer_id",
                            List.of(new Requests.JoinedWith(customers + ".id", 4)))), null)));
            sink.send(Requests.Request.put(new Requests.AddLineage(EntityRef.table(orders), EntityRef.table(report),
                    query, List.of(new Requests.ColumnLineage(List.of(orders + ".id"), report + ".id")),
                    "QueryLineage")));
            sink.send(Requests.Request.put(new Requests.AddLineage(EntityRef.table(customers),
                    EntityRef.table(report), query,
                    List.of(new Requests.ColumnLineage(List.of(customers + ".id"), report + ".customer_id")),
                    "QueryLineage")));
            // the same edge again with another column edge: merged, as OpenMetadata merges it
            sink.send(Requests.Request.put(new Requests.AddLineage(EntityRef.table(orders), EntityRef.table(report),
                    null, List.of(new Requests.ColumnLineage(List.of(orders + ".customer_id"),
                    report + ".customer_id")), "QueryLineage")));
            sink.send(Requests.Request.put(new Requests.AddLineage(EntityRef.table(report), EntityRef.table(archive),
                    "CREATE VIEW archive AS SELECT * FROM report", null, "ViewLineage")));
            // the view's CREATE VIEW seen again in the query log: the edge stays the view's
            sink.send(Requests.Request.put(new Requests.AddLineage(EntityRef.table(report), EntityRef.table(archive),
                    "create view archive as select * from report", null, "QueryLineage")));
        }
        CatalogStore catalog = catalog();
        assertThat(catalog.usage(orders, 7)).containsExactly(new CatalogStore.UsageDay("2026-12-02", 7),
                new CatalogStore.UsageDay("2026-12-01", 3));
        CatalogStore.StoredQuery stored = catalog.queries(orders).getFirst();
        assertThat(stored.usedBy()).containsExactly("alice", "bob");
        assertThat(stored.tables()).containsExactly(customers, orders, report);
        assertThat(catalog.queries(archive)).isEmpty();
        assertThat(catalog.joins(orders)).containsExactly(new CatalogStore.StoredJoin(orders, "customer_id",
                customers + ".id", "2026-12-01", 1, 4));

        CatalogStore.TableDetail detail = catalog.show(orders);
        assertThat(detail.sizeBytes()).isEqualTo(8192.0);
        assertThat(detail.rowEstimate()).isEqualTo(1200.0);
        assertThat(detail.downstream()).singleElement().satisfies(edge -> {
            assertThat(edge.to()).isEqualTo(report);
            assertThat(edge.sqlQuery()).isEqualTo(query);
            assertThat(edge.columns()).containsExactly(
                    new Requests.ColumnLineage(List.of(orders + ".id"), report + ".id"),
                    new Requests.ColumnLineage(List.of(orders + ".customer_id"), report + ".customer_id"));
        });
        assertThat(catalog.show(report).upstream()).extracting(CatalogStore.LineageEdge::from)
                .containsExactly(customers, orders);

        assertThat(catalog.lineage(orders, false, 1)).extracting(h -> h.edge().to()).containsExactly(report);
        assertThat(catalog.lineage(orders, false, 3)).extracting(h -> h.depth() + ":" + h.edge().to())
                .containsExactly("1:" + report, "2:" + archive);
        assertThat(catalog.show(archive).upstream()).singleElement().satisfies(edge -> {
            assertThat(edge.source()).isEqualTo("ViewLineage");
            assertThat(edge.sqlQuery()).isEqualTo("CREATE VIEW archive AS SELECT * FROM report");
        });
        assertThat(catalog.lineage(archive, true, 2)).extracting(h -> h.depth() + ":" + h.edge().from())
                .containsExactly("1:" + report, "2:" + customers, "2:" + orders);
    }

    private static Requests.Column column(String name, int ordinal) {
        return new Requests.Column(name, "INT", null, null, null, null, "integer", null, "NULL", ordinal);
    }

    @Test
    void namesResolveAsSchemaTableOrLongerWithQuotedPartsAndSuggestions() {
        try (CatalogSink sink = new CatalogSink(catalog(), w -> { })) {
            for (String db : List.of("shop", "lab")) {
                sink.send(Requests.Request.put(new Requests.CreateDatabase(db, null, "svc")));
                sink.send(Requests.Request.put(new Requests.CreateDatabaseSchema("sales", null, "svc." + db)));
                sink.send(Requests.Request.put(new Requests.CreateTable("orders", "Orders of " + db, "Regular",
                        List.of(column("id", 1)), null, "svc." + db + ".sales", null)));
            }
            sink.send(Requests.Request.put(new Requests.CreateDatabaseSchema("v1.api", null, "svc.shop")));
            sink.send(Requests.Request.put(new Requests.CreateTable("Items.2024", null, "Regular",
                    List.of(column("Item Id", 1)), null, "svc.shop.\"v1.api\"", null)));
        }
        CatalogStore catalog = catalog();
        assertThat(catalog.resolve("shop.sales.orders")).isEqualTo("svc.shop.sales.orders");
        assertThat(catalog.resolve("svc.lab.sales.orders")).isEqualTo("svc.lab.sales.orders");
        assertThat(catalog.resolve("\"v1.api\".\"Items.2024\"")).isEqualTo("svc.shop.\"v1.api\".\"Items.2024\"");
        assertThat(catalog.resolve("\"V1.API\".\"items.2024\"")).isEqualTo("svc.shop.\"v1.api\".\"Items.2024\"");

        PgBridgeException ambiguous = catchThrowableOfType(PgBridgeException.class,
                () -> catalog.resolve("sales.orders"));
        assertThat(ambiguous.code()).isEqualTo(ErrorCode.INVALID_NAME);
        assertThat(ambiguous.getMessage()).isEqualTo(
                "table name 'sales.orders' is ambiguous: svc.lab.sales.orders, svc.shop.sales.orders");

        PgBridgeException missing = catchThrowableOfType(PgBridgeException.class,
                () -> catalog.resolve("shop.sales.ordrs"));
        assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(missing.hint()).isEqualTo("did you mean shop.sales.orders?");

        assertThat(catalog.search("ORDERS OF")).extracting(CatalogStore.SearchHit::fqn, CatalogStore.SearchHit::matchedField)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("svc.lab.sales.orders", "description"),
                        org.assertj.core.groups.Tuple.tuple("svc.shop.sales.orders", "description"));
        assertThat(catalog.search("item id")).extracting(CatalogStore.SearchHit::kind, CatalogStore.SearchHit::fqn)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("column",
                        "svc.shop.\"v1.api\".\"Items.2024\".Item Id"));
        // another tenant sees none of it
        assertThat(CatalogStore.open(storeDatabase(), tenant + "_x").tables(null, null, CatalogStore.StateFilter.ALL))
                .isEmpty();
    }

    @Test
    void twoRunsOnTheSameServiceAtOnceBothLandInOrderedVersions() {
        // two runs at once: each loaded the stored versions once and wrote the same next version (a store error)
        String schemaFqn = SERVICE + ".shop.sales";
        CatalogSink a = new CatalogSink(catalog(), w -> { });
        CatalogSink b = new CatalogSink(catalog(), w -> { });
        for (CatalogSink sink : List.of(a, b)) {
            sink.send(Requests.Request.put(new Requests.CreateDatabaseService(SERVICE, "Postgres", null)));
            sink.send(Requests.Request.put(new Requests.CreateDatabase("shop", null, SERVICE)));
            sink.send(Requests.Request.put(new Requests.CreateDatabaseSchema("sales", null, SERVICE + ".shop")));
            sink.flush(); // both have read what is stored of the service now
        }
        a.send(Requests.Request.put(table(schemaFqn, "orders", "first")));
        a.flush();
        b.send(Requests.Request.put(table(schemaFqn, "orders", "second")));
        b.flush(); // b never saw orders: its insert meets a's row and becomes an update of it
        a.send(Requests.Request.put(table(schemaFqn, "orders", "third")));
        a.flush(); // a last saw version 1: its update misses and is worked out again on version 2
        b.send(Requests.Request.put(table(schemaFqn, "orders", "third")));
        b.close(); // the same as stored now: nothing to write
        a.close();

        String orders = schemaFqn + ".orders";
        List<CatalogStore.EntityVersion> history = catalog().history(orders);
        assertThat(history).extracting(CatalogStore.EntityVersion::version).containsExactlyInAnyOrder(1, 2, 3);
        CatalogStore.EntityVersion third = history.stream().filter(v -> v.version() == 3).findFirst().orElseThrow();
        assertThat(third.changeDescription().previousVersion()).isEqualTo(2);
        assertThat(third.changeDescription().fieldsUpdated()).extracting(ChangeDescription.FieldChange::oldValue)
                .containsExactly("second");
        assertThat(catalog().show(orders).description()).isEqualTo("third");
        assertThat(b.unchanged()).as("b's last request matched what a stored").isGreaterThanOrEqualTo(1);
    }

    private static Requests.CreateTable table(String schemaFqn, String name, String description) {
        return new Requests.CreateTable(name, description, "Regular", List.of(new Requests.Column("id", "INT", null,
                null, null, null, "integer", null, "NOT_NULL", 1)), null, schemaFqn, null);
    }
}
