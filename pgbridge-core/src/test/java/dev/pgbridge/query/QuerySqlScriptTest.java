package dev.pgbridge.query;

import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuerySqlScriptTest {
    private static List<String> texts(String sql) {
        return SqlScript.split(sql).stream().map(SqlStatement::text).toList();
    }

    @Test
    void splitsAtTopLevelSemicolonsAndDropsEmptyStatements() {
        assertThat(texts("select 1; select 2;\n\n;  -- only a comment\n")).containsExactly("select 1", "select 2");
        assertThat(texts("  ")).isEmpty();
        assertThat(texts("select 1")).containsExactly("select 1");
    }

    @Test
    void semicolonsInsideQuotesCommentsAndParenthesesDoNotSplit() {
        assertThat(texts("select ';', \"a;b\", E'\\';x', $$;$$, $t$ $$; $t$; select 2"))
                .containsExactly("select ';', \"a;b\", E'\\';x', $$;$$, $t$ $$; $t$", "select 2");
        assertThat(texts("select 'it''s;' /* a; /* nested; */ still; */ ; select 2 -- x;y\n; select 3"))
                .containsExactly("select 'it''s;' /* a; /* nested; */ still; */", "select 2 -- x;y", "select 3");
        assertThat(texts("select (1;2); select 3")).containsExactly("select (1;2)", "select 3");
    }

    @Test
    void standardStringsDoNotTreatBackslashAsEscape() {
        // 'a\' ends the string under standard_conforming_strings (the default since PostgreSQL 9.1)
        assertThat(texts("select 'a\\'; select 2")).containsExactly("select 'a\\'", "select 2");
        // but the identifier "e" followed by a string is not an E string: xe'…' is the word xe and a string
        assertThat(texts("select xe'a\\'; select 2")).containsExactly("select xe'a\\'", "select 2");
    }

    @Test
    void dollarSignsInsideIdentifiersAndParametersAreNotQuotes() {
        assertThat(texts("select a$b$ from t; select $1; select 2"))
                .containsExactly("select a$b$ from t", "select $1", "select 2");
    }

    @Test
    void beginAtomicBodiesStayInOneStatement() {
        String function = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n"
                + "  SELECT CASE WHEN true THEN 2 END;\nEND";
        assertThat(texts(function + "; select 3")).containsExactly(function, "select 3");
        // outside CREATE FUNCTION, BEGIN is a transaction command
        assertThat(texts("begin; select 1; end;")).containsExactly("begin", "select 1", "end");
    }

    @Test
    void statementsKnowWhereTheyStart() {
        List<SqlStatement> statements = SqlScript.split("select 1;\n\n  select\n 2;");
        assertThat(statements.get(1).line()).isEqualTo(3);
        assertThat(statements.get(1).offset()).isEqualTo(13);
        assertThat(statements.get(1).index()).isEqualTo(1);
        assertThat(statements.get(1).text()).isEqualTo("select\n 2");
    }

    @Test
    void leadingCommentsStayWithTheirStatement() {
        // optimizer hints (pg_hint_plan) must stay first
        assertThat(texts("/*+ SeqScan(t) */ select 1 from t")).containsExactly("/*+ SeqScan(t) */ select 1 from t");
    }

    @Test
    void findsParameterMarkersOutsideQuotesLikePgjdbc() {
        SqlStatement s = SqlScript.split("select ?, '?', \"?\", ?? , $$?$$ -- ?\n, ?").get(0);
        assertThat(s.parameterCount()).isEqualTo(2);
        assertThat(s.markers()).containsExactly(7, 38);
        assertThat(s.escapedMarkers()).containsExactly(20);
    }

    @Test
    void mapsServerPositionsBackToTheText() {
        // pgjdbc sends "select $1, $2 frm t": position 15 is "frm"
        SqlStatement s = SqlScript.split("select ?, ? frm t").get(0);
        assertThat(s.sourceIndex(15)).isEqualTo(12);
        // ?? is sent as ?, one character shorter
        SqlStatement escaped = SqlScript.split("select '{}'::jsonb ?? 'a' frm").get(0);
        assertThat(escaped.sourceIndex(26)).isEqualTo(26);
        // PostgreSQL counts characters, Java counts UTF-16 units: the key is 2 units but 1 character
        SqlStatement emoji = SqlScript.split("select '🔑é', nosuch").get(0);
        assertThat(emoji.sourceIndex(14)).isEqualTo(14);
        assertThat(emoji.text().substring(emoji.sourceIndex(14))).isEqualTo("nosuch");
        assertThat(emoji.sourceIndex(0)).isEqualTo(-1);
        assertThat(emoji.sourceIndex(100)).isEqualTo(-1);
    }

    @Test
    void firstKeywordSkipsCommentsAndParentheses() {
        assertThat(SqlScript.split("-- c\n/* d */ (select 1)").get(0).firstKeyword()).isEqualTo("SELECT");
        assertThat(SqlScript.split("update t set a = 1").get(0).firstKeyword()).isEqualTo("UPDATE");
    }

    @Test
    void singleRefusesWhatCouldEscapeParentheses() {
        assertThat(SqlScript.single("select 1;").text()).isEqualTo("select 1");
        assertThatThrownBy(() -> SqlScript.single("select 1) TO PROGRAM 'x' --"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("closing parenthesis");
        assertThatThrownBy(() -> SqlScript.single("select (1"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("not closed");
        assertThatThrownBy(() -> SqlScript.single("select 'abc"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("unterminated quoted string");
        assertThatThrownBy(() -> SqlScript.single("select 1 /* x"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("unterminated comment");
        assertThatThrownBy(() -> SqlScript.single("select 1; select 2"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("2 statements");
        assertThatThrownBy(() -> SqlScript.single(" -- nothing"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("no statement");
    }

    @Test
    void toStringNeverShowsTheSql() {
        assertThat(SqlScript.split("alter role r password 'secret'").get(0).toString()).doesNotContain("secret");
    }

    // a profileQuery or a partition condition with "; COMMIT; DROP …" ran past the read-only transaction
    @Test
    void aQueryIsOneReadingStatementThatStaysInsideItsParentheses() {
        assertThat(SqlScript.query("  (WITH a AS (SELECT 1) SELECT * FROM a);", "sqlExpression").text())
                .contains("WITH a AS");
        assertThat(SqlScript.query("values (1), (2)", "q").text()).isEqualTo("values (1), (2)");
        assertThatThrownBy(() -> SqlScript.query("SELECT 1; COMMIT; DROP TABLE t", "profileQuery"))
                .isInstanceOf(PgBridgeException.class).hasMessageStartingWith("profileQuery: ")
                .hasMessageContaining("3 statements");
        assertThatThrownBy(() -> SqlScript.query("SELECT 1) AS q; SELECT (1", "profileQuery"))
                .isInstanceOf(PgBridgeException.class);
        assertThatThrownBy(() -> SqlScript.query("COPY (SELECT 1) TO PROGRAM 'id'", "sqlExpression"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("must be a query; it starts with COPY");
        assertThatThrownBy(() -> SqlScript.query("DELETE FROM t", "sqlExpression"))
                .hasMessageContaining("starts with DELETE");
    }
}
