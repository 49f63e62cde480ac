package dev.pgbridge.metadata.lineage;

import dev.pgbridge.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API around the corpus: scripts, failures and their messages, statements without data flow, names. */
class SqlLineageTest {
    private final SqlLineage lineage = new SqlLineage(List.of("public"), ColumnCatalog.NONE);

    private static List<String> strings(java.util.Collection<?> values) {
        return values.stream().map(Object::toString).toList();
    }

    @Test
    void scriptIsSplitRespectingQuotesAndOneBadStatementNeverStopsTheRest() {
        List<SqlLineage.Result> results = lineage.analyzeScript("""
                CREATE TABLE a AS SELECT x, 'semi;colon' AS s FROM src;
                -- a comment; still one statement
                SELEC broken FROM;
                CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
                INSERT INTO b (y) SELECT x FROM a;
                """);

        assertThat(results).hasSize(4);
        assertThat(results.get(0).ok()).isTrue();
        assertThat(strings(results.get(0).lineage().tableEdges())).containsExactly("public.src -> public.a");
        assertThat(results.get(1).ok()).isFalse();
        assertThat(results.get(1).sql()).contains("SELEC broken FROM");
        assertThat(results.get(1).failure().getMessage()).startsWith("cannot parse '-- a comment; still one statement SELEC broken FROM': ");
        assertThat(results.get(2).ok()).isTrue();
        assertThat(strings(results.get(3).lineage().columnEdges())).containsExactly("public.a.x -> public.b.y");
    }

    @Test
    void failureNamesTheStatementStartAndWhyWithAHint() {
        String sql = "SELECT a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z FROM t WHERE ((";
        assertThatThrownBy(() -> lineage.analyze(sql))
                .isInstanceOfSatisfying(LineageException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("cannot parse 'SELECT a, b, c, d, e, f, g, h, i, j, k, l, m, n, "
                            + "o, p, q, r, s, t, u, v, w, x, y…': Encountered: <EOF>, at line 1, column 99");
                    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("net.sf.jsqlparser");
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATA);
                    assertThat(e.hint()).isNotBlank();
                });
    }

    @Test
    void reservedWordsOfJSqlParserThatPostgresAllowsAreAFailureNotWrongLineage() {
        // a known JSqlParser 5.4 limitation: FINAL is a keyword there, an ordinary name in PostgreSQL
        assertThatThrownBy(() -> lineage.analyze("INSERT INTO final (id) SELECT id FROM stage"))
                .isInstanceOf(LineageException.class)
                .hasMessageStartingWith("cannot parse 'INSERT INTO final (id) SELECT id FROM stage': ");
    }

    @Test
    void statementsWithoutDataFlowHaveEmptyLineageEvenWhereJSqlParserCannotReadThem() {
        for (String sql : List.of("BEGIN", "COMMIT", "VACUUM ANALYZE t", "DO $$BEGIN PERFORM 1; END$$",
                "SET search_path = a", "DROP TABLE t", "ALTER TABLE t ADD COLUMN c int", "TRUNCATE t")) {
            StatementLineage l = lineage.analyze(sql);
            assertThat(l.reads()).as(sql).isEmpty();
            assertThat(l.writes()).as(sql).isEmpty();
            assertThat(l.tableEdges()).as(sql).isEmpty();
        }
    }

    @Test
    void emptyTextIsAFailure() {
        assertThatThrownBy(() -> lineage.analyze("  -- nothing\n"))
                .isInstanceOf(LineageException.class)
                .hasMessageContaining("it holds no statement");
    }

    @Test
    void topLevelReturningIsNotARead() {
        StatementLineage l = lineage.analyze("INSERT INTO t (a) SELECT x FROM s RETURNING id, a");
        assertThat(strings(l.reads())).containsExactly("public.s");
        assertThat(strings(l.writes())).containsExactly("public.t");
    }

    @Test
    void wholeRowReferenceFlowsEveryColumnOfItsTable() {
        SqlLineage withCatalog = new SqlLineage(List.of("public"),
                table -> Map.of(new TableName("public", "t"), List.of("a", "b")).getOrDefault(table, List.of()));
        StatementLineage l = withCatalog.analyze("INSERT INTO docs (body) SELECT to_jsonb(t) FROM t");
        assertThat(strings(l.columnEdges())).containsExactly("public.t.a -> public.docs.body", "public.t.b -> public.docs.body");
    }

    @Test
    void plainSelectHasReadsAndJoinsButNoWritesOrEdges() {
        StatementLineage l = lineage.analyze("SELECT * FROM a JOIN b ON a.id = b.a_id WHERE b.x = 1");
        assertThat(strings(l.reads())).containsExactly("public.a", "public.b");
        assertThat(l.writes()).isEmpty();
        assertThat(l.tableEdges()).isEmpty();
        assertThat(l.columnEdges()).isEmpty();
        assertThat(strings(l.joins())).containsExactly("public.a.id = public.b.a_id");
    }

    @Test
    void namesPrintUnquoted() {
        TableName table = new TableName("My Schema", "Orders");
        assertThat(table.toString()).isEqualTo("My Schema.Orders");
        assertThat(new ColumnName(table, "Total").toString()).isEqualTo("My Schema.Orders.Total");
        assertThat(table.system()).isFalse();
        assertThat(new TableName("pg_catalog", "pg_class").system()).isTrue();
    }

    @Test
    void searchPathMustNameASchema() {
        assertThatThrownBy(() -> new SqlLineage(List.of(), ColumnCatalog.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statementsAsPgStatStatementsLogsThemKeepTheirLineage() {
        // pg_stat_statements logs timestamptz '2025-01-01' as timestamptz $3, which JSqlParser 5.4 cannot read
        StatementLineage l = lineage.analyze("""
                INSERT INTO sales.orders (customer_id, ordered_at, status)
                SELECT $1 + g % $2, timestamptz $3 + (g * interval $4), (ARRAY[$5 /*, ... */])[$6 + g % $7]
                FROM generate_series($8, $9) g""");
        assertThat(strings(l.writes())).containsExactly("sales.orders");
        l = lineage.analyze("""
                INSERT INTO report (day, total) SELECT date $1, sum(o.amount) FROM orders o
                WHERE o.at >= timestamp with time zone $2 AND o.note <> 'text $3'""");
        assertThat(strings(l.tableEdges())).containsExactly("public.orders -> public.report");
        assertThat(strings(l.columnEdges())).containsExactly("public.orders.amount -> public.report.total");
        assertThat(l.sql()).as("the statement as logged").contains("date $1");
    }

    @Test
    void typedParametersBecomeCastsOnlyForTypeNames() {
        assertThat(SqlLineage.typedParametersAsCasts("SELECT timestamptz $3, interval $4 FROM t LIMIT $5 OFFSET $6"))
                .isEqualTo("SELECT $3::timestamptz, $4::interval FROM t LIMIT $5 OFFSET $6");
        assertThat(SqlLineage.typedParametersAsCasts("SELECT t.date $1, x AT TIME ZONE $2, \"text\" $3"))
                .as("a qualified column, a time zone and a quoted name are not types")
                .isEqualTo("SELECT t.date $1, x AT TIME ZONE $2, \"text\" $3");
    }
}
