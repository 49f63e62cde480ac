package dev.pgbridge.transfer;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

/** {@code copy -c "SELECT …" --create}: the new table's column types are the query's, exactly. */
@Timeout(120)
class TransferCreateTypesIT {
    private static TestingPostgres server;
    private static TestDatabase sourceDb;
    private static TestDatabase targetDb;
    private static TableTransfer transfer;

    @BeforeAll
    static void databases() {
        server = TestingPostgres.get();
        sourceDb = server.createDatabase(TestingPostgres.uniqueName("create_src"), null);
        targetDb = server.createDatabase(TestingPostgres.uniqueName("create_dst"), null);
        for (TestDatabase db : List.of(sourceDb, targetDb)) {
            server.executeIn(db.name(), """
                    CREATE TYPE mood AS ENUM ('happy', 'sad');
                    CREATE DOMAIN amount AS numeric(12,2) CHECK (VALUE >= 0);
                    """);
        }
        server.executeIn(sourceDb.name(), """
                CREATE TABLE t (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, s serial, bs bigserial, v varchar(20),
                    n numeric(10,2), ia int[], ta varchar(5)[], m mood, a amount, ts timestamptz(3), c char(4),
                    b bit(3), iv interval minute to second);
                INSERT INTO t (v, n, ia, ta, m, a, ts, c, b, iv) VALUES
                    ('é日本🔑', 12.50, '{{1,2},{3,NULL}}', '{a,NULL}', 'sad', 3.10, '2024-02-29 13:45:00.123456+00',
                     'ab', B'101', '1 minute 2.5 seconds');
                """);
        transfer = new TableTransfer(config("src", sourceDb), config("dst", targetDb));
    }

    @AfterAll
    static void dropDatabases() {
        sourceDb.close();
        targetDb.close();
    }

    private static ConnectionConfig config(String id, TestDatabase db) {
        return ConnectionConfig.builder().connId(id).host(server.host()).port(server.port()).database(db.name())
                .login(server.superuser()).password(server.superuserPassword()).extra(Map.of("sslmode", "disable")).build();
    }

    private static List<String> rows(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(targetDb.name()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    // an identity bigint column of a query was created as text (result metadata said bigserial, to_regtype gave NULL)
    @Test
    void aQueryCreatesItsTargetWithTheExactTypesOfItsColumns() throws Exception {
        TransferResult result = transfer.run(TransferOptions.of(new TransferSource.Query(
                "SELECT id, s, bs, v, n, ia, ta, m, a, ts, c, b, iv, n * 2 AS doubled FROM t"), "created").withCreate(true));
        assertThat(result.createdTable()).isEqualTo("CREATE TABLE \"public\".\"created\" (\n"
                + "    \"id\" bigint,\n    \"s\" integer,\n    \"bs\" bigint,\n    \"v\" character varying(20),\n"
                + "    \"n\" numeric(10,2),\n    \"ia\" integer[],\n    \"ta\" character varying(5)[],\n    \"m\" mood,\n"
                + "    \"a\" amount,\n    \"ts\" timestamp(3) with time zone,\n    \"c\" character(4),\n    \"b\" bit(3),\n"
                + "    \"iv\" interval minute to second,\n    \"doubled\" numeric\n)");
        assertThat(rows("SELECT pg_catalog.format_type(atttypid, atttypmod) FROM pg_catalog.pg_attribute "
                + "WHERE attrelid = 'created'::regclass AND attnum > 0 ORDER BY attnum")).containsExactly(
                "bigint", "integer", "bigint", "character varying(20)", "numeric(10,2)", "integer[]",
                "character varying(5)[]", "mood", "amount", "timestamp(3) with time zone", "character(4)", "bit(3)",
                "interval minute to second", "numeric");
        assertThat(rows("SELECT row(id, v, n, ia, m, a, ts AT TIME ZONE 'UTC', c, b, iv)::text FROM created"))
                .containsExactly("(1,é日本🔑,12.50,\"{{1,2},{3,NULL}}\",sad,3.10,\"2024-02-29 13:45:00.123\",\"ab  \",101,00:01:02.5)");
    }

    @Test
    void aColumnOfAPseudoTypeIsRefusedWithAHintNeverCreatedAsText() {
        assertThatThrownBy(() -> transfer.run(TransferOptions.of(new TransferSource.Query(
                "SELECT id, ROW(id, v) AS r FROM t"), "pseudo").withCreate(true)))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.getMessage()).contains("column \"r\"").contains("pseudo-type record");
                    assertThat(e.hint()).contains("cast it in the query");
                });
    }
}
