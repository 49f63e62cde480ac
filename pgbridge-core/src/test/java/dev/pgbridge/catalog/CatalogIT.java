package dev.pgbridge.catalog;

import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.doctor.TestTargets;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.sql.QualifiedName;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The catalog against a real server: a fresh database with every kind of relation, mixed-case names, partitions in
 * two levels and two schemas, a foreign table (postgres_fdw), enums, domains, arrays, identity and generated columns.
 */
@Timeout(120)
class CatalogIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static TestRole owner;
    private static TestDatabase db;

    @BeforeAll
    static void createFixture() {
        owner = SERVER.createRole(TestingPostgres.uniqueName("pgb_cat_owner"), null);
        db = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_catalog"), null);
        String o = "\"" + owner.name() + "\"";
        SERVER.executeIn(db.name(), """
                CREATE SCHEMA sales;
                COMMENT ON SCHEMA sales IS 'Sales data';
                CREATE SCHEMA "Sales" AUTHORIZATION ${owner};
                CREATE SCHEMA inventory;
                CREATE TYPE sales.status AS ENUM ('new', 'paid', 'shipped');
                CREATE DOMAIN sales.positive_amount AS numeric(12,2) CHECK (VALUE > 0);

                CREATE TABLE sales.orders (
                    region text NOT NULL,
                    id bigint NOT NULL,
                    status sales.status NOT NULL DEFAULT 'new',
                    amount numeric(10,2),
                    dropped_later int,
                    total sales.positive_amount,
                    note varchar(20) DEFAULT 'n/a',
                    tags text[],
                    matrix integer[][],
                    created_at timestamptz NOT NULL DEFAULT now(),
                    code char(3),
                    PRIMARY KEY (region, id)
                );
                ALTER TABLE sales.orders DROP COLUMN dropped_later;
                COMMENT ON TABLE sales.orders IS 'All orders';
                COMMENT ON COLUMN sales.orders.amount IS 'Net amount';
                INSERT INTO sales.orders (region, id, amount, total, note, tags, matrix, code)
                SELECT CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END, g, g * 1.5, g, CASE WHEN g = 1 THEN NULL ELSE 'n' || g END,
                       ARRAY['a', 'b'], ARRAY[[1, 2], [3, 4]], 'abc'
                FROM generate_series(1, 30) g;

                CREATE TABLE "Sales"."Orders" ("Id" int PRIMARY KEY, "Customer Name" text);
                ALTER TABLE "Sales"."Orders" OWNER TO ${owner};
                INSERT INTO "Sales"."Orders" VALUES (1, 'Ada'), (2, NULL);

                CREATE TABLE public.orders (id int);

                CREATE VIEW sales.big_orders AS SELECT region, id, amount FROM sales.orders WHERE amount > 20;
                COMMENT ON VIEW sales.big_orders IS 'Orders over 20';
                CREATE MATERIALIZED VIEW sales.order_totals AS SELECT region, sum(amount) AS total FROM sales.orders GROUP BY region;

                CREATE TABLE sales.events (id int NOT NULL, at date NOT NULL, kind text NOT NULL) PARTITION BY RANGE (at);
                COMMENT ON TABLE sales.events IS 'Partitioned by year';
                CREATE TABLE sales.events_2023 PARTITION OF sales.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
                CREATE TABLE sales.events_2024 PARTITION OF sales.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                CREATE TABLE inventory.events_2025 PARTITION OF sales.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
                    PARTITION BY LIST (kind);
                CREATE TABLE inventory.events_2025_a PARTITION OF inventory.events_2025 FOR VALUES IN ('a');
                CREATE TABLE inventory.events_2025_b PARTITION OF inventory.events_2025 FOR VALUES IN ('b');
                INSERT INTO sales.events SELECT g, date '2023-03-01', 'a' FROM generate_series(1, 10) g;
                INSERT INTO sales.events SELECT g, date '2024-03-01', 'a' FROM generate_series(1, 20) g;
                INSERT INTO sales.events SELECT g, date '2025-03-01', 'a' FROM generate_series(1, 5) g;
                INSERT INTO sales.events SELECT g, date '2025-03-01', 'b' FROM generate_series(1, 7) g;

                CREATE TABLE inventory.items (
                    id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    sku text NOT NULL,
                    price numeric(8,2),
                    qty int,
                    stock_value numeric GENERATED ALWAYS AS (price * qty) STORED
                );
                CREATE INDEX items_sku_idx ON inventory.items (sku);
                CREATE SEQUENCE inventory.ticket_seq;
                CREATE TABLE inventory."x""; DROP TABLE sales.orders; --" (v text);
                INSERT INTO inventory."x""; DROP TABLE sales.orders; --" VALUES ('still here');

                CREATE EXTENSION postgres_fdw;
                CREATE SERVER warehouse FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', dbname 'nowhere');
                CREATE FOREIGN TABLE inventory.remote_stock (sku text, qty int) SERVER warehouse OPTIONS (table_name 'stock');
                COMMENT ON FOREIGN TABLE inventory.remote_stock IS 'Stock in the warehouse';
                """.replace("${owner}", o));
        SERVER.executeIn(db.name(), "ANALYZE");
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

    private static Connection connect(String database) throws SQLException {
        return JdbcTarget.of(TestTargets.config(SERVER.superuser(), SERVER.superuserPassword(), database)).connect();
    }

    private static Map<String, TableInfo> byName(List<TableInfo> tables) {
        return tables.stream().collect(Collectors.toMap(t -> t.schema() + "." + t.name(), Function.identity()));
    }

    @Test
    void schemasListUserSchemasWithOwnerTableCountAndComment() throws SQLException {
        try (Connection c = connect(db.name())) {
            List<SchemaInfo> schemas = new Catalog(c).schemas(false);
            assertThat(schemas).extracting(SchemaInfo::name).containsExactly("Sales", "inventory", "public", "sales");
            Map<String, SchemaInfo> map = schemas.stream().collect(Collectors.toMap(SchemaInfo::name, Function.identity()));
            // orders, big_orders, order_totals, events; the two partitions are not counted
            assertThat(map.get("sales").tables()).isEqualTo(4);
            assertThat(map.get("sales").comment()).isEqualTo("Sales data");
            assertThat(map.get("sales").owner()).isEqualTo(SERVER.superuser());
            // items, the oddly named table, remote_stock; not the partitions events_2025*, the index or the sequence
            assertThat(map.get("inventory").tables()).isEqualTo(3);
            assertThat(map.get("inventory").comment()).isNull();
            assertThat(map.get("Sales").owner()).isEqualTo(owner.name());
            assertThat(map.get("Sales").tables()).isEqualTo(1);

            List<String> all = new Catalog(c).schemas(true).stream().map(SchemaInfo::name).toList();
            assertThat(all).contains("pg_catalog", "information_schema", "sales", "Sales");
        }
    }

    @Test
    void tablesListEveryKindWithPartitionsFoldedUnderTheirParent() throws SQLException {
        try (Connection c = connect(db.name())) {
            Catalog catalog = new Catalog(c);
            List<TableInfo> sales = catalog.tables("sales", false);
            assertThat(sales).extracting(TableInfo::name).containsExactly("big_orders", "events", "order_totals", "orders");
            Map<String, TableInfo> t = byName(sales);

            TableInfo orders = t.get("sales.orders");
            assertThat(orders.kind()).isEqualTo(TableKind.TABLE);
            assertThat(orders.owner()).isEqualTo(SERVER.superuser());
            assertThat(orders.estimatedRows()).isEqualTo(30L);
            assertThat(orders.sizeBytes()).isGreaterThan(8192L);
            assertThat(orders.partitions()).isNull();
            assertThat(orders.comment()).isEqualTo("All orders");

            TableInfo view = t.get("sales.big_orders");
            assertThat(view.kind()).isEqualTo(TableKind.VIEW);
            assertThat(view.estimatedRows()).isNull();
            assertThat(view.sizeBytes()).isNull();
            assertThat(view.comment()).isEqualTo("Orders over 20");

            TableInfo matview = t.get("sales.order_totals");
            assertThat(matview.kind()).isEqualTo(TableKind.MATERIALIZED_VIEW);
            assertThat(matview.estimatedRows()).isEqualTo(2L);
            assertThat(matview.sizeBytes()).isPositive();

            TableInfo events = t.get("sales.events");
            assertThat(events.kind()).isEqualTo(TableKind.PARTITIONED_TABLE);
            assertThat(events.partitions()).as("direct partitions, one of them partitioned itself").isEqualTo(3);
            assertThat(events.estimatedRows()).as("sum over the four leaves").isEqualTo(10L + 20 + 5 + 7);
            long leafBytes = 0;
            for (String leaf : List.of("sales.events_2023", "sales.events_2024", "inventory.events_2025_a", "inventory.events_2025_b")) {
                leafBytes += totalRelationSize(c, leaf);
            }
            assertThat(events.sizeBytes()).isEqualTo(leafBytes).isPositive();
            assertThat(events.comment()).isEqualTo("Partitioned by year");

            Map<String, TableInfo> inventory = byName(catalog.tables("inventory", false));
            assertThat(inventory.keySet()).containsExactlyInAnyOrder("inventory.items", "inventory.remote_stock",
                    "inventory.x\"; DROP TABLE sales.orders; --");
            TableInfo foreign = inventory.get("inventory.remote_stock");
            assertThat(foreign.kind()).isEqualTo(TableKind.FOREIGN_TABLE);
            assertThat(foreign.sizeBytes()).isNull();
            assertThat(foreign.comment()).isEqualTo("Stock in the warehouse");

            TableInfo mixed = catalog.tables("Sales", false).get(0);
            assertThat(mixed.qualifiedName()).isEqualTo(QualifiedName.of("Sales", "Orders"));
            assertThat(mixed.owner()).isEqualTo(owner.name());
            assertThat(mixed.estimatedRows()).isEqualTo(2L);
        }
    }

    // PostgreSQL 12 and 13 mark a never-analyzed table with reltuples 0 (and relpages 0), not -1: it read as 0 rows
    @Test
    void aNeverAnalyzedTableHasNoRowEstimateOnEveryVersion() throws SQLException {
        String schema = TestingPostgres.uniqueName("fresh");
        try (Connection c = connect(db.name()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            try {
                s.execute("CREATE TABLE " + schema + ".never_analyzed WITH (autovacuum_enabled = false) AS "
                        + "SELECT g AS id FROM generate_series(1, 500) g");
                s.execute("CREATE TABLE " + schema + ".analyzed_empty (id int)");
                s.execute("CREATE TABLE " + schema + ".analyzed (id int)");
                s.execute("INSERT INTO " + schema + ".analyzed SELECT generate_series(1, 40)");
                s.execute("ANALYZE " + schema + ".analyzed_empty, " + schema + ".analyzed");
                Map<String, TableInfo> t = byName(new Catalog(c).tables(schema, false));
                assertThat(t.get(schema + ".never_analyzed").estimatedRows()).isNull();
                assertThat(t.get(schema + ".never_analyzed").sizeBytes()).isPositive();
                assertThat(t.get(schema + ".analyzed").estimatedRows()).isEqualTo(40L);
                // before 14 an analyzed empty table cannot be told from a never-analyzed one
                assertThat(t.get(schema + ".analyzed_empty").estimatedRows())
                        .isEqualTo(SERVER.majorVersion() >= 14 ? Long.valueOf(0) : null);
            }
            finally {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static long totalRelationSize(Connection c, String table) throws SQLException {
        try (var ps = c.prepareStatement("SELECT pg_total_relation_size(?::regclass)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void tablesOfEverySchemaLeaveOutPostgresOwnUnlessAsked() throws SQLException {
        try (Connection c = connect(db.name())) {
            Catalog catalog = new Catalog(c);
            List<TableInfo> user = catalog.tables(null, false);
            assertThat(user).extracting(TableInfo::schema).doesNotContain("pg_catalog", "information_schema");
            assertThat(user).extracting(t -> t.schema() + "." + t.name())
                    .contains("Sales.Orders", "public.orders", "sales.events", "inventory.remote_stock")
                    .doesNotContain("sales.events_2023", "inventory.events_2025", "inventory.events_2025_a");
            assertThat(user).hasSize(4 + 3 + 1 + 1);

            List<TableInfo> all = catalog.tables(null, true);
            assertThat(all).extracting(t -> t.schema() + "." + t.name()).contains("pg_catalog.pg_class", "information_schema.tables");
            // a system schema asked for by name is listed without the flag
            assertThat(catalog.tables("pg_catalog", false)).extracting(TableInfo::name).contains("pg_class");
        }
    }

    @Test
    void listingASchemaIsOneQuery() throws SQLException {
        try (Connection c = connect(db.name())) {
            AtomicInteger statements = new AtomicInteger();
            Catalog catalog = new Catalog(counting(c, statements));
            assertThat(catalog.tables("sales", false)).hasSize(4);
            assertThat(statements.get()).isEqualTo(1);
            statements.set(0);
            assertThat(catalog.tables(null, false)).isNotEmpty();
            assertThat(statements.get()).isEqualTo(1);
            statements.set(0);
            assertThat(catalog.schemas(false)).isNotEmpty();
            assertThat(statements.get()).isEqualTo(1);
        }
    }

    /** A connection that counts the statements prepared or created on it. */
    static Connection counting(Connection target, AtomicInteger statements) {
        return (Connection) Proxy.newProxyInstance(CatalogIT.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") || method.getName().equals("createStatement")
                            || method.getName().equals("prepareCall")) {
                        statements.incrementAndGet();
                    }
                    try {
                        return method.invoke(target, args);
                    }
                    catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aMissingSchemaGetsTheClosestNames() throws SQLException {
        try (Connection c = connect(db.name())) {
            Catalog catalog = new Catalog(c);
            PgBridgeException typo = catchThrowableOfType(PgBridgeException.class, () -> catalog.tables("sale", false));
            assertThat(typo.code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(typo.getMessage()).isEqualTo("schema sale does not exist");
            assertThat(typo.hint()).startsWith("did you mean sales").contains("\"Sales\"");

            PgBridgeException upper = catchThrowableOfType(PgBridgeException.class, () -> catalog.tables("SALES", false));
            assertThat(upper.getMessage()).isEqualTo("schema \"SALES\" does not exist");
            assertThat(upper.hint()).startsWith("did you mean \"Sales\" or sales?").contains("single quotes");

            PgBridgeException none = catchThrowableOfType(PgBridgeException.class, () -> catalog.tables("zzzzzzzz", false));
            assertThat(none.hint()).doesNotContain("did you mean").contains("pgbridge schemas");

            // an empty schema is not a missing one
            assertThat(catalog.tables("public", false)).extracting(TableInfo::name).containsExactly("orders");
        }
    }

    @Test
    void columnsGiveTypesAsPostgresPrintsThemNullabilityDefaultsKeyAndComment() throws SQLException {
        try (Connection c = connect(db.name())) {
            List<ColumnInfo> columns = new Catalog(c).columns(QualifiedName.parse("sales.orders"));
            assertThat(columns).extracting(ColumnInfo::name).containsExactly("region", "id", "status", "amount",
                    "total", "note", "tags", "matrix", "created_at", "code");
            assertThat(columns).extracting(ColumnInfo::type).containsExactly("text", "bigint", "sales.status",
                    "numeric(10,2)", "sales.positive_amount", "character varying(20)", "text[]", "integer[]",
                    "timestamp with time zone", "character(3)");
            // the dropped column leaves a gap, as in information_schema.columns.ordinal_position
            assertThat(columns).extracting(ColumnInfo::position).containsExactly(1, 2, 3, 4, 6, 7, 8, 9, 10, 11);
            Map<String, ColumnInfo> m = columns.stream().collect(Collectors.toMap(ColumnInfo::name, Function.identity()));
            assertThat(m.get("region").primaryKey()).isTrue();
            assertThat(m.get("id").primaryKey()).isTrue();
            assertThat(m.get("status").primaryKey()).isFalse();
            assertThat(m.get("region").nullable()).isFalse();
            assertThat(m.get("amount").nullable()).isTrue();
            assertThat(m.get("status").defaultValue()).isEqualTo("'new'::sales.status");
            assertThat(m.get("note").defaultValue()).isEqualTo("'n/a'::character varying");
            assertThat(m.get("created_at").defaultValue()).isEqualTo("now()");
            assertThat(m.get("amount").defaultValue()).isNull();
            assertThat(m.get("amount").comment()).isEqualTo("Net amount");
            assertThat(m.get("id").comment()).isNull();
        }
    }

    @Test
    void identityAndGeneratedColumnsShowTheirClauseAsDefault() throws SQLException {
        try (Connection c = connect(db.name())) {
            List<ColumnInfo> columns = new Catalog(c).columns(QualifiedName.parse("inventory.items"));
            Map<String, ColumnInfo> m = columns.stream().collect(Collectors.toMap(ColumnInfo::name, Function.identity()));
            assertThat(m.get("id").defaultValue()).isEqualTo("generated always as identity");
            assertThat(m.get("id").nullable()).isFalse();
            assertThat(m.get("id").primaryKey()).isTrue();
            assertThat(m.get("stock_value").defaultValue()).startsWith("generated always as (").contains("price").endsWith(") stored");
            assertThat(m.get("stock_value").type()).isEqualTo("numeric");
        }
    }

    @Test
    void mixedCaseNamesAreTakenAsPostgresTakesThem() throws SQLException {
        try (Connection c = connect(db.name())) {
            Catalog catalog = new Catalog(c);
            assertThat(catalog.resolve(QualifiedName.parse("\"Sales\".\"Orders\""))).isEqualTo(QualifiedName.of("Sales", "Orders"));
            List<ColumnInfo> columns = catalog.columns(QualifiedName.parse("\"Sales\".\"Orders\""));
            assertThat(columns).extracting(ColumnInfo::name).containsExactly("Id", "Customer Name");
            assertThat(columns.get(0).primaryKey()).isTrue();
            // unquoted, the same text folds to another table
            assertThat(catalog.resolve(QualifiedName.parse("Sales.Orders"))).isEqualTo(QualifiedName.of("sales", "orders"));
        }
    }

    @Test
    void anUnqualifiedNameFollowsTheSearchPath() throws SQLException {
        try (Connection c = connect(db.name()); Statement s = c.createStatement()) {
            Catalog catalog = new Catalog(c);
            QualifiedName orders = QualifiedName.parse("orders");
            assertThat(catalog.resolve(orders)).isEqualTo(QualifiedName.of("public", "orders"));
            s.execute("SET search_path = sales, public");
            assertThat(catalog.resolve(orders)).isEqualTo(QualifiedName.of("sales", "orders"));
            assertThat(catalog.columns(orders)).hasSize(10);
            s.execute("SET search_path = inventory, public");
            assertThat(catalog.resolve(orders)).isEqualTo(QualifiedName.of("public", "orders"));
            // pg_catalog is searched first even when the path does not name it
            assertThat(catalog.resolve(QualifiedName.parse("pg_class"))).isEqualTo(QualifiedName.of("pg_catalog", "pg_class"));
            // and the session's temporary schema before everything
            s.execute("CREATE TEMP TABLE orders (x int)");
            QualifiedName temp = catalog.resolve(orders);
            assertThat(temp.schema()).startsWith("pg_temp_");
            assertThat(catalog.columns(orders)).extracting(ColumnInfo::name).containsExactly("x");
        }
    }

    @Test
    void aMissingTableGetsDidYouMeanFromTheCatalog() throws SQLException {
        try (Connection c = connect(db.name())) {
            Catalog catalog = new Catalog(c);
            PgBridgeException typo = catchThrowableOfType(PgBridgeException.class,
                    () -> catalog.resolve(QualifiedName.parse("sales.ordrs")));
            assertThat(typo.code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(typo.getMessage()).isEqualTo("table sales.ordrs does not exist");
            assertThat(typo.hint()).startsWith("did you mean sales.orders");

            PgBridgeException noSchema = catchThrowableOfType(PgBridgeException.class,
                    () -> catalog.columns(QualifiedName.parse("sals.orders")));
            assertThat(noSchema.getMessage()).isEqualTo("table sals.orders does not exist: there is no schema sals");
            assertThat(noSchema.hint()).startsWith("did you mean sales.orders");

            // unqualified: the search path (public) is named; the exact case first, then the visible table, others qualified
            PgBridgeException unqualified = catchThrowableOfType(PgBridgeException.class,
                    () -> catalog.resolve(QualifiedName.parse("\"Orders\"")));
            assertThat(unqualified.getMessage()).isEqualTo("table \"Orders\" does not exist in any schema of the search_path (public)");
            assertThat(unqualified.hint()).isEqualTo("did you mean \"Sales\".\"Orders\", orders or sales.orders?"
                    + " (double quotes keep the case of a name; in a shell, put the whole name in single quotes: '\"Sales\".\"Orders\"')");

            // the usual mistake: unquoted mixed case folds, the table kept its case
            PgBridgeException folded = catchThrowableOfType(PgBridgeException.class,
                    () -> catalog.resolve(QualifiedName.parse("\"Sales\".orders")));
            assertThat(folded.hint()).startsWith("did you mean \"Sales\".\"Orders\"");

            PgBridgeException nothingClose = catchThrowableOfType(PgBridgeException.class,
                    () -> catalog.resolve(QualifiedName.parse("sales.qqqqqqqqqqqq")));
            assertThat(nothingClose.hint()).doesNotContain("did you mean").contains("pgbridge tables --schema sales");

            PgBridgeException index = catchThrowableOfType(PgBridgeException.class,
                    () -> catalog.resolve(QualifiedName.parse("inventory.items_sku_idx")));
            assertThat(index.getMessage()).isEqualTo("inventory.items_sku_idx is an index, not a table or view");
            PgBridgeException sequence = catchThrowableOfType(PgBridgeException.class,
                    () -> catalog.preview(QualifiedName.parse("inventory.ticket_seq"), 1));
            assertThat(sequence.getMessage()).contains("is a sequence");
        }
    }

    @Test
    void previewReadsTheFirstRowsAsTextWithTheLimitBound() throws SQLException {
        try (Connection c = connect(db.name())) {
            Catalog catalog = new Catalog(c);
            TablePreview five = catalog.preview(QualifiedName.parse("sales.orders"), 5);
            assertThat(five.table()).isEqualTo(QualifiedName.of("sales", "orders"));
            assertThat(five.columns()).containsExactly("region", "id", "status", "amount", "total", "note", "tags",
                    "matrix", "created_at", "code");
            assertThat(five.types()).startsWith("text", "int8");
            assertThat(five.rows()).hasSize(5);
            assertThat(catalog.preview(QualifiedName.parse("sales.orders"), 100).rows()).hasSize(30);
            TablePreview none = catalog.preview(QualifiedName.parse("sales.orders"), 0);
            assertThat(none.rows()).isEmpty();
            assertThat(none.columns()).hasSize(10);

            TablePreview mixed = catalog.preview(QualifiedName.parse("\"Sales\".\"Orders\""), 20);
            assertThat(mixed.columns()).containsExactly("Id", "Customer Name");
            assertThat(mixed.rows()).containsExactlyInAnyOrder(List.of("1", "Ada"), java.util.Arrays.asList("2", null));

            List<String> viewRow = catalog.preview(QualifiedName.parse("sales.big_orders"), 1).rows().get(0);
            assertThat(viewRow).hasSize(3);
            assertThat(new java.math.BigDecimal(viewRow.get(2))).isGreaterThan(java.math.BigDecimal.valueOf(20));

            TablePreview arrays = catalog.preview(QualifiedName.parse("sales.orders"), 1);
            assertThat(arrays.rows().get(0).get(6)).isEqualTo("{a,b}");
            assertThat(arrays.rows().get(0).get(7)).isEqualTo("{{1,2},{3,4}}");
        }
    }

    @Test
    void previewQuotesTheNameSoItCannotInject() throws SQLException {
        try (Connection c = connect(db.name())) {
            Catalog catalog = new Catalog(c);
            QualifiedName odd = QualifiedName.of("inventory", "x\"; DROP TABLE sales.orders; --");
            assertThat(catalog.preview(odd, 5).rows()).containsExactly(List.of("still here"));
            assertThat(catalog.resolve(QualifiedName.parse("sales.orders"))).isEqualTo(QualifiedName.of("sales", "orders"));
        }
    }

    /** The scale target: 10,000 tables in one schema list in one query, in seconds. */
    @Test
    @Timeout(600)
    void tenThousandTablesListInOneQuery() throws SQLException {
        try (TestDatabase big = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_catalog_10k"), null)) {
            long createStart = System.nanoTime();
            // 1,000 tables per transaction: one transaction creating 10,000 would exhaust max_locks_per_transaction
            SERVER.executeIn(big.name(), "CREATE SCHEMA bulk");
            for (int from = 1; from <= 10_000; from += 1_000) {
                SERVER.executeIn(big.name(), """
                        DO $$
                        BEGIN
                            FOR i IN ${from}..${to} LOOP
                                EXECUTE format('CREATE TABLE bulk.%1$I (id int PRIMARY KEY, note text); COMMENT ON TABLE bulk.%1$I IS %2$L',
                                               't_' || lpad(i::text, 5, '0'), 'table number ' || i);
                            END LOOP;
                        END
                        $$
                        """.replace("${from}", Integer.toString(from)).replace("${to}", Integer.toString(from + 999)));
            }
            long createMillis = (System.nanoTime() - createStart) / 1_000_000;
            try (Connection c = connect(big.name())) {
                AtomicInteger statements = new AtomicInteger();
                Catalog catalog = new Catalog(counting(c, statements));
                long start = System.nanoTime();
                List<TableInfo> tables = catalog.tables("bulk", false);
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("CatalogIT: listed %,d tables in %,d ms with %d query (created them in %,d ms) on PostgreSQL %d%n",
                        tables.size(), millis, statements.get(), createMillis, SERVER.majorVersion());
                assertThat(tables).hasSize(10_000);
                assertThat(statements.get()).isEqualTo(1);
                assertThat(tables.get(0).name()).isEqualTo("t_00001");
                assertThat(tables.get(9_999).name()).isEqualTo("t_10000");
                assertThat(tables).allSatisfy(t -> {
                    assertThat(t.kind()).isEqualTo(TableKind.TABLE);
                    assertThat(t.sizeBytes()).as("pg_total_relation_size of an empty table with its index").isPositive();
                    assertThat(t.comment()).isEqualTo("table number " + Integer.parseInt(t.name().substring(2)));
                });

                long allStart = System.nanoTime();
                List<SchemaInfo> schemas = catalog.schemas(false);
                assertThat(schemas).filteredOn(s -> s.name().equals("bulk")).singleElement()
                        .extracting(SchemaInfo::tables).isEqualTo(10_000);
                System.out.printf("CatalogIT: schemas in %,d ms%n", (System.nanoTime() - allStart) / 1_000_000);
            }
        }
    }
}
