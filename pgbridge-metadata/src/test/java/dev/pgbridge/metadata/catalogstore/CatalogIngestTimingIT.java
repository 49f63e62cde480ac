package dev.pgbridge.metadata.catalogstore;

import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.workflow.Workflow;
import dev.pgbridge.metadata.workflow.WorkflowReader;
import dev.pgbridge.metadata.workflow.WorkflowRunner;
import dev.pgbridge.store.ConnectionResolver;
import dev.pgbridge.store.SqlConnectionStore;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.postgresql.ds.PGSimpleDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Not a test but a measurement (run with {@code -Dpgbridge.bench=true}): a whole {@code DatabaseMetadata} run of
 * 10,000 tables × 20 columns (10 schemas of 1,000) into the local catalog in the SQLite store, then the same run again
 * (nothing changed: every table skipped by its hash). Prints the times; asserts only that everything arrived.
 */
@EnabledIfSystemProperty(named = "pgbridge.bench", matches = "true")
@Timeout(900)
class CatalogIngestTimingIT {
    private static final TestingPostgres SERVER = TestingPostgres.get();
    private static final int SCHEMAS = 10;
    private static final int TABLES = 1_000;

    @TempDir
    Path home;

    @Test
    void tenThousandTablesOfTwentyColumns() {
        try (TestDatabase source = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_catbench"), null)) {
            long setup = System.nanoTime();
            for (int s = 0; s < SCHEMAS; s++) {
                SERVER.executeIn(source.name(), """
                        CREATE SCHEMA s%1$d;
                        DO $$
                        BEGIN
                          FOR i IN 1..%2$d LOOP
                            EXECUTE format('CREATE TABLE s%1$d.t%%s (id bigint PRIMARY KEY, c1 text, c2 integer,
                              c3 numeric(12,2), c4 timestamptz, c5 varchar(40), c6 boolean, c7 jsonb, c8 date,
                              c9 text, c10 bigint, c11 text, c12 integer, c13 numeric, c14 timestamp, c15 uuid,
                              c16 text[], c17 double precision, c18 smallint, c19 bytea)', i);
                            EXECUTE format('COMMENT ON TABLE s%1$d.t%%s IS %%L', i, 'table ' || i);
                          END LOOP;
                        END $$;
                        """.formatted(s, TABLES));
            }
            System.out.printf("setup: %d tables in %.1f s%n", SCHEMAS * TABLES, (System.nanoTime() - setup) / 1e9);
            String uri = "postgres://" + SERVER.superuser() + ":"
                    + URLEncoder.encode(SERVER.superuserPassword(), StandardCharsets.UTF_8) + "@" + SERVER.host() + ":"
                    + SERVER.port() + "/" + source.name();
            ConnectionResolver resolver = new ConnectionResolver(Map.of("AIRFLOW_CONN_BENCH", uri), () -> {
                throw new IllegalStateException("no connection store");
            });
            Workflow workflow = new WorkflowReader(Map.of()).read("""
                    source:
                      type: postgres
                      serviceName: bench
                      serviceConnection: {config: {type: Postgres, connection: bench, sslMode: disable}}
                      sourceConfig: {config: {type: DatabaseMetadata}}
                    """, "bench.yaml");
            try (SqlConnectionStore store = SqlConnectionStore.sqlite(home.resolve("pgbridge.db"), () -> {
                throw new IllegalStateException("no key needed");
            })) {
                for (String run : new String[]{"first run (all new)", "second run (unchanged)"}) {
                    long start = System.nanoTime();
                    WorkflowRunner.Result result = new WorkflowRunner(resolver, "default", store::database)
                            .run(workflow);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    assertThat(result.failed()).as(CatalogStoreContract.summary(result)).isFalse();
                    System.out.printf("%s: %d tables x 20 columns into the SQLite catalog in %.2f s%n", run,
                            SCHEMAS * TABLES, seconds);
                }
                assertThat(CatalogStore.open(store.database(), "default")
                        .tables(null, null, CatalogStore.StateFilter.ACTIVE)).hasSize(SCHEMAS * TABLES);
            }
        }
    }

    /**
     * The sink alone: 10,000 hand-built CreateTable requests of 20 columns, each with its size and row estimate, into a
     * fresh catalog and again, in SQLite and in the PostgreSQL store; wall and CPU time of the writing thread.
     */
    @Test
    void theSinkAloneIntoBothStores() {
        List<Requests.Request> requests = new ArrayList<>();
        requests.add(Requests.Request.put(new Requests.CreateDatabaseService("bench", "Postgres", Map.of())));
        requests.add(Requests.Request.put(new Requests.CreateDatabase("db", null, "bench")));
        for (int s = 0; s < SCHEMAS; s++) {
            requests.add(Requests.Request.put(new Requests.CreateDatabaseSchema("s" + s, null, "bench.db")));
            for (int t = 0; t < TABLES; t++) {
                List<Requests.Column> columns = new ArrayList<>();
                for (int c = 0; c < 20; c++) {
                    columns.add(new Requests.Column("c" + c, "VARCHAR", null, 40, null, null, "character varying(40)",
                            null, c == 0 ? "PRIMARY_KEY" : "NULL", c + 1));
                }
                requests.add(Requests.Request.put(new Requests.CreateTable("t" + t, "table " + t, "Regular", columns,
                        null, "bench.db.s" + s, null)));
                requests.add(Requests.Request.tableProfile("bench.db.s" + s + ".t" + t,
                        new Requests.CreateTableProfile(new Requests.TableProfile(1L, 10.0, 20, 8192.0))));
            }
        }
        try (SqlConnectionStore store = SqlConnectionStore.sqlite(home.resolve("sink.db"), () -> {
            throw new IllegalStateException("no key needed");
        })) {
            time(store, requests, "SQLite");
        }
        try (TestDatabase storeDb = SERVER.createDatabase(TestingPostgres.uniqueName("pgb_catbench_store"), null)) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(SERVER.jdbcUrl(storeDb.name()) + "?sslmode=disable");
            dataSource.setUser(SERVER.superuser());
            dataSource.setPassword(SERVER.superuserPassword());
            try (SqlConnectionStore store = SqlConnectionStore.postgres(dataSource, () -> {
                throw new IllegalStateException("no key needed");
            })) {
                time(store, requests, "the PostgreSQL store");
            }
        }
    }

    private static void time(SqlConnectionStore store, List<Requests.Request> requests, String where) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String run : new String[]{"new", "unchanged"}) {
            long start = System.nanoTime();
            long cpu = threads.getCurrentThreadCpuTime();
            try (CatalogSink sink = new CatalogSink(CatalogStore.open(store.database(), "default"), w -> { })) {
                requests.forEach(sink::send);
            }
            System.out.printf("sink alone (%s): %d tables x 20 columns into %s in %.2f s (%.2f s CPU)%n", run,
                    SCHEMAS * TABLES, where, (System.nanoTime() - start) / 1e9,
                    (threads.getCurrentThreadCpuTime() - cpu) / 1e9);
        }
    }
}
