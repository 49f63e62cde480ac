package dev.pgbridge.transfer;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transfers between two databases on the test server. */
@Timeout(120)
class TransferIT {
    private static final String TYPES = """
            (id int PRIMARY KEY, n numeric(12,2) NOT NULL, f double precision, t text, b bytea, j jsonb,
             ts timestamptz, d date, iv interval, ia int[], ta text[][], u uuid, mood mood)""";
    private static final String ROWS = """
            INSERT INTO src VALUES
              (1, 1.50, 'NaN', 'é日本🔑 tab\t', '\\x00ff', '{"a": [1, null]}', '2024-01-02 03:04:05.123456+00', 'infinity',
               '1 year -2 days 03:00:00', '{1,NULL,3}', '{{a,b},{"",NULL}}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'sad'),
              (2, -0.01, '-Infinity', '', '', 'null', '-infinity', '0044-03-15 BC', '0', '{}', '{}', NULL, NULL),
              (3, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""";

    private static TestingPostgres server;
    private static TestDatabase sourceDb;
    private static TestDatabase targetDb;
    private static TableTransfer transfer;

    @BeforeAll
    static void databases() {
        server = TestingPostgres.get();
        sourceDb = server.createDatabase(TestingPostgres.uniqueName("transfer_src"), null);
        targetDb = server.createDatabase(TestingPostgres.uniqueName("transfer_dst"), null);
        for (TestDatabase db : List.of(sourceDb, targetDb)) {
            server.executeIn(db.name(), "CREATE TYPE mood AS ENUM ('happy', 'sad')");
        }
        transfer = new TableTransfer(config("src", sourceDb), config("dst", targetDb));
    }

    @AfterAll
    static void dropDatabases() {
        sourceDb.close();
        targetDb.close();
    }

    @BeforeEach
    void sourceTable() {
        server.executeIn(sourceDb.name(), "CREATE TABLE src " + TYPES);
        server.executeIn(sourceDb.name(), ROWS);
    }

    @AfterEach
    void dropTables() {
        server.executeIn(sourceDb.name(), "DROP TABLE IF EXISTS src");
        server.executeIn(targetDb.name(), "DROP TABLE IF EXISTS dst, \"Target\".\"Orders\"");
        server.executeIn(targetDb.name(), "DROP SCHEMA IF EXISTS \"Target\"");
    }

    private static ConnectionConfig config(String id, TestDatabase db) {
        return ConnectionConfig.builder().connId(id).host(server.host()).port(server.port()).database(db.name())
                .login(server.superuser()).password(server.superuserPassword()).extra(Map.of("sslmode", "disable")).build();
    }

    private static List<String> rows(TestDatabase db, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(db.name()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static List<String> content(TestDatabase db, String table) throws Exception {
        return rows(db, "SELECT whole_row::text FROM " + table + " whole_row ORDER BY 1");
    }

    @Test
    void createMakesTheTargetWithTypesNullabilityAndPrimaryKey() throws Exception {
        TransferResult result = transfer.run(TransferOptions.of(new TransferSource.Table("src"), "dst").withCreate(true));
        assertThat(result.rows()).isEqualTo(3);
        assertThat(result.binary()).as("an enum is not built in: its binary form names its type's oid").isFalse();
        assertThat(result.createdTable()).isEqualTo("CREATE TABLE \"public\".\"dst\" (\n"
                + "    \"id\" integer NOT NULL,\n    \"n\" numeric(12,2) NOT NULL,\n    \"f\" double precision,\n"
                + "    \"t\" text,\n    \"b\" bytea,\n    \"j\" jsonb,\n    \"ts\" timestamp with time zone,\n"
                + "    \"d\" date,\n    \"iv\" interval,\n    \"ia\" integer[],\n    \"ta\" text[],\n    \"u\" uuid,\n"
                + "    \"mood\" mood,\n    PRIMARY KEY (\"id\")\n)");
        assertThat(content(targetDb, "dst")).isEqualTo(content(sourceDb, "src")).hasSize(3);
        assertThat(rows(targetDb, "SELECT string_agg(attname || ':' || attnotnull, ',' ORDER BY attnum) FROM pg_attribute "
                + "WHERE attrelid = 'dst'::regclass AND attnum > 0")).containsExactly(
                "id:true,n:true,f:false,t:false,b:false,j:false,ts:false,d:false,iv:false,ia:false,ta:false,u:false,mood:false");
        assertThat(rows(targetDb, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'dst'::regclass "
                + "AND contype = 'p'")).containsExactly("PRIMARY KEY (id)");
    }

    @Test
    void builtInTypesGoThroughBinaryFormat() throws Exception {
        String columns = "id, n, f, t, b, j, ts, d, iv, ia, ta, u";
        TransferResult result = transfer.run(TransferOptions.of(new TransferSource.Query("SELECT " + columns + " FROM src"), "dst")
                .withCreate(true));
        assertThat(result.binary()).isTrue();
        assertThat(result.rows()).isEqualTo(3);
        assertThat(result.bytes()).isPositive();
        assertThat(rows(targetDb, "SELECT x::text FROM (SELECT " + columns + " FROM dst) x ORDER BY 1"))
                .isEqualTo(rows(sourceDb, "SELECT x::text FROM (SELECT " + columns + " FROM src) x ORDER BY 1")).hasSize(3);
    }

    @Test
    void differentTypesOnTheTargetGoThroughTextFormat() throws Exception {
        server.executeIn(targetDb.name(), "CREATE TABLE dst (id bigint, n text, t varchar(40), extra text DEFAULT 'x')");
        TransferResult result = transfer.run(TransferOptions.of(new TransferSource.Query("SELECT id, n, t FROM src;"), "dst"));
        assertThat(result.binary()).isFalse();
        assertThat(result.rows()).isEqualTo(3);
        assertThat(content(targetDb, "dst")).containsExactly("(1,1.50,\"é日本🔑 tab\t\",x)", "(2,-0.01,\"\",x)", "(3,0.00,,x)");
    }

    @Test
    void aQueryCanCreateItsTargetUnderAMixedCaseName() throws Exception {
        server.executeIn(targetDb.name(), "CREATE SCHEMA \"Target\"");
        TransferResult result = transfer.run(TransferOptions.of(
                new TransferSource.Query("SELECT id AS \"Id\", n * 2 AS doubled, ta FROM src WHERE id < 3"),
                "\"Target\".\"Orders\"").withCreate(true));
        assertThat(result.target()).isEqualTo("\"Target\".\"Orders\"");
        assertThat(result.createdTable()).isEqualTo("CREATE TABLE \"Target\".\"Orders\" (\n"
                + "    \"Id\" integer,\n    \"doubled\" numeric,\n    \"ta\" text[]\n)");
        assertThat(content(targetDb, "\"Target\".\"Orders\"")).containsExactly("(1,3.00,\"{{a,b},{\"\"\"\",NULL}}\")", "(2,-0.02,{})");
    }

    @Test
    void upsertMergesOnTheKey() throws Exception {
        server.executeIn(targetDb.name(), "CREATE TABLE dst (id int PRIMARY KEY, t text)");
        server.executeIn(targetDb.name(), "INSERT INTO dst VALUES (1, 'old'), (99, 'kept')");
        TransferResult result = transfer.run(TransferOptions.of(new TransferSource.Query("SELECT id, t FROM src"), "dst")
                .withUpsertKey(List.of("id")));
        assertThat(result.merged()).isEqualTo(3);
        assertThat(content(targetDb, "dst")).containsExactly("(1,\"é日本🔑 tab\t\")", "(2,\"\")", "(3,)", "(99,kept)");
    }

    @Test
    void createFromAQueryWithAnUpsertKeyMakesItThePrimaryKey() throws Exception {
        TransferOptions options = TransferOptions.of(new TransferSource.Query("SELECT id, t FROM src WHERE id <= 2"), "dst")
                .withCreate(true).withUpsertKey(List.of("id"));
        TransferResult first = transfer.run(options);
        assertThat(first.createdTable()).isEqualTo("CREATE TABLE \"public\".\"dst\" (\n    \"id\" integer NOT NULL,\n"
                + "    \"t\" text,\n    PRIMARY KEY (\"id\")\n)");
        TransferResult again = transfer.run(options);
        assertThat(again.created()).isFalse();
        assertThat(again.merged()).isEqualTo(2);
        assertThat(content(targetDb, "dst")).hasSize(2);
    }

    @Test
    void aSourceFailureRollsTheTargetBackAndSaysItWasTheSource() throws Exception {
        server.executeIn(targetDb.name(), "CREATE TABLE dst (id int PRIMARY KEY, t text)");
        server.executeIn(targetDb.name(), "INSERT INTO dst VALUES (99, 'kept')");
        assertThatThrownBy(() -> transfer.run(TransferOptions.of(new TransferSource.Query("SELECT id, t FROM no_such_table"), "dst")
                .withTruncate(true)))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.getMessage()).startsWith("the source 'src' (" + server.host() + ":" + server.port() + "/"
                            + sourceDb.name() + ") failed: relation \"no_such_table\" does not exist");
                    assertThat(e.hint()).contains("the target was rolled back");
                });
        // fails after 5,000 rows were already streamed into the (truncated) target
        assertThatThrownBy(() -> transfer.run(TransferOptions.of(new TransferSource.Query(
                "SELECT i AS id, (1 / (5001 - i))::text AS t FROM generate_series(1, 10000) AS i"), "dst").withTruncate(true)))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.getMessage()).startsWith("the source 'src'").contains("division by zero");
                    assertThat(e.hint()).contains("nothing was written to \"public\".\"dst\"");
                });
        assertThat(content(targetDb, "dst")).containsExactly("(99,kept)");
    }

    @Test
    void aTargetFailureRollsBackAndNamesTheRowOfTheSource() throws Exception {
        server.executeIn(targetDb.name(), "CREATE TABLE dst (id int PRIMARY KEY CHECK (id <> 7000), t text)");
        server.executeIn(targetDb.name(), "INSERT INTO dst VALUES (-1, 'kept')");
        assertThatThrownBy(() -> transfer.run(TransferOptions.of(new TransferSource.Query(
                "SELECT i AS id, 'row ' || i AS t FROM generate_series(1, 20000) AS i"), "dst").withTruncate(true)))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATA);
                    assertThat(e.getMessage()).startsWith("the target 'dst' (").contains("failed: row 7000 of the source: "
                            + "new row for relation \"dst\" violates check constraint");
                    assertThat(e.hint()).contains("the target was rolled back");
                });
        assertThatThrownBy(() -> transfer.run(TransferOptions.of(new TransferSource.Table("src"), "missing")))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).startsWith("the target 'dst'").contains("table missing does not exist");
                });
        assertThat(content(targetDb, "dst")).containsExactly("(-1,kept)");
    }

    @Test
    void aFailedCreateLeavesNoTable() throws Exception {
        assertThatThrownBy(() -> transfer.run(TransferOptions.of(new TransferSource.Query(
                "SELECT 10 / (4 - i) AS id FROM generate_series(1, 5) AS i"), "dst").withCreate(true)))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.hint()).contains("the table was not created"));
        assertThat(rows(targetDb, "SELECT to_regclass('dst')::text")).containsExactly((String) null);
    }

    @Test
    void parallelCopyOfATableEqualsTheSingleSessionCopyInBinaryAndTextFormat() throws Exception {
        // fillfactor 10: 3,000 rows on some 400 pages, so every range holds rows
        server.executeIn(sourceDb.name(), """
                CREATE TABLE par_bin (id int PRIMARY KEY, t text, ts timestamptz, j jsonb) WITH (fillfactor = 10);
                INSERT INTO par_bin SELECT g, 'é日本 ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 s',
                       jsonb_build_object('g', g) FROM generate_series(1, 3000) g;
                CREATE TABLE par_txt (id int PRIMARY KEY, mood mood, t text) WITH (fillfactor = 10);
                INSERT INTO par_txt SELECT g, CASE WHEN g % 2 = 0 THEN 'sad'::mood END, 'a\tb,"c"' || g
                FROM generate_series(1, 3000) g""");
        try {
            for (String table : List.of("par_bin", "par_txt")) {
                TableTransfer parallel = new TableTransfer(config("src", sourceDb), config("dst", targetDb));
                TransferResult result = parallel.run(TransferOptions.of(new TransferSource.Table(table), table)
                        .withCreate(true).withParallel(3));
                assertThat(result.binary()).as(table).isEqualTo(table.equals("par_bin"));
                assertThat(result.rows()).isEqualTo(3000);
                assertThat(parallel.lastPlan()).startsWith("3 sessions in one snapshot, split by "
                        + (server.majorVersion() >= 14 ? "heap pages" : "key"));
                assertThat(content(targetDb, table)).isEqualTo(content(sourceDb, table)).hasSize(3000);
            }
            // a row the target rejects, in the last range: the whole target rolls back
            server.executeIn(targetDb.name(), "TRUNCATE par_bin; ALTER TABLE par_bin ADD CHECK (id <> 2900); "
                    + "INSERT INTO par_bin (id, t) VALUES (-1, 'kept')");
            assertThatThrownBy(() -> transfer.run(TransferOptions.of(new TransferSource.Table("par_bin"), "par_bin")
                    .withParallel(3)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.getMessage()).startsWith("the target 'dst'").contains("violates check constraint");
                        assertThat(e.hint()).contains("the target was rolled back");
                    });
            assertThat(rows(targetDb, "SELECT id || ':' || t FROM par_bin")).containsExactly("-1:kept");
        }
        finally {
            server.executeIn(sourceDb.name(), "DROP TABLE par_bin, par_txt");
            server.executeIn(targetDb.name(), "DROP TABLE IF EXISTS par_bin, par_txt");
        }
    }
}
