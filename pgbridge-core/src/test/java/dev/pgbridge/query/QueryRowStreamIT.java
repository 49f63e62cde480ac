package dev.pgbridge.query;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.doctor.TestTargets;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(180)
class QueryRowStreamIT {
    private final TestingPostgres server = TestingPostgres.get();
    private final ConnectionConfig target = TestTargets.config(server.superuser(), server.superuserPassword(), "postgres");

    @Test
    void aMillionRowsComeInBatchesThroughAServerCursor() throws Exception {
        try (Connection c = JdbcTarget.of(target).connect()) {
            AtomicLong sum = new AtomicLong();
            List<Integer> sizes = new ArrayList<>();
            List<String> portals = new ArrayList<>();
            try (RowStream rows = RowStream.open(c, target, "SELECT g AS n, repeat('x', 50) AS pad FROM generate_series(1, 1000000) g",
                    List.of(), 10_000, null)) {
                assertThat(rows.columns()).extracting(Column::name).containsExactly("n", "pad");
                long handed = rows.forEachBatch(25_000, batch -> {
                    sizes.add(batch.size());
                    batch.forEach(r -> sum.addAndGet(Long.parseLong(r.get(0))));
                    if (portals.isEmpty()) {
                        portals.addAll(cursorsOf(c));
                    }
                });
                assertThat(handed).isEqualTo(1_000_000);
                assertThat(rows.rowCount()).isEqualTo(1_000_000);
            }
            assertThat(sum.get()).isEqualTo(500_000_500_000L);
            assertThat(sizes).hasSize(40).containsOnly(25_000);
            // the rows came through a named portal of the extended protocol (a cursor), not one big result;
            // the unnamed portal of the check itself is left out
            assertThat(portals).hasSize(1);
            // the connection is back in autocommit, outside any transaction
            assertThat(c.getAutoCommit()).isTrue();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_cursors WHERE name <> ''")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void aConnectionInTheCallersTransactionIsRefusedNotRolledBack() throws Exception {
        try (Connection c = JdbcTarget.of(target).connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE rs_mine (x int)");
            }
            assertThatThrownBy(() -> RowStream.open(c, target, "SELECT 1", List.of(), 10, null))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("autocommit");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM rs_mine")) {
                rs.next(); // the caller's transaction (and its table) is still there
                assertThat(rs.getInt(1)).isZero();
            }
            c.rollback();
        }
    }

    @Test
    void theStreamIsReadOnly() throws Exception {
        try (Connection c = JdbcTarget.of(target).connect()) {
            assertThatThrownBy(() -> RowStream.open(c, target, "CREATE TABLE q_never (x int)", List.of(), 100, null))
                    .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.sqlState()).isEqualTo("25006"));
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    @Test
    void parametersAndTimeout() throws Exception {
        try (Connection c = JdbcTarget.of(target).connect()) {
            List<Row> all = new ArrayList<>();
            try (RowStream rows = RowStream.open(c, target, "SELECT g FROM generate_series(1, ?::int) g", List.of("3"), 2, null)) {
                rows.forEachBatch(2, all::addAll);
            }
            assertThat(all).containsExactly(Row.of("1"), Row.of("2"), Row.of("3"));
            assertThatThrownBy(() -> {
                try (RowStream rows = RowStream.open(c, target, "SELECT pg_sleep(10)", List.of(), 2, java.time.Duration.ofMillis(200))) {
                    rows.forEachBatch(1, batch -> { });
                }
            }).isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
        }
    }

    @Test
    void aFailingConsumerStopsTheReaderAndLeavesTheConnectionUsable() throws Exception {
        String marker = TestingPostgres.uniqueName("rs_stop");
        try (Connection c = JdbcTarget.of(target).connect()) {
            AtomicLong seen = new AtomicLong();
            try (RowStream rows = RowStream.open(c, target, "SELECT g, '" + marker + "' FROM generate_series(1, 5000000) g",
                    List.of(), 1000, null)) {
                assertThatThrownBy(() -> rows.forEachBatch(1000, batch -> {
                    if (seen.addAndGet(batch.size()) >= 3000) {
                        throw new IllegalStateException("disk full");
                    }
                })).isInstanceOf(IllegalStateException.class).hasMessage("disk full");
            }
            assertThat(seen.get()).isEqualTo(3000);
            assertThat(c.getAutoCommit()).isTrue();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 42")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("pgbridge-row-reader"));
        }
    }

    @Test
    void enumsDomainsAndTheirArraysResolveWhileTheCursorIsOpen() throws Exception {
        String type = TestingPostgres.uniqueName("rs_mood");
        server.execute("CREATE TYPE " + type + " AS ENUM ('sad', 'happy'); CREATE DOMAIN " + type + "_amount AS numeric(6,2)");
        try (Connection c = JdbcTarget.of(target).connect()) {
            List<Row> all = new ArrayList<>();
            List<Column> columns;
            try (RowStream rows = RowStream.open(c, target, "SELECT ARRAY['sad', 'happy']::" + type + "[] AS moods, "
                    + "ARRAY[1.5]::" + type + "_amount[] AS amounts, 1.5::" + type + "_amount AS amount, "
                    + "interval '1 day 2 hours' AS span FROM generate_series(1, 3)", List.of(), 2, null)) {
                columns = rows.columns();
                rows.forEachBatch(2, all::addAll);
            }
            assertThat(columns).extracting(Column::typeName).containsExactly(type + "[]", type + "_amount[]", "numeric", "interval");
            assertThat(all).hasSize(3);
            assertThat(PgJson.toJsonText(columns.get(0).type(), all.get(0).get(0))).isEqualTo("[\"sad\",\"happy\"]");
            assertThat(PgJson.toJsonText(columns.get(1).type(), all.get(0).get(1))).isEqualTo("[1.50]");
            assertThat(all.get(0).get(3)).isEqualTo("P1DT2H");
        }
        finally {
            server.execute("DROP DOMAIN " + type + "_amount; DROP TYPE " + type);
        }
    }

    private static List<String> cursorsOf(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM pg_cursors WHERE name <> ''")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
        catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
