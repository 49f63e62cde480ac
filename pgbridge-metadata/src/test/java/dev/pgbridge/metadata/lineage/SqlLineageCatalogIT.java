package dev.pgbridge.metadata.lineage;

import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lineage with a real catalog ({@link CatalogColumns} over core's table-shape reader): {@code *} over real tables
 * expands to their columns, unqualified names resolve to the first schema of the search_path holding the table, and
 * case-sensitive (quoted) table and column names come out exactly as stored.
 */
@Timeout(60)
class SqlLineageCatalogIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static TestDatabase db;

    @BeforeAll
    static void createFixture() {
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_lineage"), null);
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA app;
                CREATE SCHEMA shop;
                CREATE TABLE shop.orders (id bigint, customer_id bigint, total numeric, note text);
                ALTER TABLE shop.orders DROP COLUMN note;
                CREATE TABLE shop.order_copy (order_id bigint, cust bigint, amount numeric);
                CREATE TABLE app.orders (only_in_app int);
                CREATE TABLE shop."Customers" ("Id" bigint, "Full Name" text, email text);
                CREATE TABLE public.customers (id bigint, lower_name text);
                CREATE TABLE shop.customer_names (customer_id bigint, name text);
                CREATE VIEW shop.big_orders AS SELECT id, total FROM shop.orders WHERE total > 100;
                CREATE SCHEMA "Reporting";
                CREATE VIEW "Reporting"."Order Summary" AS
                    WITH t AS (SELECT customer_id, sum(total) AS spent FROM shop.orders GROUP BY customer_id)
                    SELECT c."Full Name" AS name, t.spent, l.latest
                    FROM t JOIN shop."Customers" c ON c."Id" = t.customer_id
                    LEFT JOIN LATERAL (SELECT max(o.id) AS latest FROM shop.orders o WHERE o.customer_id = t.customer_id) l ON true
                    WHERE c.email LIKE '%@%'
                    UNION ALL
                    SELECT lower_name, 0::numeric, NULL::bigint FROM public.customers;
                CREATE MATERIALIZED VIEW "Reporting".order_ids AS SELECT o.id::text || ':' || o.customer_id AS key FROM shop.orders o;
                """);
    }

    @AfterAll
    static void dropFixture() {
        if (db != null) {
            db.close();
        }
    }

    private static List<String> strings(java.util.Collection<?> values) {
        return values.stream().map(Object::toString).toList();
    }

    @Test
    void starOverRealTablesExpandsFromTheCatalogAndLeavesDroppedColumnsOut() throws SQLException {
        try (Connection connection = SERVER.connect(db.name())) {
            SqlLineage lineage = new SqlLineage(List.of("shop", "public"), CatalogColumns.of(connection));

            StatementLineage result = lineage.analyze("INSERT INTO order_copy SELECT * FROM orders");

            assertThat(strings(result.tableEdges())).containsExactly("shop.orders -> shop.order_copy");
            assertThat(strings(result.columnEdges())).containsExactly(
                    "shop.orders.id -> shop.order_copy.order_id",
                    "shop.orders.customer_id -> shop.order_copy.cust",
                    "shop.orders.total -> shop.order_copy.amount");
        }
    }

    @Test
    void starOverAViewExpandsToTheViewsColumns() throws SQLException {
        try (Connection connection = SERVER.connect(db.name())) {
            SqlLineage lineage = new SqlLineage(List.of("shop"), CatalogColumns.of(connection));

            StatementLineage result = lineage.analyze("CREATE VIEW top_orders AS SELECT * FROM big_orders");

            assertThat(strings(result.tableEdges())).containsExactly("shop.big_orders -> shop.top_orders");
            assertThat(strings(result.columnEdges())).containsExactly(
                    "shop.big_orders.id -> shop.top_orders.id", "shop.big_orders.total -> shop.top_orders.total");
        }
    }

    @Test
    void viewDefinitionsAsTheServerPrintsThemParseAndResolve() throws SQLException {
        try (Connection connection = SERVER.connect(db.name())) {
            SqlLineage lineage = new SqlLineage(List.of("public"), CatalogColumns.of(connection));
            java.util.Map<String, String> definitions =
                    dev.pgbridge.catalog.ViewDefinitions.read(connection, "Reporting");
            assertThat(definitions).containsOnlyKeys("Order Summary", "order_ids");

            StatementLineage summary = lineage.analyzeView(new TableName("Reporting", "Order Summary"),
                    definitions.get("Order Summary"));
            StatementLineage ids = lineage.analyzeView(new TableName("Reporting", "order_ids"),
                    definitions.get("order_ids"));

            assertThat(strings(summary.tableEdges())).containsExactlyInAnyOrder(
                    "shop.orders -> Reporting.Order Summary", "shop.Customers -> Reporting.Order Summary",
                    "public.customers -> Reporting.Order Summary");
            assertThat(strings(summary.columnEdges())).containsExactlyInAnyOrder(
                    "shop.Customers.Full Name -> Reporting.Order Summary.name",
                    "public.customers.lower_name -> Reporting.Order Summary.name",
                    "shop.orders.total -> Reporting.Order Summary.spent",
                    "shop.orders.id -> Reporting.Order Summary.latest");
            assertThat(strings(summary.joins())).contains("shop.Customers.Id = shop.orders.customer_id");
            assertThat(strings(ids.columnEdges())).containsExactlyInAnyOrder(
                    "shop.orders.id -> Reporting.order_ids.key", "shop.orders.customer_id -> Reporting.order_ids.key");
        }
    }

    @Test
    void unqualifiedNamesResolveToTheFirstSchemaOfTheSearchPathHoldingTheTable() throws SQLException {
        try (Connection connection = SERVER.connect(db.name())) {
            // orders exists in app and shop: app comes first; customers only in public
            SqlLineage lineage = new SqlLineage(List.of("app", "shop", "public"), CatalogColumns.of(connection));

            StatementLineage result = lineage.analyze(
                    "CREATE TABLE report AS SELECT o.only_in_app, c.lower_name FROM orders o, customers c");

            assertThat(strings(result.reads())).containsExactly("app.orders", "public.customers");
            assertThat(strings(result.writes())).containsExactly("app.report");
            assertThat(strings(result.columnEdges())).containsExactly(
                    "app.orders.only_in_app -> app.report.only_in_app",
                    "public.customers.lower_name -> app.report.lower_name");
        }
    }

    @Test
    void caseSensitiveNamesAreKeptAndUnquotedOnesFold() throws SQLException {
        try (Connection connection = SERVER.connect(db.name())) {
            SqlLineage lineage = new SqlLineage(List.of("shop", "public"), CatalogColumns.of(connection));

            // "Customers" is the quoted table in shop; Customers unquoted is customers, found in public
            StatementLineage quoted = lineage.analyze(
                    "INSERT INTO Customer_Names SELECT * FROM \"Customers\" c WHERE c.email IS NOT NULL");
            StatementLineage folded = lineage.analyze(
                    "INSERT INTO customer_names (name) SELECT LOWER_NAME FROM Customers");

            assertThat(strings(quoted.tableEdges())).containsExactly("shop.Customers -> shop.customer_names");
            assertThat(strings(quoted.columnEdges())).containsExactly(
                    "shop.Customers.Id -> shop.customer_names.customer_id",
                    "shop.Customers.Full Name -> shop.customer_names.name");
            assertThat(strings(folded.tableEdges())).containsExactly("public.customers -> shop.customer_names");
            assertThat(strings(folded.columnEdges())).containsExactly(
                    "public.customers.lower_name -> shop.customer_names.name");
        }
    }
}
