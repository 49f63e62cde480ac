package dev.pgbridge.query;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.doctor.TestTargets;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.testing.TestTable;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class QueryRunnerIT {
    private final TestingPostgres server = TestingPostgres.get();
    private final ConnectionConfig target = TestTargets.config(server.superuser(), server.superuserPassword(), "postgres");

    @Test
    void runsEveryStatementInOrderAndReturnsEachResult() {
        try (TestTable table = new TestTable(server, "postgres", "q_multi", "(id int PRIMARY KEY, \"Note\" text)");
             QueryRunner runner = QueryRunner.open(target)) {
            String t = table.name();
            List<StatementResult> results = runner.run(Query.of("""
                    INSERT INTO %1$s VALUES (1, 'a'), (2, 'b');
                    UPDATE %1$s SET "Note" = 'é日本🔑' WHERE id = 2;
                    SELECT id, "Note" FROM %1$s ORDER BY id;
                    DELETE FROM %1$s WHERE id = 1 RETURNING id;
                    CREATE TEMP TABLE scratch (x int)
                    """.formatted(t)));
            assertThat(results).hasSize(5);
            assertThat(((CountResult) results.get(0)).tag()).isEqualTo("INSERT 2");
            assertThat(((CountResult) results.get(1)).tag()).isEqualTo("UPDATE 1");
            RowsResult rows = (RowsResult) results.get(2);
            assertThat(rows.columns()).extracting(Column::name).containsExactly("id", "Note");
            assertThat(rows.rows()).containsExactly(Row.of("1", "a"), Row.of("2", "é日本🔑"));
            assertThat(((RowsResult) results.get(3)).rows()).containsExactly(Row.of("1"));
            assertThat(((CountResult) results.get(4)).tag()).isEqualTo("CREATE");
            assertThat(results.get(2).statement().line()).isEqualTo(3);
        }
    }

    @Test
    void statementsRunOneByOneSoEarlierOnesStayWhenALaterOneFails() {
        try (TestTable table = new TestTable(server, "postgres", "q_partial", "(id int PRIMARY KEY)");
             QueryRunner runner = QueryRunner.open(target)) {
            String t = table.name();
            assertThatThrownBy(() -> runner.run(Query.of("INSERT INTO " + t + " VALUES (1);\nINSERT INTO " + t + " VALUES (1)")))
                    .isInstanceOfSatisfying(QueryException.class, e -> {
                        assertThat(e.sqlState()).isEqualTo("23505");
                        assertThat(e.getMessage()).contains("duplicate key").contains("statement 2 (line 2)");
                        // the DETAIL names the row's values: kept out of the message (and so out of logs)
                        assertThat(e.getMessage()).doesNotContain("(id)=(1)");
                        assertThat(e.detail()).hasValueSatisfying(d -> assertThat(d).contains("(id)=(1)"));
                    });
            assertThat(((RowsResult) runner.run(Query.of("SELECT count(*) FROM " + t)).get(0)).rows()).containsExactly(Row.of("1"));
        }
    }

    @Test
    void parametersAreBoundAndTypedByPostgres() {
        try (QueryRunner runner = QueryRunner.open(target)) {
            RowsResult r = (RowsResult) runner.run(new Query("SELECT ? + 1 AS n, ?::date AS d, ?::text IS NULL AS missing, '{}'::jsonb ?? 'a' AS has",
                    Arrays.asList("41", "2024-02-29", null), null)).get(0);
            assertThat(r.rows()).containsExactly(Row.of("42", "2024-02-29", "t", "f"));
            // a value is never SQL: quotes in it stay data
            RowsResult quoted = (RowsResult) runner.run(new Query("SELECT ?::text", List.of("'); DROP TABLE x; --"), null)).get(0);
            assertThat(quoted.rows()).containsExactly(Row.of("'); DROP TABLE x; --"));
        }
    }

    @Test
    void parameterMistakesAreCaughtBeforeTheServer() {
        try (QueryRunner runner = QueryRunner.open(target)) {
            assertThatThrownBy(() -> runner.run(new Query("SELECT ?, ?", List.of("1"), null)))
                    .isInstanceOf(PgBridgeException.class).hasMessage("the statement has 2 parameter markers (?) but 1 value was given");
            assertThatThrownBy(() -> runner.run(new Query("SELECT 1; SELECT ?", List.of("1"), null)))
                    .isInstanceOf(PgBridgeException.class).hasMessageContaining("single statement");
            assertThatThrownBy(() -> runner.run(Query.of(" -- nothing\n")))
                    .isInstanceOf(PgBridgeException.class).hasMessageContaining("no statement");
        }
    }

    @Test
    void sqlErrorsCarryPositionAndHint() {
        try (TestTable table = new TestTable(server, "postgres", "q_err", "(id int, label text)");
             QueryRunner runner = QueryRunner.open(target)) {
            String sql = "SELECT 1;\nSELECT id,\n       labl FROM " + table.name();
            assertThatThrownBy(() -> runner.run(Query.of(sql))).isInstanceOfSatisfying(QueryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SQL_ERROR);
                assertThat(e.getMessage()).isEqualTo("column \"labl\" does not exist (SQLSTATE 42703) in statement 2 (line 2)");
                assertThat(e.hint()).contains("Perhaps you meant to reference the column").contains("label");
                assertThat(e.line()).isEqualTo(3);
                assertThat(e.column()).isEqualTo(8);
                assertThat(e.excerpt()).hasValue("LINE 3:        labl FROM " + table.name() + "\n" + " ".repeat(15) + "^");
            });
            // with parameters pgjdbc sends $1 for ?: the caret still points into the text as written
            assertThatThrownBy(() -> runner.run(new Query("SELECT ?::int, ?::int, nosuchcol", List.of("1", "2"), null)))
                    .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.excerpt())
                            .hasValue("LINE 1: SELECT ?::int, ?::int, nosuchcol\n" + " ".repeat(8 + 23) + "^"));
        }
    }

    @Test
    void timeoutIsEnforcedByTheServerAndLeavesNothingRunning() throws Exception {
        String marker = TestingPostgres.uniqueName("q_timeout");
        try (QueryRunner runner = QueryRunner.open(target)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> runner.run(Query.of("SELECT pg_sleep(30) /* " + marker + " */").withTimeout(Duration.ofMillis(500))))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                        assertThat(e.getMessage()).isEqualTo("statement 1 (line 1) ran longer than the timeout of 500ms and PostgreSQL canceled it");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(active(marker)).isZero();
            // the session's own timeout is back afterwards
            assertThat(((RowsResult) runner.run(Query.of("SHOW statement_timeout")).get(0)).rows()).containsExactly(Row.of("0"));
            assertThat(((RowsResult) runner.run(Query.of("SELECT 1")).get(0)).rows()).containsExactly(Row.of("1"));
        }
    }

    @Test
    void cancelFromAnotherThreadStopsTheStatementOnTheServer() throws Exception {
        String marker = TestingPostgres.uniqueName("q_cancel");
        try (QueryRunner runner = QueryRunner.open(target)) {
            CompletableFuture<List<StatementResult>> running = CompletableFuture.supplyAsync(
                    () -> runner.run(Query.of("SELECT pg_sleep(60) /* " + marker + " */; SELECT 2")));
            awaitActive(marker);
            long start = System.nanoTime();
            runner.cancel();
            assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CANCELED);
                        assertThat(e.getMessage()).isEqualTo("statement 1 (line 1) was canceled; PostgreSQL stopped it");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
            assertThat(active(marker)).isZero();
            // canceled for good: nothing more runs on it
            assertThatThrownBy(() -> runner.run(Query.of("SELECT 1"))).isInstanceOf(PgBridgeException.class)
                    .extracting(e -> ((PgBridgeException) e).code()).isEqualTo(ErrorCode.CANCELED);
        }
    }

    @Test
    void intervalsAreIso8601WhileTheSessionKeepsItsOwnStyle() {
        try (QueryRunner runner = QueryRunner.open(target)) {
            assertThat(((RowsResult) runner.run(Query.of("SELECT interval '1 day 02:00:00'")).get(0)).rows())
                    .containsExactly(Row.of("P1DT2H"));
        }
        try (Connection c = connect(); QueryRunner runner = QueryRunner.on(c, target)) {
            runner.run(Query.of("SELECT 1"));
            try (ResultSet rs = c.createStatement().executeQuery("SHOW IntervalStyle")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("postgres");
            }
        }
        catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void manyRunsOfTheSameSqlStayInTextFormat() {
        // pgjdbc switches a statement run 5 times to binary results; the values would then change form
        try (QueryRunner runner = QueryRunner.open(target)) {
            for (int i = 0; i < 8; i++) {
                RowsResult r = (RowsResult) runner.run(new Query("SELECT 1.5e300::float8, ?::int4", List.of("7"), null)).get(0);
                assertThat(r.rows()).as("run " + i).containsExactly(Row.of("1.5e+300", "7"));
            }
        }
    }

    private Connection connect() throws SQLException {
        return dev.pgbridge.connection.JdbcTarget.of(target).connect();
    }

    private int active(String marker) throws SQLException {
        try (Connection c = server.connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                     + "AND query LIKE ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, "%" + marker + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void awaitActive(String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (active(marker) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the statement never showed up in pg_stat_activity");
            }
            Thread.sleep(50);
        }
    }
}
